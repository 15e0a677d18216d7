import { Client } from 'pg';

export interface RoleFacts {
  role: string;
  superuser: boolean;
  bypassRls: boolean;
  ownedRelations: number;
}

export async function inspectRole(url: string): Promise<RoleFacts> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<RoleFacts>(
      `SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS "bypassRls",
              (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relowner = r.oid AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%') AS "ownedRelations"
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

/**
 * Refuses to serve as a role that could see past row-level security or rewrite the audit log
 * (DESIGN.md §3.3): superuser, BYPASSRLS, or the owner of any table.
 */
export async function assertLeastPrivilege(url: string): Promise<void> {
  const facts = await inspectRole(url);
  const problems = [
    facts.superuser && 'is a superuser',
    facts.bypassRls && 'has BYPASSRLS',
    facts.ownedRelations > 0 && `owns ${facts.ownedRelations} relation(s)`,
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new Error(
      `DATABASE_URL connects as role "${facts.role}", which ${problems.join(' and ')}. The API must connect as ` +
        'a role that owns no table and is neither superuser nor BYPASSRLS (see docs/operations.md, "Database roles").',
    );
  }
}

export interface PlatformRoleFacts extends RoleFacts {
  /** Roles it is a member of (their privileges could be borrowed with SET ROLE). */
  memberOf: string[];
  /** Tables, views and sequences outside the system schemas it holds any privilege on. */
  privilegedRelations: string[];
  /** Whether it may run the aggregate functions the platform module calls. */
  canExecuteStatistics: boolean;
}

export async function inspectPlatformRole(url: string): Promise<PlatformRoleFacts> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const base = await client.query<RoleFacts>(
      `SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS "bypassRls",
              (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid)
              + (SELECT count(*)::int FROM pg_proc p WHERE p.proowner = r.oid)
              + (SELECT count(*)::int FROM pg_namespace n WHERE n.nspowner = r.oid) AS "ownedRelations"
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    const members = await client.query<{ name: string }>(
      `SELECT g.rolname AS name FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
        WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = current_user) ORDER BY 1`,
    );
    // Any privilege at all, on the table or on one of its columns: the platform role reads
    // through the aggregate functions only, never a relation (DESIGN.md §3.6).
    const relations = await client.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
          AND (has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
               OR (c.relkind <> 'S' AND has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))
               OR (c.relkind = 'S' AND has_sequence_privilege(c.oid, 'USAGE, SELECT, UPDATE')))
        ORDER BY 1`,
    );
    const exec = await client.query<{ ok: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = 'platform' AND p.proname = 'published_statistics'
            AND has_schema_privilege(n.oid, 'USAGE') AND has_function_privilege(p.oid, 'EXECUTE')) AS ok`,
    );
    return {
      ...base.rows[0],
      memberOf: members.rows.map((r) => r.name),
      privilegedRelations: relations.rows.map((r) => r.name),
      canExecuteStatistics: exec.rows[0].ok,
    };
  } finally {
    await client.end();
  }
}

/**
 * Refuses to serve the platform through a role that could read more than aggregates (DESIGN.md
 * §3.6): it must not be superuser or BYPASSRLS, own anything, belong to another role, or hold
 * any privilege on any table, view or sequence; it must be able to run the statistics functions.
 */
export async function assertPlatformBoundary(url: string): Promise<void> {
  const facts = await inspectPlatformRole(url);
  const problems = [
    facts.superuser && 'is a superuser',
    facts.bypassRls && 'has BYPASSRLS',
    facts.ownedRelations > 0 && `owns ${facts.ownedRelations} object(s)`,
    facts.memberOf.length > 0 && `is a member of ${facts.memberOf.join(', ')}`,
    facts.privilegedRelations.length > 0 &&
      `holds privileges on ${facts.privilegedRelations.slice(0, 5).join(', ')}${
        facts.privilegedRelations.length > 5
          ? ` and ${facts.privilegedRelations.length - 5} more`
          : ''
      }`,
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new Error(
      `PLATFORM_DATABASE_URL connects as role "${facts.role}", which ${problems.join(' and ')}. The platform ` +
        'must connect as a role with no grant on any table (see docs/operations.md, "Database roles").',
    );
  }
  if (!facts.canExecuteStatistics) {
    throw new Error(
      `PLATFORM_DATABASE_URL connects as role "${facts.role}", which cannot run platform.published_statistics: ` +
        'apply the migrations, and connect as the platform role (see docs/operations.md, "Database roles").',
    );
  }
}

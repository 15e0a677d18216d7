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

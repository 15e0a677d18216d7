import { Client } from 'pg';

/**
 * Database roles (DESIGN.md §3.3). Migrations run as OWNER_ROLE, which owns every table.
 * The API connects as APP_ROLE: it owns nothing, is neither superuser nor BYPASSRLS, and
 * gets only the grants each migration gives it, so row-level security and the append-only
 * audit log hold against the application itself. Migrations name these roles in GRANTs.
 */
export const OWNER_ROLE = 'council_owner';
export const APP_ROLE = 'council_app';
/**
 * The platform boundary (DESIGN.md §3.6). The API's platform module connects as PLATFORM_ROLE,
 * which has no grant on any table at all — not even USAGE on schema `public` — only EXECUTE on
 * the aggregate functions in schema `platform` (migrations/1763780600000-platform.ts). Those
 * functions are SECURITY DEFINER, owned by STATISTICS_ROLE: NOLOGIN, no BYPASSRLS, and granted
 * SELECT only on the columns an aggregate needs (never a name, note, address or minutes text).
 * OWNER_ROLE is a member of STATISTICS_ROLE only so that a migration can hand it the functions;
 * that adds nothing, since the owner already holds every privilege the statistics role has.
 */
export const PLATFORM_ROLE = 'council_platform';
export const STATISTICS_ROLE = 'council_statistics';

export interface ProvisionOptions {
  /** A superuser (or CREATEROLE + CREATEDB) connection to the server's maintenance database. */
  adminUrl: string;
  database: string;
  ownerPassword: string;
  appPassword: string;
  platformPassword: string;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Creates or updates the roles (the login roles with the given passwords). Idempotent. */
export async function provisionRoles(
  admin: Client,
  ownerPassword: string,
  appPassword: string,
  platformPassword: string,
): Promise<void> {
  for (const [role, password] of [
    [OWNER_ROLE, ownerPassword],
    [APP_ROLE, appPassword],
    [PLATFORM_ROLE, platformPassword],
  ] as const) {
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const verb = exists.rowCount ? 'ALTER' : 'CREATE';
    // Passwords cannot be bound parameters in DDL; escape as a literal instead.
    const literal = `'${password.replace(/'/g, "''")}'`;
    await admin.query(
      `${verb} ROLE ${quoteIdent(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION PASSWORD ${literal}`,
    );
  }
  const stats = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [STATISTICS_ROLE]);
  await admin.query(
    `${stats.rowCount ? 'ALTER' : 'CREATE'} ROLE ${quoteIdent(STATISTICS_ROLE)} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION`,
  );
  const member = await admin.query(
    `SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
      WHERE r.rolname = $1 AND u.rolname = $2`,
    [STATISTICS_ROLE, OWNER_ROLE],
  );
  if (!member.rowCount)
    await admin.query(`GRANT ${quoteIdent(STATISTICS_ROLE)} TO ${quoteIdent(OWNER_ROLE)}`);
}

/** Creates `database` owned by OWNER_ROLE (if missing) and locks down its public schema. */
export async function provisionDatabase(
  admin: Client,
  database: string,
  template?: string,
): Promise<boolean> {
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount) return false;
  await admin.query(
    `CREATE DATABASE ${quoteIdent(database)} OWNER ${quoteIdent(OWNER_ROLE)} ENCODING 'UTF8'${
      template ? ` TEMPLATE ${quoteIdent(template)}` : ''
    }`,
  );
  await admin.query(`REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC`);
  // The application and platform roles may connect, nothing more: no TEMPORARY, since a
  // temporary object can shadow a name (migrations/1763780741000-database-hardening.ts).
  await admin.query(
    `GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(OWNER_ROLE)}, ${quoteIdent(APP_ROLE)}, ${quoteIdent(PLATFORM_ROLE)}`,
  );
  return true;
}

/** Schema-level hardening, run inside the new database as the admin. */
export async function hardenSchema(adminOnDatabase: Client): Promise<void> {
  await adminOnDatabase.query(`ALTER SCHEMA public OWNER TO ${quoteIdent(OWNER_ROLE)}`);
  await adminOnDatabase.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
  await adminOnDatabase.query(`GRANT USAGE ON SCHEMA public TO ${quoteIdent(APP_ROLE)}`);
}

/** Roles + database + schema hardening in one go: what a fresh installation needs. */
export async function provision(options: ProvisionOptions): Promise<void> {
  const admin = new Client({ connectionString: options.adminUrl });
  await admin.connect();
  try {
    await provisionRoles(
      admin,
      options.ownerPassword,
      options.appPassword,
      options.platformPassword,
    );
    const created = await provisionDatabase(admin, options.database);
    if (!created) return;
  } finally {
    await admin.end();
  }
  const onDb = new Client({ connectionString: withDatabase(options.adminUrl, options.database) });
  await onDb.connect();
  try {
    await hardenSchema(onDb);
  } finally {
    await onDb.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

export function postgresUrl(p: {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}): string {
  return `postgres://${encodeURIComponent(p.user)}:${encodeURIComponent(p.password)}@${p.host}:${p.port}/${encodeURIComponent(p.database)}`;
}

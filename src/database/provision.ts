import { Client } from 'pg';

/**
 * Database roles (DESIGN.md §3.3). Migrations run as OWNER_ROLE, which owns every table.
 * The API connects as APP_ROLE: it owns nothing, is neither superuser nor BYPASSRLS, and
 * gets only the grants each migration gives it, so row-level security and the append-only
 * audit log hold against the application itself. Migrations name these roles in GRANTs.
 */
export const OWNER_ROLE = 'council_owner';
export const APP_ROLE = 'council_app';

export interface ProvisionOptions {
  /** A superuser (or CREATEROLE + CREATEDB) connection to the server's maintenance database. */
  adminUrl: string;
  database: string;
  ownerPassword: string;
  appPassword: string;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Creates or updates the two roles (with the given passwords). Idempotent. */
export async function provisionRoles(
  admin: Client,
  ownerPassword: string,
  appPassword: string,
): Promise<void> {
  for (const [role, password] of [
    [OWNER_ROLE, ownerPassword],
    [APP_ROLE, appPassword],
  ] as const) {
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const verb = exists.rowCount ? 'ALTER' : 'CREATE';
    // Passwords cannot be bound parameters in DDL; escape as a literal instead.
    const literal = `'${password.replace(/'/g, "''")}'`;
    await admin.query(
      `${verb} ROLE ${quoteIdent(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION PASSWORD ${literal}`,
    );
  }
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
  await admin.query(
    `GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(OWNER_ROLE)}, ${quoteIdent(APP_ROLE)}`,
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
    await provisionRoles(admin, options.ownerPassword, options.appPassword);
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

import { Client } from 'pg';

/**
 * Makes a user a system administrator, as the owner role. The application role cannot: it has
 * no grant on `users.is_system_admin` at all (migrations/1763780741000-database-hardening.ts),
 * so nothing reachable through the API — a bug, an injection — can create an administrator
 * (DESIGN.md §3.11). Used by `create-admin` and the embedded demo seed only.
 */
export const OWNER_URL_REQUIRED =
  'MIGRATION_DATABASE_URL (the owner role) is required to make a system admin: the application role cannot';

export async function grantSystemAdmin(ownerUrl: string | null, userId: string): Promise<void> {
  if (!ownerUrl) throw new Error(OWNER_URL_REQUIRED);
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query(
      `UPDATE public.users SET is_system_admin = true, updated_at = now() WHERE id = $1`,
      [userId],
    );
    if (rowCount !== 1) throw new Error('no such user');
  } finally {
    await client.end();
  }
}

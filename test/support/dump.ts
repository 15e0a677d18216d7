import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { TestDatabase } from './database';

/** The pg_dump binaries on this machine, newest first (PATH's, then Debian's per-version ones). */
function pgDumpCandidates(): string[] {
  const versioned = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin/pg_dump`)
        .filter((p) => existsSync(p))
    : [];
  return [...versioned, 'pg_dump'];
}

/**
 * What a stolen backup of the test database holds: `pg_dump` of it as a superuser (past RLS,
 * every council), when a pg_dump at least as new as the server is installed. The embedded
 * PostgreSQL ships no pg_dump and is newer than the machine's, so otherwise the same data is
 * read the way pg_dump reads it — every row of every table, bytea as hex — as text.
 */
export async function databaseDump(
  db: TestDatabase,
): Promise<{ text: string; tool: 'pg_dump' | 'select' }> {
  const [{ v }] = (await db.superuser.query(`SELECT current_setting('server_version_num') AS v`))
    .rows as { v: string }[];
  const serverMajor = Math.floor(Number(v) / 10000);
  for (const bin of pgDumpCandidates()) {
    try {
      const version = execFileSync(bin, ['--version'], { encoding: 'utf8' });
      const major = Number(/(\d+)(\.\d+)?/.exec(version)?.[1] ?? 0);
      if (major < serverMajor) continue;
      const text = execFileSync(bin, ['--no-owner', '--dbname', db.adminUrl], {
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      });
      return { text, tool: 'pg_dump' };
    } catch {
      // not installed, or refused: try the next one
    }
  }
  const tables = (
    await db.superuser.query(
      `SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    )
  ).rows as { t: string }[];
  const parts: string[] = [];
  for (const { t } of tables) {
    const rows = (await db.superuser.query(`SELECT x::text AS line FROM ${t} x`)).rows as {
      line: string;
    }[];
    parts.push(`-- ${t}`, ...rows.map((r) => r.line));
  }
  return { text: parts.join('\n'), tool: 'select' };
}

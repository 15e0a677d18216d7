import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';

/**
 * Named prepared statements (issue 15). PostgreSQL plans an unnamed statement on every call, and
 * with row-level security and the policy filters planning costs more than executing. A named
 * statement is parsed and planned once per connection (node-postgres keeps the names it has
 * prepared on each client) and then only bound and executed.
 *
 * The name is the caller's label plus a hash of the text, so two texts can never share a name
 * (node-postgres refuses that) — the policy SQL differs by role, and each role's text gets its
 * own statement. The set of texts is bounded: they are built from fixed templates (a role's
 * policy, a list's filter). As a guard against a text that is not, at most MAX_NAMED distinct
 * texts are named per process; any beyond that run unnamed, as before.
 */
const MAX_NAMED = 2_000;
const names = new Map<string, string>();

function statementName(label: string, text: string): string | undefined {
  const known = names.get(text);
  if (known) return known;
  if (names.size >= MAX_NAMED) return undefined;
  const name = `${label}_${createHash('sha1').update(text).digest('base64url').slice(0, 12)}`;
  names.set(text, name);
  return name;
}

/** The pg client under a transaction's EntityManager (TypeORM's PostgresQueryRunner), if any. */
export function clientOf(em: EntityManager): PoolClient | undefined {
  const qr = em.queryRunner as
    { databaseConnection?: PoolClient; isReleased?: boolean } | undefined;
  return qr && !qr.isReleased ? qr.databaseConnection : undefined;
}

/**
 * Runs `text` as the named prepared statement `label_<hash>` on the connection of `em`'s
 * transaction (its pg client), so it shares the transaction; errors are TypeORM's
 * QueryFailedError with the driver error inside, as `em.query` would throw, so the same error
 * mapping applies. An EntityManager without a connected query runner runs it unnamed.
 */
export async function runPrepared<T extends QueryResultRow>(
  em: EntityManager,
  label: string,
  text: string,
  values: unknown[],
): Promise<QueryResult<T>> {
  const client = clientOf(em);
  if (!client) {
    const rows = (await em.query(text, values)) as T[] | [T[], number];
    const records = isUpdateResult(rows) ? rows[0] : rows;
    return { rows: records, rowCount: records.length } as QueryResult<T>;
  }
  try {
    return await client.query<T>({ name: statementName(label, text), text, values });
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  }
}

const isUpdateResult = <T>(r: T[] | [T[], number]): r is [T[], number] =>
  r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number';

/** The rows of a named prepared statement (see runPrepared). */
export async function prepared<T extends QueryResultRow>(
  em: EntityManager,
  label: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  return (await runPrepared<T>(em, label, text, values)).rows;
}

/**
 * The same outside any transaction (one statement, e.g. the session check of a route outside a
 * council): on a pooled connection of the data source's pg pool.
 */
export async function preparedOnPool<T extends QueryResultRow>(
  dataSource: DataSource,
  label: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) return (await dataSource.query(text, values)) as T[];
  try {
    return (await pool.query<T>({ name: statementName(label, text), text, values })).rows;
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  }
}

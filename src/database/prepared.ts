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

/** One statement of a batch: its label (for the name), text and values. */
export interface Statement {
  label: string;
  text: string;
  values: unknown[];
}

/**
 * SQL-level prepared statements (PREPARE … AS …) each connection already holds. They live in
 * the session, survive ROLLBACK (PostgreSQL does not undo PREPARE) and go with the connection; a
 * separate namespace (`s_…`) from node-postgres' protocol-level names, which it tracks itself.
 */
const sqlPrepared = new WeakMap<PoolClient, Set<string>>();

/**
 * The value as an SQL literal for EXECUTE, or undefined when it has no text form here (then the
 * batch runs statement by statement instead). An untyped literal takes the parameter's type,
 * exactly as a protocol-level parameter sent as text does; strings go through node-postgres'
 * `escapeLiteral` (quotes and backslashes), so a value can never end the literal.
 */
function literal(value: unknown, escape: (s: string) => string): string | undefined {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return escape(value);
  if (typeof value === 'boolean') return value ? "'true'" : "'false'";
  if (typeof value === 'number') return Number.isFinite(value) ? `'${value}'` : undefined;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const item of value) {
      if (item === null || item === undefined) items.push('NULL');
      else if (typeof item === 'string' || typeof item === 'number')
        items.push(`"${String(item).replace(/[\\"]/g, (c) => `\\${c}`)}"`);
      else return undefined;
    }
    return escape(`{${items.join(',')}}`);
  }
  return undefined;
}

/**
 * `EXECUTE "s_…"(literals…)` for each statement, PREPAREd first on this connection if it is new
 * there (one round trip per statement, once per connection); undefined if a statement cannot be
 * sent this way (too many texts, a value without a literal form).
 */
async function executes(
  client: PoolClient,
  statements: Statement[],
): Promise<string[] | undefined> {
  const out: string[] = [];
  let known = sqlPrepared.get(client);
  if (!known) sqlPrepared.set(client, (known = new Set()));
  const escape = (s: string) => client.escapeLiteral(s);
  for (const st of statements) {
    const name = statementName(st.label, st.text);
    if (!name) return undefined;
    const args: string[] = [];
    for (const v of st.values) {
      const lit = literal(v, escape);
      if (lit === undefined) return undefined;
      args.push(lit);
    }
    const sqlName = `s_${name}`;
    if (!known.has(sqlName)) {
      try {
        await client.query(`PREPARE "${sqlName}" AS ${st.text}`);
      } catch (error) {
        throw new QueryFailedError(st.text, st.values, error as Error);
      }
      known.add(sqlName);
    }
    out.push(args.length ? `EXECUTE "${sqlName}"(${args.join(', ')})` : `EXECUTE "${sqlName}"`);
  }
  return out;
}

/**
 * Several statements in ONE round trip (issue 15): a simple-protocol message of EXECUTEs of
 * statements prepared once per connection, optionally framed by fixed SQL before (`head`, e.g.
 * BEGIN) and after (`tail`, e.g. COMMIT). PostgreSQL runs the message's statements in order and
 * stops at the first error, so nothing after a failed statement runs (a COMMIT in `tail` never
 * follows a failed INSERT). Answers each statement's rows, in order. Results come back in text
 * form and are parsed by the same type parsers as the protocol-level statements.
 * When the statements cannot be sent this way, they run one by one (same effect, more trips),
 * which needs `head` and `tail` to be plain statements too.
 */
export async function batchOnClient(
  client: PoolClient,
  statements: Statement[],
  frame: { head?: string; tail?: string } = {},
): Promise<QueryResultRow[][]> {
  const execs = await executes(client, statements);
  if (!execs) {
    const rows: QueryResultRow[][] = [];
    if (frame.head) await client.query(frame.head);
    for (const st of statements) {
      try {
        rows.push(
          (
            await client.query({
              name: statementName(st.label, st.text),
              text: st.text,
              values: st.values,
            })
          ).rows,
        );
      } catch (error) {
        throw new QueryFailedError(st.text, st.values, error as Error);
      }
    }
    if (frame.tail) await client.query(frame.tail);
    return rows;
  }
  const text = [frame.head, ...execs, frame.tail].filter(Boolean).join(';\n');
  let results: QueryResult | QueryResult[];
  try {
    results = (await client.query(text)) as unknown as QueryResult | QueryResult[];
  } catch (error) {
    throw new QueryFailedError(text, [], error as Error);
  }
  const all = Array.isArray(results) ? results : [results];
  const skip = frame.head ? all.length - statements.length - (frame.tail ? 1 : 0) : 0;
  return statements.map((_, i) => all[skip + i].rows);
}

/** The same in `em`'s transaction (see batchOnClient); one by one without a pg client. */
export async function batch(
  em: EntityManager,
  statements: Statement[],
): Promise<QueryResultRow[][]> {
  const client = clientOf(em);
  if (!client) {
    const rows: QueryResultRow[][] = [];
    for (const st of statements) rows.push(await prepared(em, st.label, st.text, st.values));
    return rows;
  }
  return batchOnClient(client, statements);
}

import { createHash } from 'node:crypto';

/**
 * The canonical encoding of an audit event, as hashed into its council's chain. It must match
 * audit_canonical() in migrations/1763780200000-access-layer.ts byte for byte, and is documented
 * in docs/audit.md so that auditors can re-verify with their own tools:
 *
 *   one field per line (LF), in this order: council_id, seq, at, actor_user_id, actor_role,
 *   member_body_id, action, resource_type, resource_id, resource_ids, case_id, outcome, reason,
 *   rule_id, basis, request_id. Each field is escaped so the encoding is injective: a backslash
 *   becomes \\, a line feed \n, and NULL is \N. resource_ids are comma-joined; `at` is UTC
 *   ISO-8601 with microseconds and a Z.
 *
 *   hash = SHA-256(prev_hash ‖ UTF-8(canonical)); the first prev_hash is 32 zero bytes.
 */
export interface ChainedEvent {
  councilId: string;
  seq: string; // bigint as text
  at: string; // already in the canonical timestamp format
  actorUserId: string | null;
  actorRole: string | null;
  memberBodyId: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  resourceIds: string[] | null;
  caseId: string | null;
  outcome: string;
  reason: string | null;
  ruleId: string | null;
  basis: string | null;
  requestId: string | null;
  prevHash: Buffer;
  hash: Buffer;
}

export const GENESIS_HASH = Buffer.alloc(32);

/** One field as encoded: NULL → \N; backslash and line feed escaped. */
export const field = (v: string | null): string =>
  v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export function canonical(e: ChainedEvent): string {
  return [
    e.councilId,
    e.seq,
    e.at,
    e.actorUserId,
    e.actorRole,
    e.memberBodyId,
    e.action,
    e.resourceType,
    e.resourceId,
    e.resourceIds ? e.resourceIds.join(',') : null,
    e.caseId,
    e.outcome,
    e.reason,
    e.ruleId,
    e.basis,
    e.requestId,
  ]
    .map(field)
    .join('\n');
}

export function chainHash(prev: Buffer, e: ChainedEvent): Buffer {
  return encodedHash(prev, canonical(e));
}

export function encodedHash(prev: Buffer, encoded: string): Buffer {
  return createHash('sha256').update(prev).update(encoded, 'utf8').digest();
}

/** The columns to select to rebuild the encoding in JS (an export, a DBA's own check). */
export const CHAINED_EVENT_COLUMNS = `council_id AS "councilId", seq::text AS seq,
  to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
  actor_user_id AS "actorUserId", actor_role AS "actorRole", member_body_id AS "memberBodyId", action,
  resource_type AS "resourceType", resource_id AS "resourceId", resource_ids AS "resourceIds", case_id AS "caseId",
  outcome, reason, rule_id AS "ruleId", basis, request_id AS "requestId", prev_hash AS "prevHash", hash`;

/** One link of a chain as verification needs it: the encoding of the event and its hashes. */
export interface ChainRow {
  seq: string;
  encoded: string;
  prevHash: Buffer;
  hash: Buffer;
}

export const toChainRow = (e: ChainedEvent): ChainRow => ({
  seq: e.seq,
  encoded: canonical(e),
  prevHash: e.prevHash,
  hash: e.hash,
});

const f = (expr: string): string =>
  `COALESCE(pg_catalog.replace(pg_catalog.replace(${expr}, '\\', '\\\\'), E'\\n', '\\n'), '\\N')`;

/**
 * The same encoding, built by the verifying query itself from the stored values: the database
 * only reads columns (its own audit_canonical() is not trusted here, and every function is
 * schema-qualified so that nothing in `public` can stand in for it). Fetching one text column
 * instead of sixteen typed ones is what makes streaming verification fast.
 */
export const ENCODED_EVENT_SQL = `pg_catalog.concat_ws(E'\\n', ${[
  'council_id::text',
  'seq::text',
  `pg_catalog.to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  'actor_user_id::text',
  'actor_role',
  'member_body_id::text',
  'action',
  'resource_type',
  'resource_id::text',
  `pg_catalog.array_to_string(resource_ids, ',')`,
  'case_id::text',
  'outcome',
  'reason',
  'rule_id',
  'basis',
  'request_id',
]
  .map(f)
  .join(', ')})`;

export interface VerifyResult {
  valid: boolean;
  checked: number;
  lastSeq: number;
  firstBrokenSeq: number | null;
  /** What was wrong at firstBrokenSeq: gap, prev_hash, hash, head. */
  problem: string | null;
}

/**
 * Walks a chain in seq order, batch by batch, keeping only the running hash: memory stays flat
 * however long the log. `next(afterSeq)` returns the following rows (empty when done). From the
 * genesis, or from a trusted checkpoint `from` (its seq and hash): then only the events after it
 * are read, and the first of them must chain from its hash.
 */
export async function verifyChain(
  next: (afterSeq: string, limit: number) => Promise<ChainRow[]>,
  head: { seq: string; hash: Buffer } | null,
  batchSize = 4_000,
  from?: { seq: bigint; hash: Buffer },
): Promise<VerifyResult> {
  let expected = (from?.seq ?? 0n) + 1n;
  let prev: Buffer = from?.hash ?? GENESIS_HASH;
  let checked = 0;
  let after = String(from?.seq ?? 0n);
  const broken = (seq: bigint, problem: string): VerifyResult => ({
    valid: false,
    checked,
    lastSeq: Number(expected - 1n),
    firstBrokenSeq: Number(seq),
    problem,
  });
  // The next batch is requested before this one is hashed, so the database and the hashing
  // overlap; memory holds at most two batches whatever the length of the log.
  let pending = next(after, batchSize);
  for (;;) {
    const rows = await pending;
    if (rows.length === 0) break;
    after = rows[rows.length - 1].seq;
    pending = next(after, batchSize);
    for (const row of rows) {
      const seq = BigInt(row.seq);
      const problem =
        seq !== expected
          ? // Stryker disable next-line EqualityOperator: only reached when seq !== expected, where > and >= agree
            seq > expected
            ? 'gap'
            : 'duplicate'
          : !row.prevHash.equals(prev)
            ? 'prev_hash'
            : null;
      const hash = problem ? null : encodedHash(prev, row.encoded);
      if (problem || !hash!.equals(row.hash)) {
        pending.catch(() => undefined); // abandoned
        // The first position that is not what it should be: for a gap or a duplicate the seq
        // expected there; for prev_hash and hash the event itself, whose seq is the expected one.
        return broken(expected, problem ?? 'hash');
      }
      prev = hash!;
      expected++;
      checked++;
    }
  }
  // Rows removed from the end: the head still remembers how far the chain went. Its hash is
  // compared always: an empty log's head is seq 0 with the genesis hash (the table's defaults),
  // so one edited by hand is reported too.
  if (head && (BigInt(head.seq) !== expected - 1n || !head.hash.equals(prev))) {
    return broken(expected, 'head');
  }
  return {
    valid: true,
    checked,
    lastSeq: Number(expected - 1n),
    firstBrokenSeq: null,
    problem: null,
  };
}

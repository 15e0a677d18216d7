import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { ChainRow, ENCODED_EVENT_SQL, verifyChain, VerifyResult } from './audit-chain';

/**
 * Verification of one council's audit chain and its signed checkpoints, with nothing but a way
 * to run SQL: the API runs it inside its RLS-scoped snapshot transaction, the CLI
 * (`audit:verify`) on a bare `pg` connection — no framework, so an operator's console check
 * stays small (one batch in flight, whatever the length of the log).
 */
export type Query = (sql: string, params: unknown[]) => Promise<unknown[]>;

/** The signed statement of a checkpoint: this exact JSON text, keys in this order. */
export const checkpointPayload = (c: {
  councilId: string;
  seq: number;
  hash: string;
  at: string;
}): string => JSON.stringify({ councilId: c.councilId, seq: c.seq, hash: c.hash, at: c.at });

export interface CheckpointView {
  councilId: string;
  seq: number;
  hash: string;
  at: string;
  signature: string;
  publicKey: string;
}

export interface CheckpointRow {
  seq: string;
  hash: Buffer;
  at: Date;
  signature: Buffer;
  publicKey: string;
}

export const checkpointView = (councilId: string, c: CheckpointRow): CheckpointView => ({
  councilId,
  seq: Number(c.seq),
  hash: c.hash.toString('hex'),
  at: c.at.toISOString(),
  signature: c.signature.toString('base64'),
  publicKey: c.publicKey,
});

/** Checks a checkpoint with nothing but its own fields and a public key. */
export function checkpointSignatureValid(c: CheckpointView, publicKeyPem = c.publicKey): boolean {
  return verifySignature(
    null,
    Buffer.from(checkpointPayload(c)),
    createPublicKey(publicKeyPem),
    Buffer.from(c.signature, 'base64'),
  );
}

/** Trusted means: signed by one of the keys this installation trusts, not the key the row names. */
export function checkpointTrusted(c: CheckpointView, trustedPublicKeys: string[]): boolean {
  return trustedPublicKeys.some((key) => {
    try {
      return checkpointSignatureValid(c, key);
    } catch {
      return false;
    }
  });
}

export const CHAIN_BATCH_SQL = `SELECT seq::text AS seq, ${ENCODED_EVENT_SQL} AS encoded, prev_hash AS "prevHash", hash
  FROM audit_events WHERE council_id = $1 AND seq > $2 ORDER BY audit_events.seq LIMIT $3`;
export const CHAIN_HEAD_SQL = `SELECT seq::text AS seq, hash FROM audit_chain_heads WHERE council_id = $1`;
export const CHECKPOINTS_SQL = `SELECT seq::text AS seq, hash, at, signature, public_key AS "publicKey"
  FROM audit_checkpoints WHERE council_id = $1 ORDER BY audit_checkpoints.seq`;

export interface VerificationReport extends VerifyResult {
  checkpoints: { checked: number; valid: boolean; firstInvalidSeq: number | null };
}

export async function verifyCouncil(
  query: Query,
  councilId: string,
  trustedPublicKeys: string[],
): Promise<VerificationReport> {
  const checkpoints = (await query(CHECKPOINTS_SQL, [councilId])) as CheckpointRow[];
  const bySeq = new Map(checkpoints.map((c) => [c.seq, c]));
  let firstInvalidSeq: number | null = null;
  const head =
    ((await query(CHAIN_HEAD_SQL, [councilId])) as { seq: string; hash: Buffer }[])[0] ?? null;
  const result = await verifyChain(async (after, limit) => {
    const rows = (await query(CHAIN_BATCH_SQL, [councilId, after, limit])) as ChainRow[];
    for (const row of rows) {
      const cp = bySeq.get(row.seq);
      if (
        cp &&
        firstInvalidSeq === null &&
        (!cp.hash.equals(row.hash) ||
          !checkpointTrusted(checkpointView(councilId, cp), trustedPublicKeys))
      ) {
        firstInvalidSeq = Number(row.seq);
      }
    }
    return rows;
  }, head);
  // A checkpoint beyond the end of an otherwise intact chain: rows after it were removed.
  if (result.valid) {
    for (const cp of checkpoints)
      if (firstInvalidSeq === null && Number(cp.seq) > result.lastSeq)
        firstInvalidSeq = Number(cp.seq);
  }
  return {
    ...result,
    checkpoints: { checked: checkpoints.length, valid: firstInvalidSeq === null, firstInvalidSeq },
  };
}

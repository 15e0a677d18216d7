import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointView, WitnessInput } from './verify-council';

/**
 * Checkpoints outside the database (DESIGN.md §3.13). A database administrator can rewrite an
 * event consistently (recompute every later hash, update the head) and delete the checkpoint
 * rows that contradict the rewrite; the witness still has them. Two kinds:
 *
 * - a directory (AUDIT_WITNESS_DIR, default <DATA_DIR>/audit-witness): one file per council,
 *   `<councilId>.jsonl`, one JSON line per checkpoint — the checkpoint exactly as the API
 *   answers it — appended (O_APPEND) and fsynced before the checkpoint is stored in the
 *   database, the directory fsynced too when the file is new;
 * - optionally an HTTP endpoint (AUDIT_WITNESS_URL) the same JSON is POSTed to; it must answer
 *   2xx within 5 s.
 *
 * If a configured witness cannot take a checkpoint, the checkpoint is not signed at all.
 */
export const witnessFile = (dir: string, councilId: string): string =>
  join(dir, `${councilId}.jsonl`);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Appends one checkpoint to the council's witness file and makes it durable. */
export async function appendToWitnessDir(dir: string, view: CheckpointView): Promise<void> {
  if (!UUID.test(view.councilId)) throw new Error('not a council id');
  await mkdir(dir, { recursive: true, mode: 0o750 });
  const path = witnessFile(dir, view.councilId);
  const created = !existsSync(path);
  const handle = await open(path, 'a+', 0o640);
  try {
    // A line cut short by a crash stays a line of its own (and is reported as malformed).
    const { size } = await handle.stat();
    let lead = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) lead = '\n';
    }
    await handle.appendFile(`${lead}${JSON.stringify(view)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (created) {
    // The new directory entry must survive a crash too.
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** POSTs one checkpoint to an HTTP witness; anything but a 2xx in time is a failure. */
export async function postToWitnessUrl(url: string, view: CheckpointView): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(view),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`witness answered ${res.status}`);
}

const isCheckpoint = (v: unknown): v is CheckpointView => {
  const c = v as Record<string, unknown> | null;
  return (
    !!c &&
    typeof c === 'object' &&
    typeof c.councilId === 'string' &&
    Number.isSafeInteger(c.seq) &&
    (c.seq as number) > 0 &&
    typeof c.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(c.hash) &&
    typeof c.at === 'string' &&
    typeof c.signature === 'string' &&
    typeof c.publicKey === 'string'
  );
};

/**
 * The checkpoints of one council in a witness: a directory (its `<councilId>.jsonl`, none if
 * absent) or a single file of JSON lines (lines of other councils are skipped). Throws if the
 * path does not exist at all: an auditor who names a witness must get one.
 */
export function readWitness(path: string, councilId: string): WitnessInput {
  if (!existsSync(path)) throw new Error(`witness not found: ${path}`);
  const file = statSync(path).isDirectory() ? witnessFile(path, councilId) : path;
  const checkpoints: CheckpointView[] = [];
  const malformedLines: number[] = [];
  if (existsSync(file)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        malformedLines.push(i + 1);
        return;
      }
      if (!isCheckpoint(parsed)) malformedLines.push(i + 1);
      else if (parsed.councilId === councilId)
        checkpoints.push({
          councilId: parsed.councilId,
          seq: parsed.seq,
          hash: parsed.hash,
          at: parsed.at,
          signature: parsed.signature,
          publicKey: parsed.publicKey,
        });
    });
  }
  return { source: path, checkpoints, malformedLines };
}

import { createHash, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { ChainRow, GENESIS_HASH } from './audit-chain';
import {
  CHAIN_BATCH_SQL,
  CHAIN_HEAD_SQL,
  CheckpointRow,
  checkpointPayload,
  checkpointSignatureValid,
  checkpointTrusted,
  checkpointView,
  CHECKPOINTS_SQL,
  HASHES_AT_SQL,
  Query,
  verifyCouncil,
  verifyForSigning,
  WitnessInput,
} from './verify-council';

/**
 * The verdicts of the whole verification (DESIGN.md §3.5, §3.13) — chain, stored checkpoints,
 * witness — and of the check before signing, over an in-memory log answering the four queries
 * of src/audit/verify-council.ts as PostgreSQL would (rows after a seq, in order, at most the
 * limit). test/e2e/audit-chain and audit run the same code against stored events; these check
 * the logic around the SQL quickly enough for mutation testing.
 */
const COUNCIL = '6f1d2c3b-4a59-4e87-9a6b-5c4d3e2f1a0b';
const OTHER_COUNCIL = '0b1a2f3e-4d5c-4b6a-8e7d-9c8b7a6f5e4d';
const BATCH = 4_000; // verifyCouncil reads the chain 4,000 events at a time

const sha = (prev: Buffer, encoded: string): Buffer =>
  createHash('sha256').update(prev).update(encoded, 'utf8').digest();

/** A well-formed chain of events 1…n; `content(seq)` is each event's encoding. */
function chain(n: number, content = (seq: number) => `event ${seq}`): ChainRow[] {
  const rows: ChainRow[] = [];
  let prev: Buffer = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const encoded = content(seq);
    const hash = sha(prev, encoded);
    rows.push({ seq: String(seq), encoded, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

/** 2.5 batches: the walk needs three, the last one partial. */
const LONG = chain(2 * BATCH + 500);

const headOf = (rows: ChainRow[]) => ({
  seq: rows[rows.length - 1].seq,
  hash: rows[rows.length - 1].hash,
});

/** Event `seq` edited behind the triggers' back: its content changed, its stored hashes not. */
const edited = (rows: ChainRow[], seq: number): ChainRow[] =>
  rows.map((r) => (r.seq === String(seq) ? { ...r, encoded: `${r.encoded} (edited)` } : r));

const keyPair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};
const trusted = keyPair();
const stranger = keyPair();

/** A checkpoint row as audit_checkpoints stores it, signed by `by` (the trusted key). */
function checkpoint(
  seq: number,
  hash: Buffer,
  by: { privateKey: KeyObject; publicKey: string } = trusted,
  councilId = COUNCIL,
): CheckpointRow {
  const at = new Date(Date.UTC(2025, 0, 1, 0, 0, seq % 60));
  const payload = checkpointPayload({
    councilId,
    seq,
    hash: hash.toString('hex'),
    at: at.toISOString(),
  });
  return {
    seq: String(seq),
    hash,
    at,
    signature: sign(null, Buffer.from(payload), by.privateKey),
    publicKey: by.publicKey,
  };
}
const at = (rows: ChainRow[], seq: number): Buffer => rows[seq - 1].hash;

interface Stored {
  events: ChainRow[];
  head: { seq: string; hash: Buffer } | null;
  checkpoints?: CheckpointRow[];
}

/** The database as the verification sees it, recording every query it receives. */
function database(stored: Stored): { query: Query; batches: unknown[][]; lookups: unknown[][] } {
  const batches: unknown[][] = [];
  const lookups: unknown[][] = [];
  const query: Query = async (sql, params) => {
    expect(params[0]).toBe(COUNCIL);
    if (sql === CHECKPOINTS_SQL)
      return [...(stored.checkpoints ?? [])].sort((a, b) => Number(a.seq) - Number(b.seq));
    if (sql === CHAIN_HEAD_SQL) return stored.head ? [stored.head] : [];
    if (sql === CHAIN_BATCH_SQL) {
      batches.push(params.slice(1));
      const [, after, limit] = params as [string, string, number];
      return stored.events.filter((e) => BigInt(e.seq) > BigInt(after)).slice(0, limit);
    }
    if (sql === HASHES_AT_SQL) {
      lookups.push(params.slice(1));
      const seqs = params[1] as number[];
      return stored.events
        .filter((e) => seqs.includes(Number(e.seq)))
        .map((e) => ({ seq: e.seq, hash: e.hash }));
    }
    throw new Error(`unexpected query: ${sql}`);
  };
  return { query, batches, lookups };
}

const witnessOf = (rows: CheckpointRow[], councilId = COUNCIL): WitnessInput => ({
  source: 'witness/council.jsonl',
  checkpoints: rows.map((r) => checkpointView(councilId, r)),
  malformedLines: [],
});

const CHAIN_OK = { valid: true, firstBrokenSeq: null, problem: null };
const NO_CHECKPOINTS = {
  checked: 0,
  valid: true,
  firstInvalidSeq: null,
  problem: null,
  lastValidSeq: null,
};

describe('checkpoint signatures', () => {
  const view = checkpointView(COUNCIL, checkpoint(7, at(LONG, 7)));

  it('signs exactly {councilId, seq, hash, at}, in this order', () => {
    expect(checkpointPayload({ at: 'A', hash: 'H', seq: 7, councilId: 'C' })).toBe(
      '{"councilId":"C","seq":7,"hash":"H","at":"A"}',
    );
  });

  it('shows a stored checkpoint as numbers, hex, ISO time and base64', () => {
    const row = checkpoint(7, at(LONG, 7));

    expect(checkpointView(COUNCIL, row)).toEqual({
      councilId: COUNCIL,
      seq: 7,
      hash: at(LONG, 7).toString('hex'),
      at: '2025-01-01T00:00:07.000Z',
      signature: row.signature.toString('base64'),
      publicKey: trusted.publicKey,
    });
  });

  it('holds with its own key and with no other content', () => {
    expect(checkpointSignatureValid(view)).toBe(true);
    for (const changed of [
      { ...view, seq: 8 },
      { ...view, hash: at(LONG, 8).toString('hex') },
      { ...view, at: '2025-01-01T00:00:08.000Z' },
      { ...view, councilId: OTHER_COUNCIL },
    ])
      expect(checkpointSignatureValid(changed)).toBe(false);
  });

  it('is trusted only when one of the trusted keys signed it, whatever key the row names; a broken key is no key', () => {
    const forged = checkpointView(COUNCIL, checkpoint(7, at(LONG, 7), stranger));

    expect(checkpointTrusted(view, [trusted.publicKey])).toBe(true);
    expect(checkpointTrusted(view, ['not a key', trusted.publicKey])).toBe(true);
    expect(checkpointTrusted(view, ['not a key'])).toBe(false);
    expect(checkpointTrusted(view, [])).toBe(false);
    expect(checkpointSignatureValid(forged)).toBe(true);
    expect(checkpointTrusted(forged, [trusted.publicKey])).toBe(false);
  });
});

describe('verifyCouncil', () => {
  const sut = verifyCouncil;

  it('walks a chain of 2.5 batches from the genesis, 4,000 events at a time, and every checkpoint holds', async () => {
    const checkpoints = [checkpoint(3_000, at(LONG, 3_000)), checkpoint(BATCH, at(LONG, BATCH))];
    const witness = witnessOf([checkpoint(8_500, at(LONG, 8_500))]);
    const db = database({ events: LONG, head: headOf(LONG), checkpoints });

    const report = await sut(db.query, COUNCIL, [trusted.publicKey], witness);

    expect(report).toEqual({
      valid: true,
      checked: 8_500,
      lastSeq: 8_500,
      firstBrokenSeq: null,
      problem: null,
      failed: [],
      chain: CHAIN_OK,
      checkpoints: { ...NO_CHECKPOINTS, checked: 2, lastValidSeq: BATCH },
      witness: {
        ...NO_CHECKPOINTS,
        checked: 1,
        lastValidSeq: 8_500,
        source: 'witness/council.jsonl',
        malformedLines: [],
      },
    });
    expect(db.batches).toEqual([
      ['0', BATCH],
      ['4000', BATCH],
      ['8000', BATCH],
      ['8500', BATCH],
    ]);
    expect(db.lookups).toEqual([]); // the walk saw every checkpointed event
  });

  it('names an event edited in the third batch, and checks the checkpoints past it against the stored hashes', async () => {
    const events = edited(LONG, 8_123);
    const checkpoints = [checkpoint(3_000, at(LONG, 3_000)), checkpoint(8_400, at(LONG, 8_400))];
    const db = database({ events, head: headOf(LONG), checkpoints });

    const report = await sut(db.query, COUNCIL, [trusted.publicKey]);

    expect(report).toEqual({
      valid: false,
      checked: 8_122,
      lastSeq: 8_122,
      firstBrokenSeq: 8_123,
      problem: 'hash',
      failed: ['chain'],
      chain: { valid: false, firstBrokenSeq: 8_123, problem: 'hash' },
      checkpoints: { ...NO_CHECKPOINTS, checked: 2, lastValidSeq: 8_400 },
    });
    expect('witness' in report).toBe(false);
    // The next batch is always requested before this one is hashed: 8,400 came with the third.
    expect(db.batches.map(([after]) => after)).toEqual(['0', '4000', '8000', '8500']);
    expect(db.lookups).toEqual([]);
  });

  it('names a deleted event in the second batch as a gap', async () => {
    const events = LONG.filter((e) => e.seq !== '5001');
    const db = database({ events, head: headOf(LONG) });

    const report = await sut(db.query, COUNCIL, [trusted.publicKey]);

    expect(report).toMatchObject({
      valid: false,
      checked: 5_000,
      firstBrokenSeq: 5_001,
      problem: 'gap',
      failed: ['chain'],
      checkpoints: NO_CHECKPOINTS,
    });
  });

  it('compares the head: events removed from the end, and an empty log whose head was edited', async () => {
    const rows = chain(10);
    const truncated = await sut(
      database({ events: rows.slice(0, 8), head: headOf(rows) }).query,
      COUNCIL,
      [trusted.publicKey],
    );
    const emptyEdited = await sut(
      database({ events: [], head: { seq: '0', hash: Buffer.alloc(32, 1) } }).query,
      COUNCIL,
      [trusted.publicKey],
    );
    const emptyDefault = await sut(
      database({ events: [], head: { seq: '0', hash: Buffer.from(GENESIS_HASH) } }).query,
      COUNCIL,
      [trusted.publicKey],
    );
    const noHead = await sut(database({ events: [], head: null }).query, COUNCIL, [
      trusted.publicKey,
    ]);

    expect(truncated).toMatchObject({ valid: false, firstBrokenSeq: 9, problem: 'head' });
    expect(emptyEdited).toMatchObject({ valid: false, firstBrokenSeq: 1, problem: 'head' });
    expect(emptyDefault).toMatchObject({ valid: true, checked: 0, failed: [] });
    expect(noHead).toMatchObject({ valid: true, checked: 0, failed: [] });
  });

  it('refuses a consistent rewrite that a stored checkpoint contradicts, and says how far the log is proven', async () => {
    const original = chain(10);
    const rewritten = chain(10, (seq) => (seq >= 5 ? `rewritten ${seq}` : `event ${seq}`));
    const checkpoints = [
      checkpoint(3, at(original, 3)),
      checkpoint(7, at(original, 7)),
      checkpoint(9, at(original, 9)),
    ];
    const db = database({ events: rewritten, head: headOf(rewritten), checkpoints });

    const report = await sut(db.query, COUNCIL, [trusted.publicKey]);

    expect(report).toEqual({
      valid: false,
      checked: 10,
      lastSeq: 10,
      firstBrokenSeq: 7,
      problem: 'checkpoint',
      failed: ['checkpoints'],
      chain: CHAIN_OK,
      checkpoints: {
        checked: 3,
        valid: false,
        firstInvalidSeq: 7,
        problem: 'hash_mismatch',
        lastValidSeq: 3,
      },
    });
  });

  it('refuses a checkpoint nobody trusted signed, and one past the end of the chain', async () => {
    const rows = chain(10);
    const checkpoints = [
      checkpoint(2, at(rows, 2)),
      checkpoint(4, at(rows, 4), stranger),
      checkpoint(6, at(rows, 6)),
    ];
    const untrusted = await sut(
      database({ events: rows, head: headOf(rows), checkpoints }).query,
      COUNCIL,
      [trusted.publicKey],
    );
    const beyond = await sut(
      database({
        events: rows,
        head: headOf(rows),
        checkpoints: [checkpoint(6, at(rows, 6)), checkpoint(12, Buffer.alloc(32, 5))],
      }).query,
      COUNCIL,
      [trusted.publicKey],
    );

    // 6 holds, but below the first failure only 2 does: the log is proven up to 2.
    expect(untrusted.checkpoints).toEqual({
      checked: 3,
      valid: false,
      firstInvalidSeq: 4,
      problem: 'untrusted_signature',
      lastValidSeq: 2,
    });
    expect(untrusted).toMatchObject({ valid: false, firstBrokenSeq: 4, failed: ['checkpoints'] });
    expect(beyond.checkpoints).toEqual({
      checked: 2,
      valid: false,
      firstInvalidSeq: 12,
      problem: 'beyond_chain',
      lastValidSeq: 6,
    });
  });

  it('names the lowest broken position among the checks, and every check that failed', async () => {
    const rows = chain(10);
    const forgedAt5 = checkpoint(5, Buffer.alloc(32, 5));
    const chainFirst = await sut(
      database({ events: edited(rows, 3), head: headOf(rows), checkpoints: [forgedAt5] }).query,
      COUNCIL,
      [trusted.publicKey],
    );
    const checkpointFirst = await sut(
      database({ events: edited(rows, 8), head: headOf(rows), checkpoints: [forgedAt5] }).query,
      COUNCIL,
      [trusted.publicKey],
    );
    const witnessFirst = await sut(
      database({ events: edited(rows, 8), head: headOf(rows), checkpoints: [forgedAt5] }).query,
      COUNCIL,
      [trusted.publicKey],
      witnessOf([checkpoint(4, Buffer.alloc(32, 4))]),
    );

    expect(chainFirst).toMatchObject({
      firstBrokenSeq: 3,
      problem: 'hash',
      failed: ['chain', 'checkpoints'],
    });
    expect(checkpointFirst).toMatchObject({
      firstBrokenSeq: 5,
      problem: 'checkpoint',
      failed: ['chain', 'checkpoints'],
      chain: { valid: false, firstBrokenSeq: 8, problem: 'hash' },
    });
    expect(witnessFirst).toMatchObject({
      valid: false,
      firstBrokenSeq: 4,
      problem: 'witness',
      failed: ['chain', 'checkpoints', 'witness'],
    });
  });

  it('catches with the witness a rewrite whose checkpoint rows were deleted; other councils’ lines and malformed lines count for nothing', async () => {
    const original = chain(10);
    const rewritten = chain(10, (seq) => (seq >= 5 ? `rewritten ${seq}` : `event ${seq}`));
    const witness: WitnessInput = {
      source: 'witness/council.jsonl',
      checkpoints: [
        checkpointView(COUNCIL, checkpoint(3, at(original, 3))),
        checkpointView(OTHER_COUNCIL, checkpoint(4, Buffer.alloc(32, 4), trusted, OTHER_COUNCIL)),
        checkpointView(COUNCIL, checkpoint(8, at(original, 8))),
      ],
      malformedLines: [3],
    };
    const db = database({ events: rewritten, head: headOf(rewritten), checkpoints: [] });

    const report = await sut(db.query, COUNCIL, [trusted.publicKey], witness);

    expect(report).toMatchObject({
      valid: false,
      firstBrokenSeq: 8,
      problem: 'witness',
      failed: ['witness'],
      chain: CHAIN_OK,
      checkpoints: NO_CHECKPOINTS,
      witness: {
        checked: 2,
        valid: false,
        firstInvalidSeq: 8,
        problem: 'hash_mismatch',
        lastValidSeq: 3,
        source: 'witness/council.jsonl',
        malformedLines: [3],
      },
    });
  });

  it('takes the checkpoints in seq order whatever the order of the witness lines, and a failure at a seq proves nothing at it', async () => {
    const rows = chain(10);
    const forged = (seq: number) => checkpoint(seq, Buffer.alloc(32, seq));
    const db = database({ events: rows, head: headOf(rows) });

    const unordered = await sut(
      db.query,
      COUNCIL,
      [trusted.publicKey],
      witnessOf([forged(8), checkpoint(3, at(rows, 3)), forged(6)]),
    );
    const twiceAtFive = await sut(
      db.query,
      COUNCIL,
      [trusted.publicKey],
      witnessOf([
        checkpoint(3, at(rows, 3)),
        checkpoint(5, at(rows, 5)),
        checkpoint(5, at(rows, 5), stranger),
      ]),
    );

    expect(unordered.witness).toMatchObject({
      checked: 3,
      firstInvalidSeq: 6,
      problem: 'hash_mismatch',
      lastValidSeq: 3,
    });
    expect(twiceAtFive.witness).toMatchObject({
      checked: 3,
      firstInvalidSeq: 5,
      problem: 'untrusted_signature',
      lastValidSeq: 3,
    });
  });

  it('looks up the stored hash of each checkpointed seq the walk did not reach, once, stored and witness alike', async () => {
    const db = database({
      events: edited(LONG, 100),
      head: headOf(LONG),
      checkpoints: [
        checkpoint(50, at(LONG, 50)),
        checkpoint(6_000, at(LONG, 6_000)),
        checkpoint(8_400, at(LONG, 8_400)),
        checkpoint(8_450, at(LONG, 8_450)),
      ],
    });

    const report = await sut(
      db.query,
      COUNCIL,
      [trusted.publicKey],
      witnessOf([checkpoint(8_400, at(LONG, 8_400))]),
    );

    // Broken in the first batch: the second was already requested, the third never was.
    expect(db.batches.map(([after]) => after)).toEqual(['0', '4000']);
    expect(db.lookups).toEqual([[[8_400, 8_450]]]);
    expect(report).toMatchObject({
      firstBrokenSeq: 100,
      failed: ['chain'],
      checkpoints: { checked: 4, valid: true, lastValidSeq: 8_450 },
      witness: { checked: 1, valid: true, lastValidSeq: 8_400 },
    });
  });
});

describe('verifyForSigning', () => {
  const sut = verifyForSigning;

  it('with no checkpoint, verifies the whole chain from the genesis and may sign its head', async () => {
    const db = database({ events: LONG, head: headOf(LONG) });

    const check = await sut(db.query, COUNCIL, [trusted.publicKey]);

    expect(check).toMatchObject({ valid: true, head: headOf(LONG), fromSeq: 0 });
    expect(check.report).toMatchObject({ checked: 8_500, lastSeq: 8_500, failed: [] });
    expect(db.batches.map(([after]) => after)).toEqual(['0', '4000', '8000', '8500']);
  });

  it('reads only the events after the latest agreeing checkpoint a trusted key signed', async () => {
    const rows = chain(10);
    const checkpoints = [
      checkpoint(3, at(rows, 3)),
      checkpoint(6, at(rows, 6)),
      checkpoint(8, at(rows, 8), stranger), // agrees, but is no anchor
    ];
    const db = database({ events: edited(rows, 2), head: headOf(rows), checkpoints });

    const check = await sut(db.query, COUNCIL, [trusted.publicKey]);

    expect(check).toMatchObject({ valid: true, fromSeq: 6, head: headOf(rows) });
    expect(check.report).toMatchObject({
      checked: 4,
      lastSeq: 10,
      failed: [],
      checkpoints: { checked: 3, valid: true, lastValidSeq: 8 },
    });
    expect(db.batches).toEqual([
      ['6', BATCH],
      ['10', BATCH],
    ]);
  });

  it('takes the anchor from the witness too', async () => {
    const rows = chain(10);
    const db = database({ events: rows, head: headOf(rows), checkpoints: [] });

    const check = await sut(
      db.query,
      COUNCIL,
      [trusted.publicKey],
      witnessOf([checkpoint(7, at(rows, 7))]),
    );

    expect(check).toMatchObject({ valid: true, fromSeq: 7 });
    expect(check.report.checked).toBe(3);
  });

  it('refuses a head that does not chain from the anchor: an event edited after it', async () => {
    const rows = chain(10);
    const db = database({
      events: edited(rows, 8),
      head: headOf(rows),
      checkpoints: [checkpoint(5, at(rows, 5))],
    });

    const check = await sut(db.query, COUNCIL, [trusted.publicKey]);

    expect(check).toMatchObject({ valid: false, fromSeq: 5 });
    expect(check.report).toMatchObject({ firstBrokenSeq: 8, problem: 'hash', failed: ['chain'] });
  });

  it('refuses a consistent rewrite when only the witness kept the checkpoint it contradicts', async () => {
    const original = chain(10);
    const rewritten = chain(10, (seq) => (seq >= 5 ? `rewritten ${seq}` : `event ${seq}`));
    const db = database({
      events: rewritten,
      head: headOf(rewritten),
      checkpoints: [checkpoint(3, at(original, 3))],
    });

    const check = await sut(db.query, COUNCIL, [trusted.publicKey], {
      ...witnessOf([checkpoint(3, at(original, 3)), checkpoint(7, at(original, 7))]),
      malformedLines: [2],
    });

    expect(check).toMatchObject({ valid: false, fromSeq: 3 });
    expect(check.report).toMatchObject({
      firstBrokenSeq: 7,
      problem: 'witness',
      failed: ['witness'],
      checkpoints: { valid: true, lastValidSeq: 3 },
      witness: {
        checked: 2,
        valid: false,
        firstInvalidSeq: 7,
        problem: 'hash_mismatch',
        lastValidSeq: 3,
        source: 'witness/council.jsonl',
        malformedLines: [2],
      },
    });
  });

  it('refuses any disagreeing checkpoint whoever signed it, and one past the end of the chain', async () => {
    const rows = chain(10);
    const forged = await sut(
      database({
        events: rows,
        head: headOf(rows),
        checkpoints: [
          checkpoint(2, at(rows, 2)),
          checkpoint(4, Buffer.alloc(32, 4), stranger),
          checkpoint(6, at(rows, 6)),
        ],
      }).query,
      COUNCIL,
      [trusted.publicKey],
    );
    const beyond = await sut(
      database({
        events: rows,
        head: headOf(rows),
        checkpoints: [checkpoint(12, Buffer.alloc(32, 5))],
      }).query,
      COUNCIL,
      [trusted.publicKey],
    );

    // 6 agrees and anchors the walk, but only 2 is below the contradiction: proven to 2.
    expect(forged).toMatchObject({ valid: false, fromSeq: 6 });
    expect(forged.report.checkpoints).toEqual({
      checked: 3,
      valid: false,
      firstInvalidSeq: 4,
      problem: 'hash_mismatch',
      lastValidSeq: 2,
    });
    expect(beyond).toMatchObject({ valid: false, fromSeq: 0 });
    expect(beyond.report.checkpoints).toEqual({
      checked: 1,
      valid: false,
      firstInvalidSeq: 12,
      problem: 'beyond_chain',
      lastValidSeq: null,
    });
  });

  it('takes the witness lines in seq order, ignores other councils’ lines, and a contradiction at a seq proves nothing at it', async () => {
    const rows = chain(10);
    const other = checkpoint(2, Buffer.alloc(32, 2), trusted, OTHER_COUNCIL);
    const db = database({ events: rows, head: headOf(rows), checkpoints: [] });

    const unordered = await sut(db.query, COUNCIL, [trusted.publicKey], {
      ...witnessOf([checkpoint(8, Buffer.alloc(32, 8)), checkpoint(3, at(rows, 3))]),
      checkpoints: [
        checkpointView(COUNCIL, checkpoint(8, Buffer.alloc(32, 8))),
        checkpointView(OTHER_COUNCIL, other),
        checkpointView(COUNCIL, checkpoint(3, at(rows, 3))),
        checkpointView(COUNCIL, checkpoint(6, Buffer.alloc(32, 6))),
      ],
    });
    const twiceAtFive = await sut(
      db.query,
      COUNCIL,
      [trusted.publicKey],
      witnessOf([
        checkpoint(3, at(rows, 3)),
        checkpoint(5, at(rows, 5)),
        checkpoint(5, Buffer.alloc(32, 5), stranger),
      ]),
    );
    const othersOnly = await sut(db.query, COUNCIL, [trusted.publicKey], {
      ...witnessOf([]),
      checkpoints: [checkpointView(OTHER_COUNCIL, other)],
    });

    expect(unordered.report.witness).toMatchObject({
      checked: 3,
      firstInvalidSeq: 6,
      problem: 'hash_mismatch',
      lastValidSeq: 3,
    });
    expect(twiceAtFive).toMatchObject({ valid: false, fromSeq: 5 });
    expect(twiceAtFive.report.witness).toMatchObject({
      checked: 3,
      firstInvalidSeq: 5,
      lastValidSeq: 3,
    });
    expect(othersOnly).toMatchObject({ valid: true, fromSeq: 0 });
    expect(othersOnly.report.witness).toMatchObject({ checked: 0, valid: true });
  });
});

import { createHash } from 'node:crypto';
import { ChainRow, GENESIS_HASH, verifyChain } from './audit-chain';

/**
 * The verdict of the chain walk (DESIGN.md §3.5, §3.13) on chains built here, in memory: the
 * database suites (test/e2e/audit-chain) check the same walk against stored events; these check
 * every verdict it can give — which problem, at which seq — quickly enough for mutation testing.
 */
const sha = (prev: Buffer, encoded: string): Buffer =>
  createHash('sha256').update(prev).update(encoded, 'utf8').digest();

/** A well-formed chain of `n` events from `from` (seq and hash), seqs from+1…from+n. */
function chain(
  n: number,
  from: { seq: number; hash: Buffer } = { seq: 0, hash: GENESIS_HASH },
): ChainRow[] {
  const rows: ChainRow[] = [];
  let prev: Buffer = from.hash;
  for (let seq = from.seq + 1; seq <= from.seq + n; seq++) {
    const encoded = `event ${seq}`;
    const hash = sha(prev, encoded);
    rows.push({ seq: String(seq), encoded, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

const headOf = (rows: ChainRow[]) => ({
  seq: rows[rows.length - 1].seq,
  hash: rows[rows.length - 1].hash,
});

/** What the database would answer: rows after `afterSeq`, at most `limit`, in seq order. */
const reader = (rows: ChainRow[], calls: string[] = []) =>
  async function next(afterSeq: string, limit: number): Promise<ChainRow[]> {
    calls.push(afterSeq);
    return rows.filter((r) => BigInt(r.seq) > BigInt(afterSeq)).slice(0, limit);
  };

describe('verifyChain', () => {
  const sut = verifyChain;

  it('accepts an intact chain read over several batches and counts every event', async () => {
    const rows = chain(10);
    const calls: string[] = [];

    const result = await sut(reader(rows, calls), headOf(rows), 3);

    expect(result).toEqual({
      valid: true,
      checked: 10,
      lastSeq: 10,
      firstBrokenSeq: null,
      problem: null,
    });
    expect(calls).toEqual(['0', '3', '6', '9', '10']);
  });

  it('accepts an empty log with no head', async () => {
    const result = await sut(reader([]), null);

    expect(result).toEqual({
      valid: true,
      checked: 0,
      lastSeq: 0,
      firstBrokenSeq: null,
      problem: null,
    });
  });

  it('names the first event whose content was edited, in a later batch', async () => {
    const rows = chain(10);
    rows[7] = { ...rows[7], encoded: 'edited' };

    const result = await sut(reader(rows), headOf(rows), 3);

    expect(result).toEqual({
      valid: false,
      checked: 7,
      lastSeq: 7,
      firstBrokenSeq: 8,
      problem: 'hash',
    });
  });

  it('names an event whose prev_hash does not point at its predecessor', async () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], prevHash: Buffer.alloc(32, 1) };

    const result = await sut(reader(rows), headOf(rows));

    expect(result).toMatchObject({ valid: false, firstBrokenSeq: 3, problem: 'prev_hash' });
  });

  it('refuses a first event that does not start from the genesis hash', async () => {
    const rows = chain(3, { seq: 0, hash: Buffer.alloc(32, 7) });

    const result = await sut(reader(rows), headOf(rows));

    expect(result).toMatchObject({ valid: false, firstBrokenSeq: 1, problem: 'prev_hash' });
  });

  it('names a deleted event as a gap at the missing seq', async () => {
    const rows = chain(6);
    const withoutFourth = rows.filter((r) => r.seq !== '4');

    const result = await sut(reader(withoutFourth), headOf(rows));

    expect(result).toEqual({
      valid: false,
      checked: 3,
      lastSeq: 3,
      firstBrokenSeq: 4,
      problem: 'gap',
    });
  });

  it('names a log that does not start at seq 1 as a gap at 1', async () => {
    const rows = chain(4).slice(1);

    const result = await sut(reader(rows), headOf(rows));

    expect(result).toMatchObject({ valid: false, checked: 0, firstBrokenSeq: 1, problem: 'gap' });
  });

  it('names a repeated seq as a duplicate', async () => {
    const rows = chain(4);
    const repeated = async (afterSeq: string): Promise<ChainRow[]> =>
      afterSeq === '0' ? [rows[0], rows[1], rows[1], rows[2], rows[3]] : [];

    const result = await sut(repeated, headOf(rows));

    expect(result).toMatchObject({
      valid: false,
      checked: 2,
      firstBrokenSeq: 3,
      problem: 'duplicate',
    });
  });

  it('notices events removed from the end: the head remembers a longer chain', async () => {
    const rows = chain(6);

    const result = await sut(reader(rows.slice(0, 4)), headOf(rows));

    expect(result).toEqual({
      valid: false,
      checked: 4,
      lastSeq: 4,
      firstBrokenSeq: 5,
      problem: 'head',
    });
  });

  it('notices a head whose hash is not that of the last event', async () => {
    const rows = chain(3);

    const result = await sut(reader(rows), { seq: '3', hash: Buffer.alloc(32, 9) });

    expect(result).toMatchObject({ valid: false, firstBrokenSeq: 4, problem: 'head' });
  });

  it('notices a head that points at events when the log is empty', async () => {
    const result = await sut(reader([]), { seq: '2', hash: Buffer.alloc(32, 9) });

    expect(result).toMatchObject({ valid: false, checked: 0, firstBrokenSeq: 1, problem: 'head' });
  });

  it('accepts an empty log whose head row holds the defaults: seq 0 and the genesis hash', async () => {
    const result = await sut(reader([]), { seq: '0', hash: Buffer.from(GENESIS_HASH) });

    expect(result).toEqual({
      valid: true,
      checked: 0,
      lastSeq: 0,
      firstBrokenSeq: null,
      problem: null,
    });
  });

  it('notices an empty log whose head row was edited by hand: seq 0 with another hash', async () => {
    const result = await sut(reader([]), { seq: '0', hash: Buffer.alloc(32, 9) });

    expect(result).toEqual({
      valid: false,
      checked: 0,
      lastSeq: 0,
      firstBrokenSeq: 1,
      problem: 'head',
    });
  });

  it('from a trusted checkpoint, reads only the events after it and chains them from its hash', async () => {
    const rows = chain(8);
    const calls: string[] = [];

    const result = await sut(reader(rows, calls), headOf(rows), 4, {
      seq: 5n,
      hash: rows[4].hash,
    });

    expect(result).toEqual({
      valid: true,
      checked: 3,
      lastSeq: 8,
      firstBrokenSeq: null,
      problem: null,
    });
    expect(calls[0]).toBe('5');
  });

  it('from a checkpoint whose hash the next event does not chain from, names that event', async () => {
    const rows = chain(8);

    const result = await sut(reader(rows), headOf(rows), 4, { seq: 5n, hash: Buffer.alloc(32, 3) });

    expect(result).toMatchObject({
      valid: false,
      checked: 0,
      firstBrokenSeq: 6,
      problem: 'prev_hash',
    });
  });

  it('from a checkpoint at the head with nothing after it, still compares the head hash', async () => {
    const rows = chain(5);

    const result = await sut(reader(rows), { seq: '5', hash: rows[4].hash }, 4, {
      seq: 5n,
      hash: Buffer.alloc(32, 3),
    });

    expect(result).toMatchObject({ valid: false, checked: 0, firstBrokenSeq: 6, problem: 'head' });
  });
});

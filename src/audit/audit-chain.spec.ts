import { createHash } from 'node:crypto';
import {
  canonical,
  chainHash,
  ChainedEvent,
  ChainRow,
  field,
  GENESIS_HASH,
  toChainRow,
  verifyChain,
} from './audit-chain';

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

  it('notices a head with the last event’s hash but another seq', async () => {
    const rows = chain(3);

    const result = await sut(reader(rows), { seq: '5', hash: rows[2].hash });

    expect(result).toMatchObject({ valid: false, checked: 3, firstBrokenSeq: 4, problem: 'head' });
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

/**
 * The encoding in JavaScript (canonical(), used by exports and a DBA's own check) against the
 * two test vectors of docs/audit.md, "Test vectors": hashes the database trigger stored.
 */
describe('canonical encoding: the test vectors of docs/audit.md', () => {
  const COUNCIL = '61f59025-bc22-4e7a-be2e-c3765bdc5b7e';
  const hex = (h: string) => Buffer.from(h, 'hex');
  const vectors: { event: ChainedEvent; text: string; bytes: number }[] = [
    {
      event: {
        councilId: COUNCIL,
        seq: '21',
        at: '2026-11-22T05:35:50.664177Z',
        actorUserId: 'aa6262a9-70bc-4288-9547-eb8260091fee',
        actorRole: 'coordinator',
        memberBodyId: '3f49a553-bbb5-4d08-a448-1277939df2d9',
        action: 'meeting.create',
        resourceType: 'meeting',
        resourceId: 'f135f777-e5a8-4c6a-afb9-2aed92c77c01',
        resourceIds: [],
        caseId: null,
        outcome: 'allowed',
        reason: 'tier=representatives;attendees=2;external=1;due_for_review=0',
        ruleId: 'coordinator.meeting.manage',
        basis: null,
        requestId: 'demo-seed',
        prevHash: hex('da5286df38d7833540c639a6af1446cadd483fbb2e0ccd769535b565aca2445e'),
        hash: hex('3707f4e4b5ba4314f38cc13f1a89798784f9ac42938914081637707f5d41b899'),
      },
      text: '61f59025-bc22-4e7a-be2e-c3765bdc5b7e\n21\n2026-11-22T05:35:50.664177Z\naa6262a9-70bc-4288-9547-eb8260091fee\ncoordinator\n3f49a553-bbb5-4d08-a448-1277939df2d9\nmeeting.create\nmeeting\nf135f777-e5a8-4c6a-afb9-2aed92c77c01\n\n\\N\nallowed\ntier=representatives;attendees=2;external=1;due_for_review=0\ncoordinator.meeting.manage\n\\N\ndemo-seed',
      bytes: 326,
    },
    {
      event: {
        councilId: COUNCIL,
        seq: '41',
        at: '2026-11-22T05:37:12.090690Z',
        actorUserId: null,
        actorRole: '',
        memberBodyId: null,
        action: 'test.escape',
        resourceType: null,
        resourceId: null,
        resourceIds: null,
        caseId: null,
        outcome: 'denied',
        reason: 'a\\b\nc \\N',
        ruleId: null,
        basis: null,
        requestId: '',
        prevHash: hex('36e136c65f8321a904d0b5d00a8c4bcddda47f2c1364e72f464db4735eaafd05'),
        hash: hex('da224eb80f976d6518ba4e98ead372c971f162b7f3b293dfcda4fe8fcf30449e'),
      },
      text: '61f59025-bc22-4e7a-be2e-c3765bdc5b7e\n41\n2026-11-22T05:37:12.090690Z\n\\N\n\n\\N\ntest.escape\n\\N\n\\N\n\\N\n\\N\ndenied\na\\\\b\\nc \\\\N\n\\N\n\\N\n',
      bytes: 124,
    },
  ];

  it.each(vectors.map((v, i) => [i + 1, v] as const))(
    'vector %i: the same text, byte for byte, and the stored hash',
    (_n, { event, text, bytes }) => {
      expect(canonical(event)).toBe(text);
      expect(Buffer.byteLength(canonical(event))).toBe(bytes);
      expect(chainHash(event.prevHash, event).toString('hex')).toBe(event.hash.toString('hex'));
      expect(toChainRow(event)).toEqual({
        seq: event.seq,
        encoded: text,
        prevHash: event.prevHash,
        hash: event.hash,
      });
    },
  );

  it('joins several resource ids with a comma', () => {
    const [{ event }] = vectors;
    const ids = ['a1', 'b2', 'c3'];

    expect(canonical({ ...event, resourceIds: ids }).split('\n')[9]).toBe('a1,b2,c3');
  });

  it('escapes every backslash and line feed of a field, and only NULL becomes \\N', () => {
    expect(field(null)).toBe('\\N');
    expect(field('\\N')).toBe('\\\\N');
    expect(field('')).toBe('');
    expect(field('a\\b\\c\nd\ne\r\tf 孤立')).toBe('a\\\\b\\\\c\\nd\\ne\r\tf 孤立');
  });
});

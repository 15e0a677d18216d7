import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool, PoolClient } from 'pg';
import { AuditCheckpointScheduler } from '../../src/audit/audit-checkpoint.scheduler';
import { auditVerify } from '../../src/cli/commands';
import {
  createTestApp,
  TEST_JWT_SECRET,
  TEST_MFA_KEY,
  TEST_DATA_KEK,
  TEST_SIGNING_KEY,
  TestApp,
} from '../support/app';
import { actingAs, createCouncil, TestCouncil, TestStaff } from '../support/factories';

/**
 * The audit chain as docs/audit.md specifies it and as an auditor checks it (DESIGN.md §3.5,
 * §3.13): the exact encoding (re-implemented here from the documentation alone, not imported
 * from src/), verification naming the first broken event whatever field was changed and however
 * long the log, and append-only tables for every role, the superuser included.
 */

// ---- The canonical encoding, written from docs/audit.md ("The canonical encoding") ----------

/** The 16 fields, in the documented order. */
const FIELDS = [
  'council_id',
  'seq',
  'at',
  'actor_user_id',
  'actor_role',
  'member_body_id',
  'action',
  'resource_type',
  'resource_id',
  'resource_ids',
  'case_id',
  'outcome',
  'reason',
  'rule_id',
  'basis',
  'request_id',
] as const;
type Field = (typeof FIELDS)[number];

type Mandatory = 'council_id' | 'seq' | 'at' | 'action' | 'outcome';
/** One event's 16 fields as text before escaping; `resource_ids` as the stored array. */
type Encodable = { [K in Mandatory]: string } & {
  [K in Exclude<Field, Mandatory | 'resource_ids'>]: string | null;
} & { resource_ids: string[] | null };

const GENESIS = Buffer.alloc(32);

/** NULL → `\N`; otherwise every backslash → `\\`, then every line feed → `\n`. */
function escapeField(value: string | null): string {
  if (value === null) return '\\N';
  return value.split('\\').join('\\\\').split('\n').join('\\n');
}

function encode(e: Encodable): string {
  return FIELDS.map((f) =>
    escapeField(f === 'resource_ids' ? (e.resource_ids?.join(',') ?? null) : e[f]),
  ).join('\n');
}

const sha256 = (prev: Buffer, text: string): Buffer =>
  createHash('sha256')
    .update(Buffer.concat([prev, Buffer.from(text, 'utf8')]))
    .digest();

/** `at` as the encoding writes it: UTC, six fractional digits, a literal Z. */
function utcMicros(epochMicros: bigint): string {
  const seconds = new Date(Number(epochMicros / 1_000_000n) * 1000).toISOString().slice(0, 19);
  return `${seconds}.${(epochMicros % 1_000_000n).toString().padStart(6, '0')}Z`;
}

/** A stored row, read as the superuser (past RLS) without any of the database's own functions. */
interface StoredEvent extends Encodable {
  prev_hash: Buffer;
  hash: Buffer;
}

async function storedChain(db: Pool, councilId: string): Promise<StoredEvent[]> {
  const { rows } = await db.query<Omit<StoredEvent, 'at'> & { at_us: string }>(
    `SELECT council_id::text, seq::text, (extract(epoch FROM at) * 1000000)::bigint::text AS at_us,
            actor_user_id::text, actor_role, member_body_id::text, action, resource_type,
            resource_id::text, resource_ids::text[] AS resource_ids, case_id::text, outcome, reason,
            rule_id, basis, request_id, prev_hash, hash
       FROM audit_events WHERE council_id = $1 ORDER BY audit_events.seq`,
    [councilId],
  );
  return rows.map(({ at_us, ...r }) => ({ ...r, at: utcMicros(BigInt(at_us)) }));
}

// ---- Shared helpers ---------------------------------------------------------------------------

interface Report {
  valid: boolean;
  checked: number;
  lastSeq: number;
  firstBrokenSeq: number | null;
  problem: string | null;
}

describe('the audit hash chain (e2e, docs/audit.md)', () => {
  let t: TestApp;
  const as = actingAs(() => t);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A database administrator changing rows behind the triggers' back, in one transaction. */
  async function behindTriggers(sql: string, params: unknown[]): Promise<number> {
    const client: PoolClient = await t.db.superuser.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL session_replication_role = replica`);
      const res = await client.query(sql, params);
      await client.query('COMMIT');
      return res.rowCount ?? 0;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  const headSeq = async (councilId: string): Promise<number> =>
    Number(
      (
        await t.db.superuser.query<{ seq: string }>(
          `SELECT seq::text FROM audit_chain_heads WHERE council_id = $1`,
          [councilId],
        )
      ).rows[0].seq,
    );

  async function verifyAsAuditor(c: TestCouncil, auditor: TestStaff): Promise<Report> {
    const res = await as(auditor, 'get', `/api/councils/${c.councilId}/audit/verify`);
    expect(res.status).toBe(200);
    return res.body as Report;
  }

  /** The CLI's audit:verify, in process, against this test database (as cli.e2e.spec.ts does). */
  async function verifyFromCli(
    councilId: string,
    witness?: string,
  ): Promise<{ ok: boolean; report: Report }> {
    const saved = { ...process.env };
    Object.assign(process.env, {
      DATABASE_URL: t.config.database.url,
      PLATFORM_DATABASE_URL: t.config.database.platformUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      AUDIT_SIGNING_KEY: TEST_SIGNING_KEY,
      MFA_ENCRYPTION_KEY: TEST_MFA_KEY,
      DATA_KEK: TEST_DATA_KEK,
    });
    try {
      const lines: string[] = [];
      const ok = await auditVerify(councilId, (l) => lines.push(l), witness);
      return { ok, report: JSON.parse(lines[0]) as Report };
    } finally {
      process.env = saved;
    }
  }

  interface World {
    c: TestCouncil;
    coordinator: TestStaff;
    agency: TestStaff;
    auditor: TestStaff;
    caseId: string;
    /** The agency's allowed read of the case: every field but reason and resource_ids set. */
    readSeq: number;
  }

  /** A council with a case the agency reads on a statutory basis, then a few events after it. */
  async function world(): Promise<World> {
    const c = await createCouncil(t, ['coordinator', 'agency_staff', 'auditor']);
    const [coordinator, agency, auditor] = c.staff;
    const base = `/api/councils/${c.councilId}`;
    const created = await as(coordinator, 'post', `${base}/cases`, {
      subject: { familyName: '連鎖', givenName: '検証' },
      summary: 'chain',
      concerns: ['isolation'],
    });
    expect(created.status).toBe(201);
    const caseId = created.body.id as string;
    const assigned = await as(coordinator, 'post', `${base}/cases/${caseId}/assignments`, {
      memberBodyId: agency.memberBodyId,
      role: 'lead',
      scope: 'full',
      basis: 'statutory',
      basisNote: '法令に基づく共有',
    });
    expect(assigned.status).toBe(201);
    // Logged in before the read, so the read is followed only by the events below.
    await as(auditor, 'get', base);
    expect((await as(agency, 'get', `${base}/cases/${caseId}`)).status).toBe(200);
    const { rows } = await t.db.superuser.query<{ seq: string }>(
      `SELECT max(seq)::text AS seq FROM audit_events
        WHERE council_id = $1 AND action = 'case.read' AND actor_user_id = $2`,
      [c.councilId, agency.id],
    );
    expect((await as(coordinator, 'get', `${base}/cases/${caseId}`)).status).toBe(200);
    expect((await as(coordinator, 'get', `${base}/cases`)).status).toBe(200);
    return { c, coordinator, agency, auditor, caseId, readSeq: Number(rows[0].seq) };
  }

  describe('the canonical encoding (known answers, independent of src/audit)', () => {
    it('reproduces both test vectors printed in docs/audit.md', () => {
      const council = '61f59025-bc22-4e7a-be2e-c3765bdc5b7e';
      const meeting: Encodable = {
        council_id: council,
        seq: '21',
        at: '2026-11-22T05:35:50.664177Z',
        actor_user_id: 'aa6262a9-70bc-4288-9547-eb8260091fee',
        actor_role: 'coordinator',
        member_body_id: '3f49a553-bbb5-4d08-a448-1277939df2d9',
        action: 'meeting.create',
        resource_type: 'meeting',
        resource_id: 'f135f777-e5a8-4c6a-afb9-2aed92c77c01',
        resource_ids: [],
        case_id: null,
        outcome: 'allowed',
        reason: 'tier=representatives;attendees=2;external=1;due_for_review=0',
        rule_id: 'coordinator.meeting.manage',
        basis: null,
        request_id: 'demo-seed',
      };
      const escapes: Encodable = {
        council_id: council,
        seq: '41',
        at: '2026-11-22T05:37:12.090690Z',
        actor_user_id: null,
        actor_role: '',
        member_body_id: null,
        action: 'test.escape',
        resource_type: null,
        resource_id: null,
        resource_ids: null,
        case_id: null,
        outcome: 'denied',
        reason: 'a\\b\nc \\N',
        rule_id: null,
        basis: null,
        request_id: '',
      };
      const sut = [meeting, escapes].map((e, i) => {
        const prev = Buffer.from(
          [
            'da5286df38d7833540c639a6af1446cadd483fbb2e0ccd769535b565aca2445e',
            '36e136c65f8321a904d0b5d00a8c4bcddda47f2c1364e72f464db4735eaafd05',
          ][i],
          'hex',
        );
        const text = encode(e);
        return { text, bytes: Buffer.byteLength(text), hash: sha256(prev, text).toString('hex') };
      });

      expect(sut).toEqual([
        {
          text: '61f59025-bc22-4e7a-be2e-c3765bdc5b7e\n21\n2026-11-22T05:35:50.664177Z\naa6262a9-70bc-4288-9547-eb8260091fee\ncoordinator\n3f49a553-bbb5-4d08-a448-1277939df2d9\nmeeting.create\nmeeting\nf135f777-e5a8-4c6a-afb9-2aed92c77c01\n\n\\N\nallowed\ntier=representatives;attendees=2;external=1;due_for_review=0\ncoordinator.meeting.manage\n\\N\ndemo-seed',
          bytes: 326,
          hash: '3707f4e4b5ba4314f38cc13f1a89798784f9ac42938914081637707f5d41b899',
        },
        {
          text: '61f59025-bc22-4e7a-be2e-c3765bdc5b7e\n41\n2026-11-22T05:37:12.090690Z\n\\N\n\n\\N\ntest.escape\n\\N\n\\N\n\\N\n\\N\ndenied\na\\\\b\\nc \\\\N\n\\N\n\\N\n',
          bytes: 124,
          hash: 'da224eb80f976d6518ba4e98ead372c971f162b7f3b293dfcda4fe8fcf30449e',
        },
      ]);
    });

    it('stores, for real events covering every field, exactly the hashes the documented encoding gives', async () => {
      const w = await world();
      const { c, coordinator, agency } = w;
      const base = `/api/councils/${c.councilId}`;
      const other = await as(coordinator, 'post', `${base}/cases`, {
        subject: { familyName: '別件', givenName: '事例' },
        summary: 'second',
        concerns: ['other'],
      });
      // A case list of two ids (comma-joined), a meeting discussing no case (an empty array),
      // a denial (outcome denied, reason not_visible) and an agency list of one id.
      await as(coordinator, 'get', `${base}/cases`);
      const meeting = await as(coordinator, 'post', `${base}/meetings`, {
        tier: 'representatives',
        title: '代表者会議',
        heldAt: '2024-05-01T10:00:00+09:00',
        caseIds: [],
        attendeeStaffIds: [coordinator.staffId],
      });
      expect(meeting.status).toBe(201);
      expect((await as(agency, 'get', `${base}/cases/${other.body.id}`)).status).toBe(404);
      await as(agency, 'get', `${base}/cases`);
      // Rows written outside the application go through the same trigger; these exercise the
      // escaping (backslashes, line feeds, `\N` as text, empty strings, CR, tab, non-ASCII).
      await t.db.superuser.query(
        `INSERT INTO audit_events (council_id, action, outcome, actor_role, reason, rule_id, basis, request_id, resource_ids)
         VALUES ($1, 'test.escape', 'denied', '', $2, $3, '', '', '{}'),
                ($1, 'test.escape', 'allowed', NULL, $4, NULL, NULL, $5, NULL)`,
        [c.councilId, 'a\\b\nc \\N', '\\N', 'line\r\n\ttab 監査 ✓ \\n', 'x\n'],
      );
      await as(coordinator, 'get', `${base}/cases/${w.caseId}`);

      const sut = await storedChain(t.db.superuser, c.councilId);

      // The chain covers what the encoding has to keep apart: every optional field both set
      // (by the API itself) and NULL somewhere, and resource_ids empty and with several ids.
      const api = sut.filter((e) => !e.action.startsWith('test.'));
      const optional: Field[] = FIELDS.filter(
        (f) => !['council_id', 'seq', 'at', 'action', 'outcome'].includes(f),
      );
      expect(optional.filter((f) => !api.some((e) => e[f] !== null))).toEqual([]);
      expect(optional.filter((f) => !sut.some((e) => e[f] === null))).toEqual([]);
      expect(api.some((e) => e.resource_ids?.length === 0)).toBe(true);
      expect(api.some((e) => (e.resource_ids?.length ?? 0) >= 2)).toBe(true);
      expect(api.some((e) => e.basis === 'statutory')).toBe(true);

      let prev: Buffer = GENESIS;
      const expected = sut.map((e, i) => {
        const link = { seq: String(i + 1), prevHash: prev.toString('hex') };
        prev = sha256(prev, encode(e));
        return { ...link, hash: prev.toString('hex') };
      });
      expect(
        sut.map((e) => ({
          seq: e.seq,
          prevHash: e.prev_hash.toString('hex'),
          hash: e.hash.toString('hex'),
        })),
      ).toEqual(expected);
      const head = await t.db.superuser.query<{ seq: string; hash: Buffer }>(
        `SELECT seq::text, hash FROM audit_chain_heads WHERE council_id = $1`,
        [c.councilId],
      );
      const { seq, hash } = expected[expected.length - 1];
      expect({ seq: head.rows[0].seq, hash: head.rows[0].hash.toString('hex') }).toEqual({
        seq,
        hash,
      });
    });
  });

  describe('tampering with one field of a middle event', () => {
    /**
     * [field, new value (SQL over the row and `v`: another council, another user), problem
     * reported]. Changing `seq` or
     * `council_id` takes the event out of its place in the chain: a gap (docs/audit.md,
     * "Verification"). NULL↔'' and NULL↔'{}' are changes too (the encoding is injective).
     */
    const cases: [string, string, string][] = [
      ['council_id', 'v.elsewhere', 'gap'],
      ['seq', 'seq + 1000000', 'gap'],
      ['at', `at + interval '1 microsecond'`, 'hash'],
      ['actor_user_id', 'v.someone_else', 'hash'],
      ['actor_role', `'coordinator'`, 'hash'],
      ['member_body_id', 'NULL', 'hash'],
      ['action', `'case.list'`, 'hash'],
      ['resource_type', `'note'`, 'hash'],
      ['resource_id', 'gen_random_uuid()', 'hash'],
      ['resource_ids', `CASE WHEN resource_ids IS NULL THEN '{}'::uuid[] END`, 'hash'],
      ['case_id', 'NULL', 'hash'],
      ['outcome', `'denied'`, 'hash'],
      ['reason', `CASE WHEN reason IS NULL THEN '' END`, 'hash'],
      ['rule_id', `'coordinator.case.read'`, 'hash'],
      ['basis', `'consent'`, 'hash'],
      ['request_id', `'forged-request-id'`, 'hash'],
      ['prev_hash', 'sha256(prev_hash)', 'prev_hash'],
      ['hash', 'sha256(hash)', 'hash'],
    ];

    it('covers all 16 fields of the encoding and both hashes', () => {
      expect(cases.map(([f]) => f).sort()).toEqual([...FIELDS, 'prev_hash', 'hash'].sort());
    });

    it.each(cases)(
      'GET …/audit/verify names the event whose %s was changed',
      async (column, value, problem) => {
        const w = await world();
        expect(await verifyAsAuditor(w.c, w.auditor)).toMatchObject({ valid: true });
        const elsewhere = await t.db.superuser.query<{ id: string }>(
          `INSERT INTO councils (name, municipalities, established_on)
           VALUES ('Elsewhere', '{Othertown}', '2024-04-01') RETURNING id`,
        );
        const before = await storedChain(t.db.superuser, w.c.councilId);
        expect(Number(before[before.length - 1].seq)).toBeGreaterThan(w.readSeq + 1);

        const changed = await behindTriggers(
          `WITH v AS (SELECT $3::uuid AS elsewhere, $4::uuid AS someone_else)
           UPDATE audit_events SET ${column} = ${value} FROM v WHERE council_id = $1 AND seq = $2`,
          [w.c.councilId, w.readSeq, elsewhere.rows[0].id, w.coordinator.id],
        );
        expect(changed).toBe(1);
        const after = await storedChain(t.db.superuser, w.c.councilId);
        expect(after).not.toEqual(before);

        const sut = await verifyAsAuditor(w.c, w.auditor);

        expect(sut).toMatchObject({
          valid: false,
          firstBrokenSeq: w.readSeq,
          lastSeq: w.readSeq - 1,
          checked: w.readSeq - 1,
          problem,
        });
      },
    );
  });

  describe('signing checkpoints only of a verified chain (DESIGN.md §3.13, API.md "Verify")', () => {
    const checkpointCount = async (councilId: string): Promise<number> =>
      (
        await t.db.superuser.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_checkpoints WHERE council_id = $1`,
          [councilId],
        )
      ).rows[0].n;

    it('signs the head of an intact chain', async () => {
      const w = await world();

      const sut = await as(w.auditor, 'post', `/api/councils/${w.c.councilId}/audit/checkpoints`);

      expect(sut.status).toBe(201);
      expect(await checkpointCount(w.c.councilId)).toBe(1);
    });

    it('refuses (409 CHAIN_BROKEN) to sign when an event was changed behind the triggers', async () => {
      const w = await world();
      await behindTriggers(
        `UPDATE audit_events SET basis = 'consent' WHERE council_id = $1 AND seq = $2`,
        [w.c.councilId, w.readSeq],
      );

      const sut = await as(w.auditor, 'post', `/api/councils/${w.c.councilId}/audit/checkpoints`);

      expect({ status: sut.status, code: sut.body.code }).toEqual({
        status: 409,
        code: 'CHAIN_BROKEN',
      });
      expect(await checkpointCount(w.c.councilId)).toBe(0);
    });

    it('refuses to sign a rewritten chain that a trusted checkpoint contradicts', async () => {
      const w = await world();
      const first = await as(w.auditor, 'post', `/api/councils/${w.c.councilId}/audit/checkpoints`);
      expect(first.status).toBe(201);
      // Every hash after the changed event recomputed, the head too: only the checkpoint knows.
      await behindTriggers(
        `DO $$ DECLARE r audit_events%ROWTYPE; prev bytea; BEGIN
           UPDATE audit_events SET basis = 'consent' WHERE council_id = '${w.c.councilId}' AND seq = ${w.readSeq};
           SELECT hash INTO prev FROM audit_events WHERE council_id = '${w.c.councilId}' AND seq = ${w.readSeq - 1};
           FOR r IN SELECT * FROM audit_events WHERE council_id = '${w.c.councilId}' AND seq >= ${w.readSeq} ORDER BY seq LOOP
             UPDATE audit_events SET prev_hash = prev, hash = sha256(prev || convert_to(audit_canonical(r), 'UTF8'))
              WHERE council_id = r.council_id AND seq = r.seq RETURNING hash INTO prev;
           END LOOP;
           UPDATE audit_chain_heads SET hash = prev WHERE council_id = '${w.c.councilId}';
         END $$`,
        [],
      );
      expect(await verifyAsAuditor(w.c, w.auditor)).toMatchObject({
        valid: false,
        chain: { valid: true },
        checkpoints: { valid: false },
      });

      const sut = await as(w.auditor, 'post', `/api/councils/${w.c.councilId}/audit/checkpoints`);

      expect({ status: sut.status, code: sut.body.code }).toEqual({
        status: 409,
        code: 'CHAIN_BROKEN',
      });
      expect(await checkpointCount(w.c.councilId)).toBe(1);
    });

    it('signs on schedule every intact council, and no council whose chain is broken', async () => {
      // The broken council sorts first (the scheduler goes by id), so it must not stop the rest.
      const broken = '00000000-0000-4000-8000-000000000000';
      await t.db.superuser.query(
        `INSERT INTO councils (id, name, municipalities, established_on)
         VALUES ($1, 'Broken', '{Othertown}', '2024-04-01')`,
        [broken],
      );
      await t.db.superuser.query(
        `INSERT INTO audit_events (council_id, action, outcome)
         SELECT $1, 'test.bulk', 'allowed' FROM generate_series(1, 3)`,
        [broken],
      );
      await behindTriggers(
        `UPDATE audit_events SET outcome = 'denied' WHERE council_id = $1 AND seq = 2`,
        [broken],
      );
      const intact = await world();

      await t.app.get(AuditCheckpointScheduler).runOnce();

      expect({
        broken: await checkpointCount(broken),
        intact: await checkpointCount(intact.c.councilId),
      }).toEqual({ broken: 0, intact: 1 });
    });
  });

  describe('a consistent rewrite by a database administrator (DESIGN.md §3.13, issue 14)', () => {
    /**
     * What a DBA can do: change the agency's read of the case (who read it, on what basis),
     * recompute every later hash, update the head. The chain alone then verifies.
     */
    async function rewrite(w: World): Promise<void> {
      await behindTriggers(
        `DO $$ DECLARE r audit_events%ROWTYPE; prev bytea; BEGIN
           UPDATE audit_events SET actor_user_id = '${w.coordinator.id}', basis = 'consent'
            WHERE council_id = '${w.c.councilId}' AND seq = ${w.readSeq};
           SELECT hash INTO prev FROM audit_events WHERE council_id = '${w.c.councilId}' AND seq = ${w.readSeq - 1};
           FOR r IN SELECT * FROM audit_events WHERE council_id = '${w.c.councilId}' AND seq >= ${w.readSeq} ORDER BY seq LOOP
             UPDATE audit_events SET prev_hash = prev, hash = sha256(prev || convert_to(audit_canonical(r), 'UTF8'))
              WHERE council_id = r.council_id AND seq = r.seq RETURNING hash INTO prev;
           END LOOP;
           UPDATE audit_chain_heads SET hash = prev WHERE council_id = '${w.c.councilId}';
         END $$`,
        [],
      );
    }

    const checkpoint = (w: World) =>
      as(w.auditor, 'post', `/api/councils/${w.c.councilId}/audit/checkpoints`);

    const deleteCheckpointRows = (councilId: string) =>
      behindTriggers(`DELETE FROM audit_checkpoints WHERE council_id = $1`, [councilId]);

    /** A council whose read of the case is covered by a checkpoint, then rewritten. */
    async function rewritten(): Promise<{ w: World; covering: number }> {
      const w = await world();
      const signed = await checkpoint(w);
      expect(signed.status).toBe(201);
      expect(signed.body.seq).toBeGreaterThan(w.readSeq);
      await rewrite(w);
      return { w, covering: signed.body.seq as number };
    }

    it('makes GET …/audit/verify answer valid:false at the covering checkpoint, naming the check that failed', async () => {
      const { w, covering } = await rewritten();

      const sut = await verifyAsAuditor(w.c, w.auditor);

      expect(sut).toMatchObject({
        valid: false,
        firstBrokenSeq: covering,
        problem: 'checkpoint',
        failed: ['checkpoints', 'witness'],
        chain: { valid: true, firstBrokenSeq: null },
        checkpoints: {
          valid: false,
          firstInvalidSeq: covering,
          problem: 'hash_mismatch',
          lastValidSeq: null, // nothing before the rewritten event is proven by a checkpoint
        },
        witness: { valid: false, firstInvalidSeq: covering, source: 'AUDIT_WITNESS_DIR' },
      });
      expect(w.readSeq).toBeLessThanOrEqual(covering);
    });

    it('makes audit:verify fail (exit 3) at the same seq', async () => {
      const { w, covering } = await rewritten();

      const sut = await verifyFromCli(w.c.councilId);

      expect(sut.ok).toBe(false);
      expect(sut.report).toMatchObject({
        valid: false,
        firstBrokenSeq: covering,
        problem: 'checkpoint',
        failed: ['checkpoints'],
      });
    });

    it('refuses to sign the forged head (409 CHAIN_BROKEN), and records the refusal', async () => {
      const { w, covering } = await rewritten();

      const sut = await checkpoint(w);

      expect({ status: sut.status, code: sut.body.code }).toEqual({
        status: 409,
        code: 'CHAIN_BROKEN',
      });
      const { rows } = await t.db.superuser.query(
        `SELECT actor_user_id AS "actorUserId", outcome, reason FROM audit_events
          WHERE council_id = $1 AND action = 'audit.checkpoint' ORDER BY seq DESC LIMIT 1`,
        [w.c.councilId],
      );
      expect(rows[0]).toEqual({
        actorUserId: w.auditor.id,
        outcome: 'denied',
        reason: `chain_broken seq=${covering} failed=checkpoints+witness`,
      });
    });

    describe('after the checkpoint rows are deleted too', () => {
      let w: World;
      let covering: number;

      beforeAll(async () => {
        ({ w, covering } = await rewritten());
        expect(await deleteCheckpointRows(w.c.councilId)).toBe(1);
      });

      it('leaves the database alone unable to tell (audit:verify without a witness passes)', async () => {
        const sut = await verifyFromCli(w.c.councilId);

        expect(sut).toMatchObject({ ok: true, report: { valid: true, failed: [] } });
      });

      it('is caught by audit:verify --witness <dir> (exit 3), at the covering seq', async () => {
        const sut = await verifyFromCli(w.c.councilId, t.config.audit.witnessDir);

        expect(sut.ok).toBe(false);
        expect(sut.report).toMatchObject({
          valid: false,
          firstBrokenSeq: covering,
          problem: 'witness',
          failed: ['witness'],
          checkpoints: { checked: 0, valid: true },
          witness: { checked: 1, valid: false, firstInvalidSeq: covering },
        });
      });

      it('is caught by audit:verify --witness <file>, the council’s file copied out on its own', async () => {
        const copy = join(mkdtempSync(join(tmpdir(), 'kc-auditor-')), 'checkpoints.jsonl');
        copyFileSync(join(t.config.audit.witnessDir, `${w.c.councilId}.jsonl`), copy);

        const sut = await verifyFromCli(w.c.councilId, copy);

        expect(sut.ok).toBe(false);
        expect(sut.report.firstBrokenSeq).toBe(covering);
      });

      it('is caught by GET …/audit/verify through the server’s own witness', async () => {
        const sut = await verifyAsAuditor(w.c, w.auditor);

        expect(sut).toMatchObject({ valid: false, firstBrokenSeq: covering, failed: ['witness'] });
      });

      it('still refuses to sign, on demand and on schedule', async () => {
        const onDemand = await checkpoint(w);
        await t.app.get(AuditCheckpointScheduler).runOnce();

        expect(onDemand.status).toBe(409);
        const { rows } = await t.db.superuser.query(
          `SELECT count(*)::int AS n FROM audit_checkpoints WHERE council_id = $1`,
          [w.c.councilId],
        );
        expect(rows[0].n).toBe(0);
      });
    });

    it('refuses an unknown witness path rather than checking nothing', async () => {
      const w = await world();
      await expect(verifyFromCli(w.c.councilId, '/nonexistent/witness')).rejects.toThrow(
        /witness not found/,
      );
    });
  });

  describe('the witness of every signed checkpoint', () => {
    it('holds one JSON line per checkpoint, exactly as the API answered it, in the council’s file', async () => {
      const w = await world();
      const first = await as(w.auditor, 'post', `/api/councils/${w.c.councilId}/audit/checkpoints`);
      const second = await as(
        w.auditor,
        'post',
        `/api/councils/${w.c.councilId}/audit/checkpoints`,
      );

      const lines = readFileSync(
        join(t.config.audit.witnessDir, `${w.c.councilId}.jsonl`),
        'utf8',
      ).split('\n');

      expect(lines.slice(0, -1).map((l) => JSON.parse(l))).toEqual([first.body, second.body]);
      expect(lines[lines.length - 1]).toBe('');
    });
  });

  describe('verification across several batches', () => {
    /** verifyCouncil() → verifyChain(next, head) reads 4,000 rows per batch (src/audit/audit-chain.ts). */
    const VERIFY_BATCH = 4_000;
    const TOTAL = 3 * VERIFY_BATCH + 600; // more than three batches: the last one is partial
    let c: TestCouncil;
    let auditor: TestStaff;
    let last: number;

    beforeAll(async () => {
      c = await createCouncil(t, ['auditor']);
      auditor = c.staff[0];
      await as(auditor, 'get', `/api/councils/${c.councilId}`); // log in: its events come first
      const insert = (n: number) =>
        t.db.superuser.query(
          `INSERT INTO audit_events (council_id, action, outcome, reason, basis, resource_ids, request_id)
           SELECT $1, 'test.bulk', CASE WHEN i % 7 = 0 THEN 'denied' ELSE 'allowed' END, 'bulk=' || i,
                  (ARRAY[NULL, 'consent', 'statutory'])[i % 3 + 1],
                  CASE WHEN i % 5 = 0 THEN '{}'::uuid[] WHEN i % 5 = 1 THEN ARRAY[gen_random_uuid(), gen_random_uuid()] END,
                  'bulk-' || i
             FROM generate_series(1, $2) AS i`,
          [c.councilId, n],
        );
      // In statements of at most 1,000 rows, each its own transaction (one head row update per row).
      for (let left = TOTAL - (await headSeq(c.councilId)); left > 0; left -= 1_000)
        await insert(Math.min(left, 1_000));
      last = await headSeq(c.councilId);
      expect(last).toBe(TOTAL);
      expect(last).toBeGreaterThan(2.5 * VERIFY_BATCH);
    }, 120_000);

    /** Changes one event of the last batch behind the triggers' back; undoes it afterwards. */
    async function withEventBroken(seq: number, check: () => Promise<void>): Promise<void> {
      const sql = `UPDATE audit_events SET basis = $3 WHERE council_id = $1 AND seq = $2`;
      const original = await t.db.superuser.query<{ basis: string | null }>(
        `SELECT basis FROM audit_events WHERE council_id = $1 AND seq = $2`,
        [c.councilId, seq],
      );
      expect(await behindTriggers(sql, [c.councilId, seq, 'forged'])).toBe(1);
      try {
        await check();
      } finally {
        await behindTriggers(sql, [c.councilId, seq, original.rows[0].basis]);
      }
    }

    it('GET …/audit/verify checks every event of a chain longer than 2.5 batches', async () => {
      const sut = await verifyAsAuditor(c, auditor);

      const head = await headSeq(c.councilId);
      expect(sut).toMatchObject({
        valid: true,
        checked: head - 1, // the verification records itself afterwards
        lastSeq: head - 1,
        firstBrokenSeq: null,
        problem: null,
      });
      expect(head - 1).toBeGreaterThanOrEqual(last);
    });

    it('audit:verify (CLI) checks every event of it too', async () => {
      const head = await headSeq(c.councilId);

      const sut = await verifyFromCli(c.councilId);

      expect(sut.ok).toBe(true);
      expect(sut.report).toMatchObject({ valid: true, checked: head, lastSeq: head });
    });

    it('names an event broken in the last batch exactly, through the API and the CLI', async () => {
      const head = await headSeq(c.councilId);
      const target = last - 1; // inside the last batch, not the chain's last event
      expect(Math.floor((target - 1) / VERIFY_BATCH)).toBe(Math.floor((head - 1) / VERIFY_BATCH));
      expect(target).toBeGreaterThan(3 * VERIFY_BATCH);

      await withEventBroken(target, async () => {
        const api = await verifyAsAuditor(c, auditor);
        const cli = await verifyFromCli(c.councilId);

        const expected = {
          valid: false,
          firstBrokenSeq: target,
          checked: target - 1,
          lastSeq: target - 1,
          problem: 'hash',
        };
        expect(api).toMatchObject(expected);
        expect(cli.ok).toBe(false);
        expect(cli.report).toMatchObject(expected);
      });
    });
  });

  describe('append-only, for every role including the superuser', () => {
    let w: World;
    type Role = 'superuser' | 'owner' | 'app';
    const clients = new Map<Role, Client>();
    let eventsBefore: StoredEvent[];
    let checkpointsBefore: unknown[];

    const checkpointRows = (councilId: string) =>
      t.db.superuser
        .query(
          `SELECT council_id, seq::text, hash, at, signature, public_key, created_by
             FROM audit_checkpoints WHERE council_id = $1 ORDER BY audit_checkpoints.seq`,
          [councilId],
        )
        .then((r) => r.rows);

    beforeAll(async () => {
      w = await world();
      const made = await as(w.auditor, 'post', `/api/councils/${w.c.councilId}/audit/checkpoints`);
      expect(made.status).toBe(201);
      await as(w.agency, 'get', `/api/councils/${w.c.councilId}/cases/${w.caseId}`);
      // The owner and the application role are bound by RLS: they see the council's rows once
      // it is set for the session, so a row trigger would fire on them.
      for (const [role, url] of [
        ['superuser', t.db.adminUrl],
        ['owner', t.db.ownerUrl],
        ['app', t.db.appUrl],
      ] as const) {
        const client = new Client({ connectionString: url });
        await client.connect();
        await client.query(`SELECT set_config('app.council_id', $1, false)`, [w.c.councilId]);
        clients.set(role, client);
      }
      const visible = await clients
        .get('owner')!
        .query(`SELECT count(*)::int AS n FROM audit_events WHERE council_id = $1`, [
          w.c.councilId,
        ]);
      expect(visible.rows[0].n).toBeGreaterThan(3);
      eventsBefore = await storedChain(t.db.superuser, w.c.councilId);
      checkpointsBefore = await checkpointRows(w.c.councilId);
      expect(checkpointsBefore).toHaveLength(1);
    });
    afterAll(async () => {
      for (const client of clients.values()) await client.end();
    });

    const roles: Role[] = ['superuser', 'owner', 'app'];
    const statements: [string, string][] = [
      [
        'UPDATE of reason',
        `UPDATE audit_events SET reason = 'edited' WHERE council_id = $1 AND seq = 3`,
      ],
      [
        'UPDATE of basis',
        `UPDATE audit_events SET basis = 'consent' WHERE council_id = $1 AND basis IS NOT NULL`,
      ],
      [
        'UPDATE of action and outcome',
        `UPDATE audit_events SET action = 'case.list', outcome = 'denied' WHERE council_id = $1 AND seq = 2`,
      ],
      ['UPDATE of at', `UPDATE audit_events SET at = at - interval '1 day' WHERE council_id = $1`],
      [
        'UPDATE of seq',
        `UPDATE audit_events SET seq = seq + 1000000 WHERE council_id = $1 AND seq = 1`,
      ],
      [
        'UPDATE of prev_hash and hash',
        `UPDATE audit_events SET prev_hash = sha256(prev_hash), hash = sha256(hash) WHERE council_id = $1 AND seq = 4`,
      ],
      [
        'DELETE of the last event',
        `DELETE FROM audit_events WHERE council_id = $1 AND seq = (SELECT max(seq) FROM audit_events WHERE council_id = $1)`,
      ],
      ['DELETE of all events', `DELETE FROM audit_events WHERE council_id = $1`],
      ['TRUNCATE', `TRUNCATE audit_events`],
      [
        'UPDATE of a checkpoint hash',
        `UPDATE audit_checkpoints SET hash = sha256(hash) WHERE council_id = $1`,
      ],
      [
        'UPDATE of a checkpoint seq',
        `UPDATE audit_checkpoints SET seq = seq + 1 WHERE council_id = $1`,
      ],
      ['DELETE of a checkpoint', `DELETE FROM audit_checkpoints WHERE council_id = $1`],
    ];
    const matrix = roles.flatMap((role) =>
      statements.map(([label, sql]) => [role, label, sql] as [Role, string, string]),
    );

    /**
     * Runs the statement in its own transaction. One that got through is committed, for the
     * last test to see, except a TRUNCATE: that would empty every council's log, and is rolled
     * back either way.
     */
    async function attempt(client: Client, sql: string): Promise<void> {
      await client.query('BEGIN');
      try {
        await client.query(sql, sql.includes('$1') ? [w.c.councilId] : []);
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      await client.query(sql.startsWith('TRUNCATE') ? 'ROLLBACK' : 'COMMIT');
    }

    it.each(matrix)('refuses to the %s role: %s (SQLSTATE 42501)', async (role, _label, sql) => {
      const sut = attempt(clients.get(role)!, sql);

      await expect(sut).rejects.toMatchObject({
        code: '42501',
        // The application role lacks the grant; everyone else is stopped by the triggers.
        message:
          role === 'app'
            ? expect.stringMatching(/permission denied/)
            : expect.stringMatching(/is not allowed: the table is append-only/),
      });
    });

    it('leaves every event and checkpoint as it was, and the chain valid', async () => {
      expect(await storedChain(t.db.superuser, w.c.councilId)).toEqual(eventsBefore);
      expect(await checkpointRows(w.c.councilId)).toEqual(checkpointsBefore);
      expect(await verifyAsAuditor(w.c, w.auditor)).toMatchObject({
        valid: true,
        firstBrokenSeq: null,
        checkpoints: { valid: true },
      });
    });
  });
});

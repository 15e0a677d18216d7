import { parse } from 'csv-parse/sync';
import request from '../support/http';
import { AuditCheckpointScheduler } from '../../src/audit/audit-checkpoint.scheduler';
import { CheckpointView, checkpointSignatureValid } from '../../src/audit/audit-reports.service';
import { toChainRow, verifyChain } from '../../src/audit/audit-chain';
import { auditVerify } from '../../src/cli/commands';

import {
  createTestApp,
  TEST_JWT_SECRET,
  TEST_MFA_KEY,
  TEST_DATA_KEK,
  TEST_SIGNING_KEY,
  TestApp,
} from '../support/app';
import { createCouncil, TestCouncil, TestStaff, actingAs, login } from '../support/factories';

/** A day in the council's calendar (Asia/Tokyo), `offset` days from today. */
const tokyoDay = (offset: number): string =>
  new Date(Date.now() + 9 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);

/** The audit log an auditor can trust and use (issue 7; DESIGN.md §3.4–3.5). */
describe('audit for auditors (e2e)', () => {
  let t: TestApp;
  const jstHour = new Date(Date.now() + 9 * 3600_000).getUTCHours();
  // Office hours that exclude the present hour, so every access in this file is "outside".
  const officeHours = `${String((jstHour + 2) % 24).padStart(2, '0')}:00-${String((jstHour + 3) % 24).padStart(2, '0')}:00`;

  const as = actingAs(() => t);

  interface World {
    c: TestCouncil;
    coordinator: TestStaff;
    agency: TestStaff;
    auditor: TestStaff;
    caseId: string;
  }
  async function world(): Promise<World> {
    const c = await createCouncil(t, ['coordinator', 'agency_staff', 'auditor']);
    const [coordinator, agency, auditor] = c.staff;
    const created = await as(coordinator, 'post', `/api/councils/${c.councilId}/cases`, {
      subject: { familyName: '監査', givenName: '対象', address: '秘密の住所' },
      summary: '秘密の経緯',
      concerns: ['isolation'],
    });
    await as(
      coordinator,
      'post',
      `/api/councils/${c.councilId}/cases/${created.body.id}/assignments`,
      {
        memberBodyId: agency.memberBodyId,
        role: 'lead',
        scope: 'full',
        basis: 'statutory',
        basisNote: '法令に基づく共有',
      },
    );
    // Log everyone in now: later requests then write nothing but their own access events.
    for (const u of [agency, auditor]) await as(u, 'get', `/api/councils/${c.councilId}`);
    return { c, coordinator, agency, auditor, caseId: created.body.id };
  }
  const verify = (w: World) => as(w.auditor, 'get', `/api/councils/${w.c.councilId}/audit/verify`);
  /** A database administrator, bypassing the append-only triggers on purpose. */
  async function tamper(sql: string, params: unknown[]): Promise<void> {
    await t.db.superuser.query(`ALTER TABLE audit_events DISABLE TRIGGER USER`);
    try {
      await t.db.superuser.query(sql, params);
    } finally {
      await t.db.superuser.query(`ALTER TABLE audit_events ENABLE TRIGGER USER`);
    }
  }

  beforeAll(async () => {
    t = await createTestApp({
      OFFICE_HOURS: officeHours,
      ANOMALY_DENIED_BURST: '5',
      ANOMALY_READ_MIN: '4',
      ANOMALY_READ_FACTOR: '2',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('the hash chain', () => {
    it('verifies an untouched chain, counting every event', async () => {
      const w = await world();
      await as(w.agency, 'get', `/api/councils/${w.c.councilId}/cases/${w.caseId}`);
      const res = await verify(w);
      expect(res.status).toBe(200);
      const head = await t.db.superuser.query(
        `SELECT seq FROM audit_chain_heads WHERE council_id = $1`,
        [w.c.councilId],
      );
      expect(res.body).toMatchObject({
        valid: true,
        firstBrokenSeq: null,
        checked: Number(head.rows[0].seq) - 1, // the verification records itself last
        lastSeq: Number(head.rows[0].seq) - 1,
      });
    });

    it.each([
      [
        'an edited row',
        (c: string) =>
          tamper(`UPDATE audit_events SET reason = 'edited' WHERE council_id = $1 AND seq = 3`, [
            c,
          ]),
        3,
        'hash',
      ],
      [
        'a deleted row',
        (c: string) => tamper(`DELETE FROM audit_events WHERE council_id = $1 AND seq = 4`, [c]),
        4,
        'gap',
      ],
      [
        'an inserted row',
        (c: string) =>
          tamper(
            `WITH forged AS (
               INSERT INTO audit_events (council_id, seq, at, action, outcome, prev_hash, hash)
               SELECT $1, max(seq) + 1, now(), 'case.read', 'allowed', '\\x00'::bytea, '\\x00'::bytea FROM audit_events WHERE council_id = $1
               RETURNING seq)
             UPDATE audit_chain_heads SET seq = (SELECT seq FROM forged), hash = '\\x00'::bytea WHERE council_id = $1`,
            [c],
          ),
        null,
        'prev_hash',
      ],
      [
        'a row removed from the end',
        (c: string) =>
          tamper(
            `DELETE FROM audit_events WHERE council_id = $1 AND seq = (SELECT max(seq) FROM audit_events WHERE council_id = $1)`,
            [c],
          ),
        null,
        'head',
      ],
    ])(
      'detects %s and names the first broken seq',
      async (_label, doTamper, brokenSeq, problem) => {
        const w = await world();
        const before = await t.db.superuser.query(
          `SELECT max(seq)::int AS n FROM audit_events WHERE council_id = $1`,
          [w.c.councilId],
        );
        await doTamper(w.c.councilId);
        const res = await verify(w);
        expect(res.body.valid).toBe(false);
        expect(res.body.problem).toBe(problem);
        const expectedSeq =
          brokenSeq ?? (problem === 'head' ? before.rows[0].n : before.rows[0].n + 1);
        expect(res.body.firstBrokenSeq).toBe(expectedSeq);
      },
    );

    it('builds two valid, gapless chains from concurrent requests in two councils', async () => {
      const [a, b] = [await world(), await world()];
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => {
          const w = i % 2 ? a : b;
          return as(
            i % 3 ? w.agency : w.coordinator,
            'get',
            `/api/councils/${w.c.councilId}/cases/${w.caseId}`,
          );
        }),
      );
      for (const w of [a, b]) {
        const res = await verify(w);
        expect(res.body).toMatchObject({ valid: true, firstBrokenSeq: null });
        const { rows } = await t.db.superuser.query(
          `SELECT count(*)::int AS n, max(seq)::int AS max FROM audit_events WHERE council_id = $1`,
          [w.c.councilId],
        );
        expect(rows[0].n).toBe(rows[0].max);
      }
    });
  });

  describe('signed checkpoints', () => {
    it('signs {councilId, seq, hash, at}; the signature verifies with the published key and fails after tampering', async () => {
      const w = await world();
      const made = await as(w.auditor, 'post', `/api/councils/${w.c.councilId}/audit/checkpoints`);
      expect(made.status).toBe(201);
      const cp = made.body as CheckpointView;
      expect(cp).toMatchObject({
        councilId: w.c.councilId,
        seq: expect.any(Number),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const listed = await as(w.auditor, 'get', `/api/councils/${w.c.councilId}/audit/checkpoints`);
      expect(checkpointSignatureValid(cp, listed.body.publicKey)).toBe(true);
      expect(checkpointSignatureValid({ ...cp, seq: cp.seq + 1 }, listed.body.publicKey)).toBe(
        false,
      );
      expect(
        checkpointSignatureValid(
          { ...cp, hash: cp.hash.replace(/^./, (ch) => (ch === 'a' ? 'b' : 'a')) },
          listed.body.publicKey,
        ),
      ).toBe(false);
    });

    it('catches a rewritten chain that is internally consistent, through the checkpoint', async () => {
      const w = await world();
      await as(w.auditor, 'post', `/api/councils/${w.c.councilId}/audit/checkpoints`);
      // The administrator edits an early row and recomputes every hash after it (and the head).
      await tamper(
        `UPDATE audit_events SET reason = 'rewritten' WHERE council_id = $1 AND seq = 2`,
        [w.c.councilId],
      );
      await tamper(
        `DO $$ DECLARE r audit_events%ROWTYPE; prev bytea; BEGIN
           SELECT hash INTO prev FROM audit_events WHERE council_id = '${w.c.councilId}' AND seq = 1;
           FOR r IN SELECT * FROM audit_events WHERE council_id = '${w.c.councilId}' AND seq >= 2 ORDER BY seq LOOP
             prev := sha256(prev || convert_to(audit_canonical(r), 'UTF8'));
             UPDATE audit_events SET prev_hash = (SELECT hash FROM audit_events WHERE council_id = r.council_id AND seq = r.seq - 1), hash = prev
              WHERE council_id = r.council_id AND seq = r.seq;
           END LOOP;
           UPDATE audit_chain_heads SET hash = prev WHERE council_id = '${w.c.councilId}';
         END $$`,
        [],
      );
      const res = await verify(w);
      // The chain alone cannot tell; the signed checkpoint can, and that is the verdict.
      expect(res.body).toMatchObject({
        valid: false,
        problem: 'checkpoint',
        failed: ['checkpoints', 'witness'],
        chain: { valid: true, firstBrokenSeq: null },
        checkpoints: { valid: false, problem: 'hash_mismatch' },
      });
    });

    it('is made on a schedule for every council with events', async () => {
      const w = await world();
      const made = await t.app.get(AuditCheckpointScheduler).runOnce();
      expect(made).toBeGreaterThan(0);
      const { rows } = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM audit_checkpoints WHERE council_id = $1`,
        [w.c.councilId],
      );
      expect(rows[0].n).toBe(1);
    });
  });

  describe('the auditor API', () => {
    it('lists exactly the accesses made to a case in the access report, with role, body and basis', async () => {
      const w = await world();
      const path = `/api/councils/${w.c.councilId}/cases/${w.caseId}`;
      await as(w.agency, 'get', path);
      await as(w.agency, 'get', path);
      await as(w.coordinator, 'get', path);
      const report = await as(
        w.auditor,
        'get',
        `/api/councils/${w.c.councilId}/audit/access-report?caseId=${w.caseId}`,
      );
      expect(report.status).toBe(200);
      expect(
        report.body.items.map(
          (e: { action: string; actorUserId: string; basis: string | null }) => [
            e.action,
            e.actorUserId,
            e.basis,
          ],
        ),
      ).toEqual([
        ['case.create', w.coordinator.id, 'coordinator'],
        ['assignment.create', w.coordinator.id, 'statutory'],
        ['case.read', w.agency.id, 'statutory'],
        ['case.read', w.agency.id, 'statutory'],
        ['case.read', w.coordinator.id, 'coordinator'],
      ]);
      expect(report.body.items[2]).toMatchObject({
        actorRole: 'agency_staff',
        memberBodyId: w.agency.memberBodyId,
        outcome: 'allowed',
      });
    });

    it('searches events by case, actor, action and outcome with cursor pagination', async () => {
      const w = await world();
      for (let i = 0; i < 3; i++)
        await as(w.agency, 'get', `/api/councils/${w.c.councilId}/cases/${w.caseId}`);
      const page1 = await as(
        w.auditor,
        'get',
        `/api/councils/${w.c.councilId}/audit/events?action=case.read&actorUserId=${w.agency.id}&limit=2`,
      );
      expect(page1.body.items).toHaveLength(2);
      const page2 = await as(
        w.auditor,
        'get',
        `/api/councils/${w.c.councilId}/audit/events?action=case.read&actorUserId=${w.agency.id}&limit=2&cursor=${page1.body.nextCursor}`,
      );
      expect(page2.body.items).toHaveLength(1);
      expect(page2.body.nextCursor).toBeNull();
      const denied = await as(
        w.auditor,
        'get',
        `/api/councils/${w.c.councilId}/audit/events?outcome=denied`,
      );
      expect(denied.body.items.every((e: { outcome: string }) => e.outcome === 'denied')).toBe(
        true,
      );
      const timeline = await as(
        w.auditor,
        'get',
        `/api/councils/${w.c.councilId}/audit/timeline?userId=${w.agency.id}`,
      );
      expect(
        timeline.body.items.every((e: { actorUserId: string }) => e.actorUserId === w.agency.id),
      ).toBe(true);
    });

    it('never shows case content through any audit endpoint', async () => {
      const w = await world();
      await as(w.agency, 'get', `/api/councils/${w.c.councilId}/cases/${w.caseId}`);
      const base = `/api/councils/${w.c.councilId}/audit`;
      for (const path of [
        `${base}/events`,
        `${base}/verify`,
        `${base}/checkpoints`,
        `${base}/access-report?caseId=${w.caseId}`,
        `${base}/timeline?userId=${w.agency.id}`,
        `${base}/anomalies?from=${tokyoDay(-1)}&to=${tokyoDay(0)}`,
        `${base}/export?format=jsonl`,
        `${base}/export?format=csv`,
      ]) {
        const res = await as(w.auditor, 'get', path);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        for (const secret of ['監査', '対象', '秘密']) expect(res.text).not.toContain(secret);
      }
      expect(
        (await as(w.auditor, 'get', `/api/councils/${w.c.councilId}/cases/${w.caseId}`)).status,
      ).toBe(403);
    });

    it('lets coordinators read events but not verify or export', async () => {
      const w = await world();
      const base = `/api/councils/${w.c.councilId}/audit`;
      expect((await as(w.coordinator, 'get', `${base}/events`)).status).toBe(200);
      expect((await as(w.coordinator, 'get', `${base}/verify`)).status).toBe(403);
      expect((await as(w.coordinator, 'get', `${base}/export`)).status).toBe(403);
      expect((await as(w.agency, 'get', `${base}/events`)).status).toBe(403);
    });

    it('exports JSONL with the checkpoints and the public key, and CSV that standard parsers read, and records the export', async () => {
      const w = await world();
      await as(w.auditor, 'post', `/api/councils/${w.c.councilId}/audit/checkpoints`);
      const jsonl = await as(
        w.auditor,
        'get',
        `/api/councils/${w.c.councilId}/audit/export?format=jsonl`,
      );
      expect(jsonl.headers['content-type']).toContain('application/x-ndjson');
      const lines = jsonl.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; seq?: number; action?: string });
      expect(lines[0]).toMatchObject({
        type: 'header',
        councilId: w.c.councilId,
        publicKey: expect.stringContaining('PUBLIC KEY'),
      });
      expect((lines[0] as unknown as { checkpoints: unknown[] }).checkpoints).toHaveLength(1);
      const events = lines.slice(1);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.map((e) => e.action)).toContain('audit.export'); // recorded before the first byte
      // The export alone is enough to re-verify the chain up to where it was taken.
      const chained = events.map((e) => {
        const x = e as unknown as Record<string, unknown>;
        return {
          councilId: w.c.councilId,
          seq: String(x.seq),
          at: x.atExact as string,
          actorUserId: x.actorUserId as string | null,
          actorRole: x.actorRole as string | null,
          memberBodyId: x.memberBodyId as string | null,
          action: x.action as string,
          resourceType: x.resourceType as string | null,
          resourceId: x.resourceId as string | null,
          resourceIds: x.resourceIds as string[] | null,
          caseId: x.caseId as string | null,
          outcome: x.outcome as string,
          reason: x.reason as string | null,
          ruleId: x.ruleId as string | null,
          basis: x.basis as string | null,
          requestId: x.requestId as string | null,
          prevHash: Buffer.from(x.prevHash as string, 'hex'),
          hash: Buffer.from(x.hash as string, 'hex'),
        };
      });
      const reverified = await verifyChain(
        async (after) => chained.filter((e) => Number(e.seq) > Number(after)).map(toChainRow),
        null,
      );
      expect(reverified).toMatchObject({ valid: true, checked: events.length });
      const csv = await as(
        w.auditor,
        'get',
        `/api/councils/${w.c.councilId}/audit/export?format=csv`,
      );
      // csv-parse with its defaults reads it: a header and one record per event, nothing else
      // (the checkpoints are in the JSONL header), NULL as an empty cell (issue 16 item 6).
      const [header, ...records] = parse(csv.text) as string[][];
      expect(header.join(',')).toBe(
        'seq,at,actorUserId,actorRole,memberBodyId,action,resourceType,resourceId,resourceIds,caseId,outcome,reason,ruleId,basis,requestId,atExact,prevHash,hash',
      );
      const upToJsonl = records.slice(0, events.length);
      expect(upToJsonl.map((r) => [r[0], r[17]])).toEqual(
        events.map((e) => [String(e.seq), (e as unknown as { hash: string }).hash]),
      );
      const created = records.find((r) => r[5] === 'council.create')!;
      expect(created[4]).toBe(''); // memberBodyId NULL
      expect(records.map((r) => r.length)).toEqual(records.map(() => header.length));
    });

    it('verifies from the CLI too', async () => {
      const w = await world();
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
        expect(await auditVerify(w.c.councilId, (l) => lines.push(l))).toBe(true);
        expect(JSON.parse(lines[0])).toMatchObject({ valid: true });
        await tamper(
          `UPDATE audit_events SET reason = 'edited' WHERE council_id = $1 AND seq = 2`,
          [w.c.councilId],
        );
        expect(await auditVerify(w.c.councilId, () => undefined)).toBe(false);
      } finally {
        process.env = saved;
      }
    });
  });

  describe('anomalies', () => {
    it('finds denied bursts, unusual reading, off-hours access, ended membership, statutory disclosures and exports', async () => {
      const w = await world();
      const base = `/api/councils/${w.c.councilId}`;
      // A nosy agency: reads cases it may see, and keeps trying one it may not.
      const hidden = await as(w.coordinator, 'post', `${base}/cases`, {
        subject: { familyName: 'x', givenName: 'y' },
        summary: 's',
        concerns: ['other'],
      });
      for (let i = 0; i < 6; i++) await as(w.agency, 'get', `${base}/cases/${hidden.body.id}`);
      for (let i = 0; i < 5; i++) await as(w.agency, 'get', `${base}/cases/${w.caseId}`);
      await as(w.auditor, 'get', `${base}/audit/export?format=jsonl`);
      await as(w.coordinator, 'post', `${base}/staff/${w.agency.staffId}/end`, {
        endedOn: new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10),
      });

      // One day, both ends included: today.
      const res = await as(
        w.auditor,
        'get',
        `${base}/audit/anomalies?from=${tokyoDay(0)}&to=${tokyoDay(0)}`,
      );
      expect(res.status).toBe(200);
      const kinds = new Map<string, { actorUserId: string | null; eventSeqs: number[] }[]>();
      for (const f of res.body.findings) kinds.set(f.kind, [...(kinds.get(f.kind) ?? []), f]);
      expect(kinds.get('denied_burst')?.[0]).toMatchObject({ actorUserId: w.agency.id });
      expect(kinds.get('unusual_read_volume')?.[0]).toMatchObject({ actorUserId: w.agency.id });
      expect(kinds.get('outside_office_hours')?.map((f) => f.actorUserId)).toContain(w.agency.id);
      expect(kinds.get('access_after_membership_ended')?.map((f) => f.actorUserId)).toContain(
        w.agency.id,
      );
      expect(kinds.get('statutory_disclosure')).toHaveLength(1);
      expect(kinds.get('export')?.[0]).toMatchObject({ actorUserId: w.auditor.id });
      // Each finding links to the events behind it.
      const burst = kinds.get('denied_burst')![0];
      const { rows } = await t.db.superuser.query(
        `SELECT DISTINCT outcome FROM audit_events WHERE council_id = $1 AND seq = ANY($2)`,
        [w.c.councilId, burst.eventSeqs],
      );
      expect(rows).toEqual([{ outcome: 'denied' }]);
    });

    it('refuses a period that ends before it starts', async () => {
      const w = await world();
      const res = await as(
        w.auditor,
        'get',
        `/api/councils/${w.c.councilId}/audit/anomalies?from=2026-02-01&to=2026-01-31`,
      );
      expect(res.status).toBe(400);
    });
  });

  describe('date ranges (API.md v2: from/to are dates, both included)', () => {
    const events = (w: World, query: string) =>
      as(w.auditor, 'get', `/api/councils/${w.c.councilId}/audit/events?${query}`);

    it('includes the whole of the last day: from = to = today finds today’s events', async () => {
      const w = await world();

      const sut = await events(w, `from=${tokyoDay(0)}&to=${tokyoDay(0)}`);

      expect(sut.status).toBe(200);
      expect(sut.body.items.length).toBeGreaterThan(3);
    });

    it('ends with the last day: to = yesterday finds none of today’s events', async () => {
      const w = await world();

      const sut = await events(w, `from=${tokyoDay(-7)}&to=${tokyoDay(-1)}`);

      expect(sut.status).toBe(200);
      expect(sut.body.items).toEqual([]);
    });

    it.each(['events', 'anomalies'])(
      'refuses date-times and impossible dates in the %s range (400)',
      async (path) => {
        const w = await world();
        for (const query of [
          `from=${tokyoDay(0)}T00:00:00Z&to=${tokyoDay(0)}`,
          `from=${tokyoDay(0)}&to=2026-02-30`,
        ]) {
          const res = await as(
            w.auditor,
            'get',
            `/api/councils/${w.c.councilId}/audit/${path}?${query}`,
          );
          expect({ query, status: res.status }).toEqual({ query, status: 400 });
        }
      },
    );
  });

  describe('request ids (identifiers only, DESIGN.md §3.5)', () => {
    /** What a client could try to smuggle into the append-only log: a name and a birth date. */
    const SMUGGLED = 'Yamada.Taro.1950-05-05';

    const smuggledEvents = async (councilId: string): Promise<number> =>
      (
        await t.db.superuser.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_events
            WHERE council_id = $1 AND (request_id LIKE '%Yamada%' OR reason LIKE '%Yamada%')`,
          [councilId],
        )
      ).rows[0].n;

    it('never writes a client-sent X-Request-Id into the audit log, even through a wrong-password login', async () => {
      const w = await world();
      const before = await t.db.superuser.query<{ seq: string }>(
        `SELECT max(seq)::text AS seq FROM audit_events WHERE council_id = $1`,
        [w.c.councilId],
      );
      const failed = await request(t.server)
        .post('/api/auth/login')
        .set('X-Request-Id', SMUGGLED)
        .send({ email: w.agency.email, password: 'not the password' });
      expect(failed.status).toBe(401);
      expect(failed.headers['x-request-id']).toBe(SMUGGLED); // echoed to the caller…
      const read = await request(t.server)
        .get(`/api/councils/${w.c.councilId}/cases/${w.caseId}`)
        .set('X-Request-Id', SMUGGLED)
        .set('Authorization', `Bearer ${(await login(t, w.agency)).accessToken}`);
      expect(read.status).toBe(200);

      const { rows } = await t.db.superuser.query<{ action: string; requestId: string }>(
        `SELECT action, request_id AS "requestId" FROM audit_events
          WHERE council_id = $1 AND seq > $2 ORDER BY seq`,
        [w.c.councilId, before.rows[0].seq],
      );
      // …but the log holds the server's own ids for both requests, and never the caller's.
      expect(rows.map((r) => r.action)).toEqual(
        expect.arrayContaining(['auth.login', 'case.read']),
      );
      for (const r of rows) expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await smuggledEvents(w.c.councilId)).toBe(0);
      const security = await t.db.superuser.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM security_events WHERE request_id LIKE '%Yamada%'`,
      );
      expect(security.rows[0].n).toBe(0);
    });
  });

  describe('failed-login floods', () => {
    it('writes one event per account and source per window, counting the rest', async () => {
      const w = await world();
      for (let i = 0; i < 4; i++)
        await request(t.server)
          .post('/api/auth/login')
          .send({ email: w.agency.email, password: `nope-${i}` })
          .expect(401);
      const security = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM security_events WHERE user_id = $1 AND outcome = 'denied'`,
        [w.agency.id],
      );
      expect(security.rows[0].n).toBe(1);
      const audit = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE council_id = $1 AND action = 'auth.login' AND outcome = 'denied'`,
        [w.c.councilId],
      );
      expect(audit.rows[0].n).toBe(1);
      const windows = await t.db.superuser.query(
        `SELECT sum(failures)::int AS n FROM login_failure_windows WHERE last_failure_at > now() - interval '1 minute'`,
      );
      expect(windows.rows[0].n).toBeGreaterThanOrEqual(4);
    });
  });
});

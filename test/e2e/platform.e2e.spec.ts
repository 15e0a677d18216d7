import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { JWT_AUDIENCE, JWT_ISSUER } from '../../src/auth/auth.types';
import { IS_PUBLIC } from '../../src/auth/public.decorator';
import { PLATFORM_AUTHORIZE } from '../../src/platform-clients/platform-token.guard';
import {
  PLATFORM_TOKEN_AUDIENCE,
  platformTokenKey,
} from '../../src/platform-clients/platform-token';
import { ADDITIVE_GROUPS } from '../../src/platform/statistics-vocabulary';
import { StatisticsPublicationService } from '../../src/statistics/statistics-publication.service';
import { createTestApp, TEST_JWT_SECRET, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  Method,
  TestCouncil,
  TestStaff,
  TestUser,
} from '../support/factories';
import { listRoutes } from '../support/routes';

interface Cell {
  dimension: string;
  value: string;
  count: number | null;
  suppressed: boolean;
}

/** A day in the council's calendar (Asia/Tokyo), `offset` days from today. */
const tokyoDay = (offset = 0): string =>
  new Date(Date.now() + 9 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);

/** The platform boundary (issue 8, DESIGN.md §3.6), end to end. */
describe('the platform boundary (e2e)', () => {
  let t: TestApp;
  let a: TestCouncil;
  let b: TestCouncil;
  let coordinatorA: TestStaff;
  let coordinatorB: TestStaff;
  let admin: TestUser;
  let client: { clientId: string; clientSecret: string };
  let platformToken: string;
  /** Every personal or case-identifying value the seed wrote: none may reach the platform. */
  const secrets: string[] = [];
  /** The month everything below is moved into once written (a closed month, then published). */
  const PERIOD = '2025-01';

  const as = actingAs(() => t);

  const statistics = (councilId: string, period = PERIOD, token = platformToken) =>
    request(t.server)
      .get('/api/platform/statistics')
      .query({ councilId, period })
      .set('Authorization', `Bearer ${token}`);

  /**
   * What the council wrote over the API today, moved to 15 January 2025 at the same time of day,
   * as if it had been registered then (a database administrator's rewrite, past the triggers).
   */
  async function backdate(councilId: string): Promise<void> {
    const db = await t.db.superuser.connect();
    const shift = `(date_trunc('day', now() AT TIME ZONE 'Asia/Tokyo') - timestamp '2025-01-15')`;
    const recent = (column: string) => `${column} > now() - interval '1 day'`;
    try {
      await db.query('BEGIN');
      await db.query('SET LOCAL session_replication_role = replica');
      for (const [table, columns] of [
        ['cases', ['created_at']],
        ['case_status_history', ['changed_at']],
        ['case_assignments', ['started_at', 'ended_at']],
        ['support_plans', ['created_at']],
        ['meetings', ['held_at']],
      ] as const) {
        for (const column of columns)
          await db.query(
            `UPDATE ${table} SET ${column} = ${column} - ${shift} WHERE council_id = $1 AND ${recent(column)}`,
            [councilId],
          );
      }
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    } finally {
      db.release();
    }
  }

  const cellsOf = (body: { cells: Cell[] }) =>
    Object.fromEntries(body.cells.map((c) => [`${c.dimension}/${c.value}`, c.count]));

  async function newCase(
    c: TestCouncil,
    coordinator: TestStaff,
    i: number,
    birthDate: string | null,
    concerns: string[],
  ): Promise<string> {
    const subject = {
      familyName: `秘匿姓${c.councilId.slice(0, 4)}${i}`,
      givenName: `秘匿名${i}`,
      familyNameKana: `ひとくせい${'ぁあぃいぅうぇえぉおか'.slice(0, (i % 10) + 1)}`,
      givenNameKana: `ひとくめい${'かがきぎくぐけげこご'.slice(0, (i % 10) + 1)}`,
      ...(birthDate ? { birthDate } : {}),
      address: `桜ヶ丘市秘密町${i}丁目${c.councilId.slice(0, 6)}`,
      phone: `090-55${String(i).padStart(2, '0')}-${c.councilId.slice(0, 4).replace(/\D/g, '7').padEnd(4, '7')}`,
    };
    const summary = `相談概要 ${c.councilId.slice(0, 8)} 第${i}件 内密`;
    const res = await as(coordinator, 'post', `/api/councils/${c.councilId}/cases`, {
      subject,
      summary,
      concerns,
    });
    expect(res.status).toBe(201);
    secrets.push(
      subject.familyName,
      subject.givenName,
      subject.familyNameKana,
      subject.givenNameKana,
      subject.address,
      subject.phone,
      summary,
      res.body.id,
      res.body.caseNumber,
    );
    if (birthDate) secrets.push(birthDate);
    const note = `支援記録 ${res.body.id.slice(0, 8)}: 本人と面談、秘密の内容`;
    const n = await as(
      coordinator,
      'post',
      `/api/councils/${c.councilId}/cases/${res.body.id}/notes`,
      {
        body: note,
      },
    );
    expect(n.status).toBe(201);
    secrets.push(note, n.body.id);
    return res.body.id as string;
  }

  async function body(c: TestCouncil, coordinator: TestStaff, name: string, kind: string) {
    const res = await as(coordinator, 'post', `/api/councils/${c.councilId}/member-bodies`, {
      name,
      kind,
      joinedOn: '2024-04-01',
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function lead(c: TestCouncil, coordinator: TestStaff, caseId: string, bodyId: string) {
    const res = await as(
      coordinator,
      'post',
      `/api/councils/${c.councilId}/cases/${caseId}/assignments`,
      {
        memberBodyId: bodyId,
        role: 'lead',
        scope: 'full',
        basis: 'statutory',
        basisNote: '法第16条に基づく情報提供 (秘密)',
      },
    );
    expect(res.status).toBe(201);
  }

  beforeAll(async () => {
    t = await createTestApp();
    a = await createCouncil(t, ['coordinator'], { publishNotice: true });
    b = await createCouncil(t, ['coordinator'], { publishNotice: true });
    [coordinatorA] = a.staff;
    [coordinatorB] = b.staff;
    admin = a.admin;
    const baseA = `/api/councils/${a.councilId}`;

    // Council A: 12 cases. Ages 7 × 65+, 3 × 40–64, 1 × 20–39, 1 unknown.
    const births = [
      '1941-02-03',
      '1943-04-05',
      '1945-06-07',
      '1947-08-09',
      '1949-10-11',
      '1951-12-13',
      '1953-01-14',
      '1966-03-15',
      '1972-05-16',
      '1979-07-17',
      '1996-09-18',
      null,
    ];
    const casesA: string[] = [];
    for (const [i, birth] of births.entries()) {
      const concerns = [
        'isolation',
        ...(i < 6 ? ['loneliness'] : []),
        ...(i === 11 ? ['poverty'] : []),
      ];
      casesA.push(await newCase(a, coordinatorA, i, birth, concerns));
    }
    const npo = await body(a, coordinatorA, 'NPO法人 秘密の灯', 'npo');
    const shakyo = await body(a, coordinatorA, '社会福祉協議会 秘密支所', 'social_welfare_council');
    for (const id of casesA.slice(0, 6)) await lead(a, coordinatorA, id, npo);
    for (const id of casesA.slice(6, 8)) await lead(a, coordinatorA, id, shakyo);
    // A consent with a note, plans for five cases, one closure (a case without a lead).
    const consent = await as(coordinatorA, 'post', `${baseA}/cases/${casesA[0]}/consents`, {
      memberBodyIds: [npo],
      method: 'written',
      obtainedOn: tokyoDay(-1),
      note: '同意書の原本は秘密の書庫',
    });
    expect(consent.status).toBe(201);
    secrets.push('同意書の原本は秘密の書庫', consent.body.id);
    for (const id of casesA.slice(0, 5)) {
      const plan = await as(coordinatorA, 'post', `${baseA}/cases/${id}/plans`, {
        goals: [{ text: '見守り計画 (秘密)' }],
        actions: [{ text: '訪問 (秘密)', memberBodyId: npo, dueOn: tokyoDay(7) }],
      });
      expect(plan.status).toBe(201);
      secrets.push(plan.body.id);
    }
    const closed = await as(coordinatorA, 'post', `${baseA}/cases/${casesA[11]}/close`, {
      reason: '転居のため終結 (秘密)',
    });
    expect(closed.status).toBe(200);
    // Meetings: five practitioners' meetings and a case conference in the period, one
    // representatives' meeting long before it.
    const now = new Date().toISOString();
    for (let i = 0; i < 5; i++) {
      const m = await as(coordinatorA, 'post', `${baseA}/meetings`, {
        tier: 'practitioners',
        title: `実務者会議 ${i}`,
        heldAt: now,
        caseIds: [],
        attendeeStaffIds: [coordinatorA.staffId],
      });
      expect(m.status).toBe(201);
    }
    const conference = await as(coordinatorA, 'post', `${baseA}/meetings`, {
      tier: 'case_conference',
      title: `${births.length}件目 秘匿姓さんの個別ケース検討会議`,
      heldAt: now,
      caseIds: [casesA[0]],
      attendeeStaffIds: [coordinatorA.staffId],
    });
    expect(conference.status).toBe(201);
    const minutes = '議事: 秘匿姓さんの家族関係について (秘密)';
    const put = await as(coordinatorA, 'put', `${baseA}/meetings/${conference.body.id}/minutes`, {
      body: minutes,
      decisions: [{ text: '訪問を継続 (秘密)', caseId: casesA[0] }],
      actionItems: [],
    });
    expect(put.status).toBe(200);
    secrets.push(conference.body.id, minutes);
    const old = await as(coordinatorA, 'post', `${baseA}/meetings`, {
      tier: 'representatives',
      title: '代表者会議',
      heldAt: '2024-05-01T10:00:00+09:00',
      caseIds: [],
      attendeeStaffIds: [coordinatorA.staffId],
    });
    expect(old.status).toBe(201);

    // Council B: five cases, all aged 65+, no lead, no plan.
    for (let i = 0; i < 5; i++) await newCase(b, coordinatorB, i, '1944-11-22', ['hikikomori']);

    // Registered "in January 2025", published after the month closed (as the job would).
    for (const c of [a, b]) {
      await backdate(c.councilId);
      await t.app.get(StatisticsPublicationService).publish(c.councilId, PERIOD, 'schedule');
    }
    // An empty quarter of 年度 2024 for council A (October to December 2024).
    await t.app.get(StatisticsPublicationService).publishPeriod(a.councilId, '2024-Q3');

    const created = await as(admin, 'post', '/api/platform/clients', {
      name: '官民連携プラットフォーム',
    });
    expect(created.status).toBe(201);
    client = { clientId: created.body.clientId, clientSecret: created.body.clientSecret };
    const token = await request(t.server).post('/api/auth/token').send(client);
    expect(token.status).toBe(200);
    platformToken = token.body.accessToken;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('platform clients', () => {
    it('lets a system admin register a client whose secret is shown once and stored only hashed', async () => {
      const res = await as(admin, 'post', '/api/platform/clients', { name: '集計連携' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        clientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        clientSecret: expect.stringMatching(/^pcs_[A-Za-z0-9_-]{43}$/),
        name: '集計連携',
        createdAt: expect.any(String),
        revokedAt: null,
      });
      const { rows } = await t.db.superuser.query(
        `SELECT secret_hash FROM platform_clients WHERE id = $1`,
        [res.body.clientId],
      );
      expect(rows[0].secret_hash).toMatch(/^\$argon2id\$/);
      expect(rows[0].secret_hash).not.toContain(res.body.clientSecret);
      const list = await as(admin, 'get', '/api/platform/clients');
      const listed = list.body.items.find(
        (c: { clientId: string }) => c.clientId === res.body.clientId,
      );
      expect(listed).toEqual({
        clientId: res.body.clientId,
        name: '集計連携',
        createdAt: res.body.createdAt,
        revokedAt: null,
      });
      const { rows: events } = await t.db.superuser.query(
        `SELECT user_id, outcome FROM security_events WHERE action = 'platform.client_create' AND platform_client_id = $1`,
        [res.body.clientId],
      );
      expect(events).toEqual([{ user_id: admin.id, outcome: 'allowed' }]);
    });

    it('refuses client registration to anyone but a system admin', async () => {
      expect((await as(coordinatorA, 'post', '/api/platform/clients', { name: 'x' })).status).toBe(
        403,
      );
      expect((await as(coordinatorA, 'get', '/api/platform/clients')).status).toBe(403);
      expect(
        (await request(t.server).post('/api/platform/clients').send({ name: 'x' })).status,
      ).toBe(401);
      expect((await as(admin, 'post', '/api/platform/clients', { name: '' })).status).toBe(400);
    });

    it('exchanges client credentials for a short-lived platform token, recorded in the security log', async () => {
      const res = await request(t.server).post('/api/auth/token').send(client);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
      });
      const claims = JSON.parse(
        Buffer.from(res.body.accessToken.split('.')[1], 'base64url').toString('utf8'),
      );
      expect(claims).toMatchObject({
        sub: client.clientId,
        typ: 'platform',
        aud: PLATFORM_TOKEN_AUDIENCE,
      });
      expect(claims.exp - claims.iat).toBe(900);
      const { rows } = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM security_events WHERE action = 'platform.token' AND outcome = 'allowed' AND platform_client_id = $1`,
        [client.clientId],
      );
      expect(rows[0].n).toBeGreaterThanOrEqual(2);
    });

    it('answers the same 401 for a wrong secret, an unknown client and a malformed id', async () => {
      const answers = [];
      for (const attempt of [
        { clientId: client.clientId, clientSecret: `${client.clientSecret}x` },
        { clientId: '00000000-0000-4000-8000-000000000000', clientSecret: client.clientSecret },
        { clientId: 'not-a-client', clientSecret: client.clientSecret },
      ]) {
        const res = await request(t.server).post('/api/auth/token').send(attempt);
        answers.push({ status: res.status, code: res.body.code, message: res.body.message });
      }
      expect(answers).toEqual(
        Array(3).fill({
          status: 401,
          code: 'INVALID_CREDENTIALS',
          message: 'Invalid client id or secret',
        }),
      );
      const { rows } = await t.db.superuser.query(
        `SELECT reason FROM security_events WHERE action = 'platform.token' AND outcome = 'denied' ORDER BY id`,
      );
      expect(rows.map((r) => r.reason)).toEqual(['wrong_secret', 'unknown_client']);
      expect((await request(t.server).post('/api/auth/token').send({})).status).toBe(400);
    });

    it('ends a revoked client’s tokens at once', async () => {
      const created = await as(admin, 'post', '/api/platform/clients', { name: 'short-lived' });
      const credentials = {
        clientId: created.body.clientId,
        clientSecret: created.body.clientSecret,
      };
      const token = (await request(t.server).post('/api/auth/token').send(credentials)).body
        .accessToken as string;
      expect((await statistics(a.councilId, PERIOD, token)).status).toBe(200);
      const revoked = await as(
        admin,
        'post',
        `/api/platform/clients/${created.body.clientId}/revoke`,
      );
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).toEqual(expect.any(String));
      expect((await statistics(a.councilId, PERIOD, token)).status).toBe(401);
      expect((await request(t.server).post('/api/auth/token').send(credentials)).status).toBe(401);
      expect(
        (await as(admin, 'post', `/api/platform/clients/${created.body.clientId}/revoke`)).body
          .revokedAt,
      ).toBe(revoked.body.revokedAt);
      expect(
        (
          await as(
            admin,
            'post',
            `/api/platform/clients/00000000-0000-4000-8000-000000000000/revoke`,
          )
        ).status,
      ).toBe(404);
    });
  });

  describe('statistics', () => {
    it('answers a council’s published month, small counts suppressed', async () => {
      const res = await statistics(a.councilId);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        councilId: a.councilId,
        period: { id: PERIOD, kind: 'month', from: '2025-01-01', to: '2025-01-31' },
        k: 5,
        publishedAt: expect.any(String),
      });
      expect(cellsOf(res.body)).toEqual({
        'cases_opened/all': 12,
        'cases_closed/all': null, // 1
        'cases_open/all': 11,
        'concern/isolation': 12,
        'concern/loneliness': 6,
        'concern/poverty': null, // 1
        'concern/housing': null,
        'concern/employment': null,
        'concern/health': null,
        'concern/mental_health': null,
        'concern/disability': null,
        'concern/caregiving': null,
        'concern/child_rearing': null,
        'concern/abuse_violence': null,
        'concern/hikikomori': null,
        'concern/other': null,
        'age_band/under_20': null,
        'age_band/20_39': null, // 1
        'age_band/40_64': null, // 3
        'age_band/65_plus': 7,
        'age_band/unknown': null, // 1
        'lead_body_kind/municipality': null,
        'lead_body_kind/social_welfare_council': null, // 2
        'lead_body_kind/npo': 6,
        'lead_body_kind/public_health': null,
        'lead_body_kind/welfare_commissioner': null,
        'lead_body_kind/medical': null,
        'lead_body_kind/housing': null,
        'lead_body_kind/employment': null,
        'lead_body_kind/education': null,
        'lead_body_kind/police': null,
        'lead_body_kind/other': null,
        'lead_body_kind/none': null, // 3
        'meetings_by_tier/representatives': null, // 0 in the period
        'meetings_by_tier/practitioners': 5,
        'meetings_by_tier/case_conference': null, // 1
        'median_days_to_first_plan/days': 0, // five plans, made the day the cases were registered
      });
      for (const c of res.body.cells as Cell[]) expect(c.suppressed).toBe(c.count === null);
    });

    it('suppresses a further cell when the suppressed ones could be recovered from a total', async () => {
      // Council B: five cases, all 65+ and without a lead. Showing 65+ = 5 would tell that the
      // four suppressed bands are all 0 (5 − 5), so 65+ is withheld too.
      const res = await statistics(b.councilId);
      expect(res.status).toBe(200);
      const cells = cellsOf(res.body);
      expect(cells['cases_opened/all']).toBe(5);
      expect(cells['cases_open/all']).toBe(5);
      expect(cells['concern/hikikomori']).toBe(5);
      for (const band of ['under_20', '20_39', '40_64', '65_plus', 'unknown'])
        expect(cells[`age_band/${band}`]).toBeNull();
      expect(cells['lead_body_kind/none']).toBeNull();
      expect(cells['median_days_to_first_plan/days']).toBeNull(); // no plan at all
    });

    it('never leaves a small or suppressed count recoverable, whatever the council or period', async () => {
      const responses = [
        await statistics(a.councilId),
        await statistics(b.councilId),
        await statistics(a.councilId, '2024-Q3'),
      ];
      for (const res of responses) {
        expect(res.status).toBe(200);
        const cells = res.body.cells as Cell[];
        expect(
          cells.filter(
            (c) => c.count !== null && c.count < 5 && c.dimension !== 'median_days_to_first_plan',
          ),
        ).toEqual([]);
        for (const g of ADDITIVE_GROUPS) {
          const total = cells.find(
            (c) => c.dimension === g.total.dimension && c.value === g.total.value,
          )!;
          const members = cells.filter((c) => c.dimension === g.dimension);
          const hidden = members.filter((m) => m.suppressed);
          if (total.count === null) {
            expect(hidden).toHaveLength(members.length);
            continue;
          }
          const residual = total.count - members.reduce((s, m) => s + (m.count ?? 0), 0);
          expect(hidden.length === 1).toBe(false);
          if (hidden.length > 0) expect(residual).toBeGreaterThan(0);
        }
      }
      // A quarter without cases: every count is suppressed, the total too.
      expect(
        (responses[2].body.cells as Cell[]).every((c) => c.suppressed && c.count === null),
      ).toBe(true);
    });

    it('gives no response of the platform anything personal: no name, kana, birth date, address, phone, note, case id or number', async () => {
      expect(secrets.length).toBeGreaterThan(150);
      const responses = [
        await statistics(a.councilId),
        await statistics(b.councilId),
        await statistics(a.councilId, '2024-Q3'),
        await request(t.server).post('/api/auth/token').send(client),
        await request(t.server)
          .get('/api/public/councils')
          .set('Authorization', `Bearer ${platformToken}`),
        await as(admin, 'post', '/api/platform/clients', { name: 'scan' }),
        await as(admin, 'get', '/api/platform/clients'),
        await statistics(a.councilId, tokyoDay(0).slice(0, 7)),
        await statistics('00000000-0000-4000-8000-000000000000'),
      ];
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 201, 200, 400, 404]);
      for (const res of responses) {
        const text = `${JSON.stringify(res.headers)}\n${res.text}`;
        const leaked = secrets.filter((s) => text.includes(s));
        expect(leaked).toEqual([]);
      }
    });

    it.each([
      ['a day', '2025-01-15'],
      ['a range', '2025-01-01/2025-01-31'],
      ['the month still open', tokyoDay(0).slice(0, 7)],
      ['a future month', '2030-01'],
      ['the open quarter', 'open-quarter'],
      ['a closed but unpublished month', '2024-09'],
      ['a year with unpublished months', 'FY2024'],
      ['nothing', ''],
    ])('refuses %s as a period (400)', async (_what, period) => {
      const month = Number(tokyoDay(0).slice(5, 7));
      const fiscal = Number(tokyoDay(0).slice(0, 4)) - (month < 4 ? 1 : 0);
      const asked =
        period === 'open-quarter' ? `${fiscal}-Q${Math.floor(((month + 8) % 12) / 3) + 1}` : period;

      const sut = await statistics(a.councilId, asked);

      expect(sut.status).toBe(400);
      expect(['PERIOD_NOT_PUBLISHED', 'VALIDATION_FAILED']).toContain(sut.body.code);
    });

    it('refuses malformed input and unknown councils, and the v1 from/to parameters', async () => {
      expect((await statistics('not-a-council')).status).toBe(400);
      const unknown = await statistics('00000000-0000-4000-8000-000000000000');
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('NOT_FOUND');
      for (const query of [
        { councilId: a.councilId, period: PERIOD, caseId: a.councilId },
        { councilId: a.councilId, from: '2025-01-01', to: '2025-01-31' },
        { councilId: a.councilId },
      ]) {
        const res = await request(t.server)
          .get('/api/platform/statistics')
          .query(query)
          .set('Authorization', `Bearer ${platformToken}`);
        expect(res.status).toBe(400);
      }
    });

    it('answers the same bytes for a published month after a late registration and a correction in it', async () => {
      const before = await statistics(a.councilId);
      const live = async () =>
        (await as(coordinatorA, 'get', `/api/councils/${a.councilId}/statistics?period=${PERIOD}`))
          .body.figures as { dimension: string; value: string; count: number }[];
      const liveBefore = await live();
      // A registration entered late, dated into January; and a January case corrected.
      await newCase(a, coordinatorA, 90, '1990-06-01', ['abuse_violence', 'mental_health']);
      await backdate(a.councilId);
      const january = (
        await as(coordinatorA, 'get', `/api/councils/${a.councilId}/cases?status=open`)
      ).body.items as { id: string }[];
      const corrected = await as(
        coordinatorA,
        'patch',
        `/api/councils/${a.councilId}/cases/${january[0].id}`,
        { concerns: ['isolation', 'abuse_violence'] },
      );
      expect(corrected.status).toBe(200);

      const after = await statistics(a.councilId);

      expect(after.status).toBe(200);
      expect(after.text).toBe(before.text);
      // The council's own figures did change: the snapshot simply is not recomputed.
      const opened = (f: { dimension: string; count: number }[]) =>
        f.find((x) => x.dimension === 'cases_opened')!.count;
      expect(opened(await live())).toBe(opened(liveBefore) + 1);
    });

    it('records every read of a council’s statistics in its audit log, refused ones too', async () => {
      const { rows: before } = await t.db.superuser.query<{ seq: string }>(
        `SELECT max(seq)::text AS seq FROM audit_events WHERE council_id = $1`,
        [a.councilId],
      );
      expect((await statistics(a.councilId)).status).toBe(200);
      expect((await statistics(a.councilId, '2030-01')).status).toBe(400);

      const { rows } = await t.db.superuser.query(
        `SELECT action, outcome, actor_user_id AS "actorUserId", actor_role AS "actorRole",
                resource_type AS "resourceType", resource_id AS "resourceId", reason
           FROM audit_events WHERE council_id = $1 AND seq > $2 ORDER BY seq`,
        [a.councilId, before[0].seq],
      );
      const read = {
        action: 'statistics.read',
        actorUserId: null,
        actorRole: 'platform_client',
        resourceType: 'platform_client',
        resourceId: client.clientId,
      };
      expect(rows).toEqual([
        { ...read, outcome: 'allowed', reason: `period=${PERIOD}` },
        { ...read, outcome: 'denied', reason: 'period=2030-01 not_published' },
      ]);
    });
  });

  describe('tokens', () => {
    it('refuses user access tokens at the statistics, even a system admin’s or a coordinator’s', async () => {
      for (const user of [coordinatorA, admin]) {
        const res = await as(
          user,
          'get',
          `/api/platform/statistics?councilId=${a.councilId}&period=${PERIOD}`,
        );
        expect(res.status).toBe(401);
      }
      expect(
        (
          await request(t.server)
            .get('/api/platform/statistics')
            .query({ councilId: a.councilId, period: PERIOD })
        ).status,
      ).toBe(401);
    });

    it('refuses tokens that only look like platform tokens', async () => {
      const jwt = new JwtService({});
      const forged = [
        // platform claims, signed with the users' key
        await jwt.signAsync(
          { sub: client.clientId, typ: 'platform' },
          {
            secret: TEST_JWT_SECRET,
            issuer: JWT_ISSUER,
            audience: PLATFORM_TOKEN_AUDIENCE,
            expiresIn: 60,
          },
        ),
        // the platform key, but a user's audience
        await jwt.signAsync(
          { sub: client.clientId, typ: 'platform' },
          {
            secret: platformTokenKey(TEST_JWT_SECRET),
            issuer: JWT_ISSUER,
            audience: JWT_AUDIENCE,
            expiresIn: 60,
          },
        ),
        // the platform key, but another kind of token
        await jwt.signAsync(
          { sub: client.clientId, typ: 'access' },
          {
            secret: platformTokenKey(TEST_JWT_SECRET),
            issuer: JWT_ISSUER,
            audience: PLATFORM_TOKEN_AUDIENCE,
            expiresIn: 60,
          },
        ),
        // expired
        await jwt.signAsync(
          { sub: client.clientId, typ: 'platform', exp: Math.floor(Date.now() / 1000) - 10 },
          {
            secret: platformTokenKey(TEST_JWT_SECRET),
            issuer: JWT_ISSUER,
            audience: PLATFORM_TOKEN_AUDIENCE,
          },
        ),
      ];
      for (const token of forged)
        expect((await statistics(a.councilId, PERIOD, token)).status).toBe(401);
    });

    it('gets a platform token refused (401/403/404) by every endpoint but the statistics and the public notice', async () => {
      const routes = listRoutes(t);
      const platformRoutes = routes.filter((r) =>
        Reflect.getMetadata(PLATFORM_AUTHORIZE, r.handler),
      );
      expect(platformRoutes.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /platform/statistics',
      ]);
      const guarded = routes.filter(
        (r) =>
          !Reflect.getMetadata(IS_PUBLIC, r.handler) &&
          !Reflect.getMetadata(IS_PUBLIC, r.controller),
      );
      expect(guarded.length).toBeGreaterThan(50);
      const answers: string[] = [];
      for (const r of guarded) {
        // Real ids where a route names them, so a refusal is not just an unknown id.
        const path = `/api${r.path}`
          .replace(':councilId', a.councilId)
          .replace(':clientId', client.clientId)
          .replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
        const res = await request(t.server)
          [r.method.toLowerCase() as Method](path)
          .set('Authorization', `Bearer ${platformToken}`)
          .send({});
        if (![401, 403, 404].includes(res.status))
          answers.push(`${r.method} ${r.path}: ${res.status}`);
      }
      expect(answers).toEqual([]);
      const notice = await request(t.server)
        .get('/api/public/councils')
        .set('Authorization', `Bearer ${platformToken}`);
      expect(notice.status).toBe(200);
      expect(notice.body.items.map((c: { id: string }) => c.id)).toEqual(
        expect.arrayContaining([a.councilId, b.councilId]),
      );
      expect((await statistics(a.councilId)).status).toBe(200);
    });
  });
});

import { Workbook, Worksheet } from 'exceljs';
import request from '../support/http';
import { binaryBody } from '../support/files';
import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  login,
  memberBodyWithStaff,
  TestCouncil,
  TestStaff,
} from '../support/factories';

/**
 * Reports (issue 18 item 4, time zone item 5): the annual activity report by 年度 and the case
 * ledger 進行管理台帳, as JSON and XLSX (opened back with ExcelJS, cell by cell), for
 * coordinators only, audited; 年度 boundaries in the council's time zone.
 *
 * The fixtures are made through the API, then moved into 2024年度 by a database administrator
 * (timestamps only), so the figures do not depend on today's date.
 */
describe('reports (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let other: TestCouncil;
  let coordinator: TestStaff;
  let auditor: TestStaff;
  let agency: TestStaff;
  const ids: Record<string, string> = {};
  const numbers: Record<string, string> = {};

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;

  async function ok(user: TestStaff, method: 'get' | 'post' | 'put', path: string, body?: object) {
    const res = await as(user, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body as Record<string, unknown> & { id: string };
  }

  /** As a database administrator, with triggers off (append-only tables): fixtures only. */
  async function admin(sql: string, values: unknown[]): Promise<void> {
    const client = await t.db.superuser.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL session_replication_role = replica`);
      await client.query(sql, values);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }

  async function xlsx(user: TestStaff, path: string) {
    const token = (await login(t, user)).accessToken;
    const res = await request(t.server)
      .get(path)
      .set('Authorization', `Bearer ${token}`)
      .buffer(true)
      .parse(binaryBody);
    return res;
  }

  async function sheet(body: Buffer): Promise<Worksheet> {
    const wb = new Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    return wb.worksheets[0];
  }

  const row = (ws: Worksheet, n: number): unknown[] => (ws.getRow(n).values as unknown[]).slice(1);

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator', 'auditor']);
    other = await createCouncil(t, ['coordinator']);
    [coordinator, auditor] = c.staff;
    agency = await memberBodyWithStaff(t, c.councilId, coordinator, 'NPO');
    const newCase = async (key: string, concerns: string[], reviewDueOn?: string) => {
      const made = await ok(coordinator, 'post', `${base()}/cases`, {
        subject: { familyName: '報告', givenName: key },
        summary: 'summary text',
        concerns,
        ...(reviewDueOn ? { reviewDueOn } : {}),
      });
      ids[key] = made.id;
      numbers[key] = made.caseNumber as string;
    };
    await newCase('closed', ['isolation', 'health']);
    await newCase('open', ['isolation'], '2030-01-15');
    await newCase('boundary', ['poverty']);

    // The closed case: consent, lead assignment, a note, a case conference, a request, then
    // the consent withdrawn and the case closed.
    const consent = await ok(coordinator, 'post', `${base()}/cases/${ids.closed}/consents`, {
      memberBodyIds: [agency.memberBodyId],
      method: 'written',
      obtainedOn: '2024-04-15',
    });
    await ok(coordinator, 'post', `${base()}/cases/${ids.closed}/assignments`, {
      memberBodyId: agency.memberBodyId,
      role: 'lead',
      scope: 'full',
      basis: 'consent',
    });
    const note1 = await ok(coordinator, 'post', `${base()}/cases/${ids.closed}/notes`, {
      body: 'first contact',
    });
    const meeting = await ok(coordinator, 'post', `${base()}/meetings`, {
      tier: 'case_conference',
      title: 'ケース検討',
      heldAt: '2024-07-01T14:00:00+09:00',
      caseIds: [ids.closed],
      attendeeStaffIds: [coordinator.staffId],
    });
    ids.meeting = meeting.id;
    const req = await ok(coordinator, 'post', `${base()}/cases/${ids.closed}/info-requests`, {
      memberBodyId: agency.memberBodyId,
      question: 'q',
      dueOn: '2030-01-01',
    });
    await ok(coordinator, 'post', `${base()}/cases/${ids.closed}/consents/${consent.id}/withdraw`, {
      withdrawnOn: '2024-08-01',
    });
    await ok(coordinator, 'post', `${base()}/cases/${ids.closed}/close`, { reason: 'done' });
    // The open case: a statutory lead and a note the next day.
    await ok(coordinator, 'post', `${base()}/cases/${ids.open}/assignments`, {
      memberBodyId: agency.memberBodyId,
      role: 'lead',
      scope: 'limited',
      basis: 'statutory',
      basisNote: '法令に基づく',
    });
    const note2 = await ok(coordinator, 'post', `${base()}/cases/${ids.open}/notes`, {
      body: 'second',
    });

    // Into 2024年度 (Tokyo): opened 10:00 JST, first note three days later; one day later.
    await admin(`UPDATE cases SET created_at = $2 WHERE id = $1`, [
      ids.closed,
      '2024-05-10T01:00:00Z',
    ]);
    await admin(`UPDATE case_notes SET created_at = $2 WHERE id = $1`, [
      note1.id,
      '2024-05-13T02:00:00Z',
    ]);
    await admin(`UPDATE case_assignments SET started_at = $2 WHERE case_id = $1`, [
      ids.closed,
      '2024-05-11T00:00:00Z',
    ]);
    await admin(
      `UPDATE info_requests SET created_at = $2, answer = 'a', answered_at = $3 WHERE id = $1`,
      [req.id, '2024-07-10T00:00:00Z', '2024-07-12T00:00:00Z'],
    );
    await admin(
      `UPDATE case_status_history SET changed_at = $2 WHERE case_id = $1 AND status = 'closed'`,
      [ids.closed, '2024-09-01T03:00:00Z'],
    );
    await admin(`UPDATE cases SET closed_at = $2 WHERE id = $1`, [
      ids.closed,
      '2024-09-01T03:00:00Z',
    ]);
    await admin(`UPDATE cases SET created_at = $2 WHERE id = $1`, [
      ids.open,
      '2024-06-01T01:00:00Z',
    ]);
    await admin(`UPDATE case_assignments SET started_at = $2 WHERE case_id = $1`, [
      ids.open,
      '2024-06-01T02:00:00Z',
    ]);
    await admin(`UPDATE case_notes SET created_at = $2 WHERE id = $1`, [
      note2.id,
      '2024-06-02T01:00:00Z',
    ]);
    // 2025-03-31T15:30Z is April 1st, 00:30 in Tokyo: 2025年度 there, 2024年度 in UTC.
    await admin(`UPDATE cases SET created_at = $2 WHERE id = $1`, [
      ids.boundary,
      '2025-03-31T15:30:00Z',
    ]);
  }, 120_000);

  afterAll(() => t.close());

  describe('annual report', () => {
    it('counts the year’s cases, meetings, requests, first contacts and withdrawals', async () => {
      const sut = await ok(coordinator, 'get', `${base()}/reports/annual?fiscalYear=2024`);
      expect(sut).toEqual({
        fiscalYear: 2024,
        fiscalYearWareki: '令和6年度',
        from: '2024-04-01',
        to: '2025-03-31',
        timeZone: 'Asia/Tokyo',
        casesOpened: 2,
        casesClosed: 1,
        casesOpenAtYearEnd: 1,
        casesOpenedByConcern: [
          { key: 'health', count: 1 },
          { key: 'isolation', count: 2 },
        ],
        casesSupportedByMemberBodyKind: [{ key: 'npo', count: 2 }],
        meetingsHeldByTier: [{ key: 'case_conference', count: 1 }],
        infoRequestsMade: 1,
        infoRequestsAnswered: 1,
        averageDaysToFirstContact: 2,
        casesWithFirstContact: 2,
        firstContactBasis: 'first_note',
        consentsWithdrawn: 1,
      });
    });

    it('puts a case opened at 00:30 on April 1st in Tokyo (15:30 UTC the day before) in the new 年度', async () => {
      const sut = await ok(coordinator, 'get', `${base()}/reports/annual?fiscalYear=2025`);
      expect(sut.casesOpened).toBe(1);
      expect(sut.casesOpenedByConcern).toEqual([{ key: 'poverty', count: 1 }]);
      expect(sut.fiscalYearWareki).toBe('令和7年度');
    });

    it('follows the council’s own time zone: in UTC the same case falls in the old 年度', async () => {
      // The other council stays in Tokyo; this one moves to UTC and back.
      await ok(coordinator, 'put', `${base()}/time-zone`, { timeZone: 'UTC' });
      try {
        const old = await ok(coordinator, 'get', `${base()}/reports/annual?fiscalYear=2024`);
        const next = await ok(coordinator, 'get', `${base()}/reports/annual?fiscalYear=2025`);
        expect([old.timeZone, old.casesOpened, next.casesOpened]).toEqual(['UTC', 3, 0]);
      } finally {
        await ok(coordinator, 'put', `${base()}/time-zone`, { timeZone: null });
      }
    });

    it('is audited as report.annual, without case ids', async () => {
      await ok(coordinator, 'get', `${base()}/reports/annual?fiscalYear=2023`);
      const { rows } = await t.db.superuser.query<{
        reason: string;
        resource_ids: string[] | null;
      }>(
        `SELECT reason, resource_ids FROM audit_events
          WHERE council_id = $1 AND action = 'report.annual' AND outcome = 'allowed' ORDER BY seq DESC LIMIT 1`,
        [c.councilId],
      );
      expect(rows[0]).toEqual({ reason: 'fiscal_year=2023 format=json', resource_ids: null });
    });

    it('refuses a fiscal year that is not a year with 400 and a code', async () => {
      const sut = await as(coordinator, 'get', `${base()}/reports/annual?fiscalYear=20x4`);
      expect([sut.status, sut.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('opens back from XLSX with Japanese headers and 和暦, cell by cell', async () => {
      const res = await xlsx(coordinator, `${base()}/reports/annual/xlsx?fiscalYear=2024`);
      expect(res.status).toBe(200);
      const sut = await sheet(res.body as Buffer);
      expect(sut.name).toBe('年度活動報告');
      expect(row(sut, 1)).toEqual(['年度', '令和6年度', '2024']);
      expect(row(sut, 2)).toEqual(['期間（開始）', '令和6年4月1日', '2024-04-01']);
      expect(row(sut, 3)).toEqual(['期間（終了）', '令和7年3月31日', '2025-03-31']);
      expect(row(sut, 6)).toEqual(['項目', '件数']);
      expect(row(sut, 7)).toEqual(['新規ケース数', 2]);
      expect(row(sut, 8)).toEqual(['終結ケース数', 1]);
      expect(row(sut, 9)).toEqual(['年度末時点の対応中ケース数', 1]);
      expect(row(sut, 12)).toEqual(['初回接触までの平均日数（初回記録まで）', 2]);
      expect(row(sut, 14)).toEqual(['同意撤回数', 1]);
      expect(row(sut, 16)).toEqual(['課題別 新規ケース数']);
      expect(row(sut, 17)).toEqual(['課題', '件数', 'コード']);
      expect(row(sut, 18)).toEqual(['健康', 1, 'health']);
      expect(row(sut, 19)).toEqual(['孤立', 2, 'isolation']);
    });
  });

  describe('case ledger', () => {
    it('lists every case with status, lead body, last and next review', async () => {
      const sut = await ok(coordinator, 'get', `${base()}/reports/ledger?status=all`);
      const items = sut.items as Record<string, unknown>[];
      expect(items.map((i) => i.caseId)).toEqual(
        [ids.closed, ids.open, ids.boundary].sort((a, b) =>
          numbers[key(a)].localeCompare(numbers[key(b)]),
        ),
      );
      expect(items.find((i) => i.caseId === ids.closed)).toEqual({
        caseId: ids.closed,
        caseNumber: numbers.closed,
        status: 'closed',
        openedOn: '2024-05-10',
        closedOn: '2024-09-01',
        // Closing ended the assignment: no current lead.
        leadBodyName: null,
        lastReviewOn: '2024-07-01',
        nextReviewOn: null,
      });
      expect(items.find((i) => i.caseId === ids.open)).toMatchObject({
        status: 'open',
        openedOn: '2024-06-01',
        leadBodyName: expect.stringMatching(/^NPO /),
        lastReviewOn: null,
        nextReviewOn: '2030-01-15',
      });
    });

    it('defaults to open cases', async () => {
      const sut = await ok(coordinator, 'get', `${base()}/reports/ledger`);
      expect((sut.items as { caseId: string }[]).map((i) => i.caseId).sort()).toEqual(
        [ids.open, ids.boundary].sort(),
      );
    });

    it('records the case ids the export contains', async () => {
      const res = await xlsx(coordinator, `${base()}/reports/ledger/xlsx?status=all`);
      expect(res.status).toBe(200);
      const { rows } = await t.db.superuser.query<{ resource_ids: string[] }>(
        `SELECT resource_ids FROM audit_events
          WHERE council_id = $1 AND action = 'report.ledger' AND outcome = 'allowed' ORDER BY seq DESC LIMIT 1`,
        [c.councilId],
      );
      expect([...rows[0].resource_ids].sort()).toEqual([ids.closed, ids.open, ids.boundary].sort());
    });

    it('is a download, never rendered inline', async () => {
      const sut = await xlsx(coordinator, `${base()}/reports/ledger/xlsx`);
      expect(sut.headers['content-type']).toBe(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      expect(sut.headers['content-disposition']).toMatch(/^attachment; filename="case-ledger-/);
      expect(sut.headers['x-content-type-options']).toBe('nosniff');
    });

    it('opens back from XLSX with Japanese headers and 和暦 beside ISO dates, cell by cell', async () => {
      const res = await xlsx(coordinator, `${base()}/reports/ledger/xlsx?status=all`);
      const sut = await sheet(res.body as Buffer);
      expect(sut.name).toBe('進行管理台帳');
      expect(row(sut, 2)).toEqual([
        'ケース番号',
        '状況',
        '受付日',
        '受付日（和暦）',
        '終結日',
        '終結日（和暦）',
        '主担当機関',
        '前回検討日',
        '前回検討日（和暦）',
        '次回見直し日',
        '次回見直し日（和暦）',
      ]);
      const closed = [3, 4, 5].map((n) => row(sut, n)).find((r) => r[0] === numbers.closed);
      // ExcelJS leaves empty cells out of `values` (undefined at their index).
      expect(closed).toEqual([
        numbers.closed,
        '終結',
        '2024-05-10',
        '令和6年5月10日',
        '2024-09-01',
        '令和6年9月1日',
        undefined,
        '2024-07-01',
        '令和6年7月1日',
      ]);
      const open = [3, 4, 5].map((n) => row(sut, n)).find((r) => r[0] === numbers.open);
      expect(open?.slice(9)).toEqual(['2030-01-15', '令和12年1月15日']);
    });
  });

  describe('who may', () => {
    it('refuses an auditor with 403', async () => {
      const sut = await as(auditor, 'get', `${base()}/reports/ledger`);
      expect([sut.status, sut.body.code]).toEqual([403, 'FORBIDDEN']);
    });

    it('refuses agency staff with 403, XLSX included', async () => {
      const sut = await xlsx(agency, `${base()}/reports/ledger/xlsx`);
      expect(sut.status).toBe(403);
    });

    it('answers 404 to a coordinator of another council', async () => {
      const sut = await as(other.staff[0], 'get', `${base()}/reports/annual?fiscalYear=2024`);
      expect(sut.status).toBe(404);
    });
  });

  describe('council time zone', () => {
    it('refuses a zone PostgreSQL does not know with 400 UNKNOWN_TIME_ZONE', async () => {
      const sut = await as(coordinator, 'put', `${base()}/time-zone`, { timeZone: 'Asia/Tokio' });
      expect([sut.status, sut.body.code]).toEqual([400, 'UNKNOWN_TIME_ZONE']);
    });

    it('answers the zone in force and today there', async () => {
      const sut = await ok(coordinator, 'get', `${base()}/time-zone`);
      const { rows } = await t.db.superuser.query<{ d: string }>(
        `SELECT (now() AT TIME ZONE 'Asia/Tokyo')::date::text AS d`,
      );
      expect(sut).toEqual({ timeZone: null, effective: 'Asia/Tokyo', today: rows[0].d });
    });

    it('is refused to agency staff with 403', async () => {
      const sut = await as(agency, 'put', `${base()}/time-zone`, { timeZone: 'UTC' });
      expect(sut.status).toBe(403);
    });
  });

  const key = (id: string) => Object.keys(ids).find((k) => ids[k] === id)!;
});

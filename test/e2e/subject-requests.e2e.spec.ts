import { randomBytes } from 'node:crypto';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil, TestCouncil, TestStaff } from '../support/factories';

// Several councils' worth of HTTP calls per test: generous under a loaded machine (docs/testing.md).
jest.setTimeout(90_000);

/**
 * A person's requests about their own data (APPI; issue 19 item 5): the statutory deadline,
 * extensions and decisions with reasons, the disclosure package, overdue requests in the
 * worklist. Deadlines are counted as documented in src/subject-requests/deadline.ts.
 */
describe('subject requests (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let agency: TestStaff;
  let caseId: string;
  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}/cases/${caseId}/subject-requests`;
  const noteText = `本人来庁-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator', 'agency_staff']);
    [coordinator, agency] = c.staff;
    const created = await as(coordinator, 'post', `/api/councils/${c.councilId}/cases`, {
      subject: { familyName: '請求', givenName: '花子' },
      summary: '見守り',
      concerns: ['health'],
      sensitive: { diagnosis: '通院中' },
    });
    caseId = created.body.id;
    await as(coordinator, 'post', `/api/councils/${c.councilId}/cases/${caseId}/notes`, {
      body: '訪問記録',
    });
  }, 120_000);
  afterAll(() => t.close());

  it('computes a municipality’s deadline: 30 days, past 年末年始 and the weekend after it', async () => {
    // Received 2025-11-28: day 30 is Sunday 2025-12-28; 12/29–1/3 closed; 2026-01-04 is a Sunday.
    const sut = await as(coordinator, 'post', base(), {
      kind: 'disclosure',
      receivedOn: '2025-11-28',
      channel: 'in_person',
      note: noteText,
      controller: 'municipality',
    });
    expect(sut.status).toBe(201);
    expect(sut.body).toMatchObject({
      kind: 'disclosure',
      deadlineOn: '2026-01-05',
      deadlineRule: 'days_30',
      status: 'received',
      note: noteText,
      overdue: true,
    });
  });

  it('shows "without delay" for a private member body, with no date', async () => {
    const sut = await as(coordinator, 'post', base(), {
      kind: 'correction',
      receivedOn: '2026-11-02',
      channel: 'mail',
      controller: 'member_body',
    });
    expect(sut.status).toBe(201);
    expect(sut.body).toMatchObject({ deadlineOn: null, deadlineRule: 'without_delay' });
  });

  it('refuses bad input with 400 and agency staff with 403, creating nothing', async () => {
    for (const body of [
      { kind: 'erase', receivedOn: '2026-11-02', channel: 'mail', controller: 'municipality' },
      { kind: 'deletion', receivedOn: '2099-01-01', channel: 'mail', controller: 'municipality' },
      {
        kind: 'deletion',
        receivedOn: '2026-11-02',
        channel: 'mail',
        controller: 'municipality',
        x: 1,
      },
    ]) {
      const res = await as(coordinator, 'post', base(), body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    const res = await as(agency, 'post', base(), {
      kind: 'deletion',
      receivedOn: '2026-11-02',
      channel: 'mail',
      controller: 'municipality',
    });
    expect(res.status).toBe(403);
    const list = await as(coordinator, 'get', base());
    expect(list.body.items).toHaveLength(2);
  });

  it('keeps the note sealed at rest', async () => {
    const { rows } = await t.db.superuser.query(
      `SELECT encode(note_sealed, 'escape') AS raw FROM subject_requests WHERE case_id = $1 AND note_sealed IS NOT NULL`,
      [caseId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].raw).not.toContain(noteText);
  });

  it('lists an overdue request in the coordinator’s worklist until it is decided', async () => {
    const created = await as(coordinator, 'post', base(), {
      kind: 'stop_use',
      receivedOn: '2025-06-02',
      channel: 'phone',
      controller: 'municipality',
    });
    const id = created.body.id as string;
    const worklist = () =>
      as(coordinator, 'get', `/api/councils/${c.councilId}/worklist?kind=subject_request_overdue`);
    expect((await worklist()).body.items.map((i: { refId: string }) => i.refId)).toContain(id);

    const tooLate = await as(coordinator, 'post', `${base()}/${id}/extend`, {
      until: '2025-12-31',
      reason: '調査に時間を要する',
    });
    expect(tooLate.status).toBe(400);
    const extended = await as(coordinator, 'post', `${base()}/${id}/extend`, {
      until: '2025-08-01',
      reason: '調査に時間を要する',
    });
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({ status: 'extended', extendedUntil: '2025-08-01' });

    const decided = await as(coordinator, 'post', `${base()}/${id}/decide`, {
      decision: 'granted',
      decidedOn: '2025-07-15',
      reason: '利用を停止した',
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      status: 'decided',
      decision: 'granted',
      decisionReason: '利用を停止した',
      overdue: false,
    });
    const again = await as(coordinator, 'post', `${base()}/${id}/decide`, {
      decision: 'refused',
      decidedOn: '2025-07-16',
      reason: 'x',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('REQUEST_DECIDED');
    expect((await worklist()).body.items.map((i: { refId: string }) => i.refId)).not.toContain(id);
  });

  it('exports a disclosure package for the coordinator, recorded with the case id', async () => {
    const list = await as(coordinator, 'get', base());
    const disclosure = list.body.items.find((r: { kind: string }) => r.kind === 'disclosure');
    const sut = await as(coordinator, 'get', `${base()}/${disclosure.id}/package`);
    expect(sut.status).toBe(200);
    expect(sut.body.case).toMatchObject({ id: caseId, sensitive: { diagnosis: '通院中' } });
    expect(sut.body.notes.map((n: { body: string }) => n.body)).toEqual(['訪問記録']);
    expect(sut.body.redactionReview).toEqual(
      expect.arrayContaining([
        { path: 'notes[0].body', reason: 'free_text_may_name_third_parties' },
        { path: 'case.sensitive', reason: 'sensitive_review_before_release' },
      ]),
    );
    const { rows } = await t.db.superuser.query(
      `SELECT case_id AS "caseId", resource_id AS "resourceId" FROM audit_events
        WHERE council_id = $1 AND action = 'subject_request.export'`,
      [c.councilId],
    );
    expect(rows).toEqual([{ caseId, resourceId: disclosure.id }]);
  });
});

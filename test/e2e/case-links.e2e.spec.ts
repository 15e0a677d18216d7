import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  memberBodyWithStaff,
  TestCouncil,
  TestStaff,
} from '../support/factories';

/**
 * Case links (issue 17 item 3): a coordinator records that two cases are the same person and can
 * undo it; linking never merges the records; a link is listed only to readers who may see both
 * cases, and is audited on both cases.
 */
describe('case links (e2e)', () => {
  // Generous: eight engineers share two cores; no timing is asserted.
  jest.setTimeout(180_000);
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let agency: TestStaff;

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;

  async function register(familyName: string): Promise<string> {
    const res = await as(coordinator, 'post', `${base()}/cases`, {
      subject: { familyName, givenName: '花子', familyNameKana: 'やまだ', givenNameKana: 'はなこ' },
      summary: 'summary',
      concerns: ['isolation'],
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function assign(caseId: string, who: TestStaff): Promise<void> {
    const res = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
      memberBodyId: who.memberBodyId,
      role: 'lead',
      scope: 'full',
      basis: 'statutory',
      basisNote: '法令に基づく',
    });
    expect(res.status).toBe(201);
  }

  const link = (caseId: string, otherCaseId: string, user = coordinator) =>
    as(user, 'post', `${base()}/cases/${caseId}/links`, { otherCaseId, reason: '同一人物' });

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator']);
    [coordinator] = c.staff;
    agency = await memberBodyWithStaff(t, c.councilId, coordinator, 'Agency');
  });
  afterAll(() => t.close());

  it('links two cases and lists the link on both, without merging them', async () => {
    const a = await register('山田');
    const b = await register('山田');
    const sut = await link(a, b);
    expect(sut.status).toBe(201);
    expect(sut.body.otherCase.id).toBe(b);
    const fromA = await as(coordinator, 'get', `${base()}/cases/${a}/links`);
    const fromB = await as(coordinator, 'get', `${base()}/cases/${b}/links`);
    expect(fromA.body.items.map((l: { otherCase: { id: string } }) => l.otherCase.id)).toEqual([b]);
    expect(fromB.body.items.map((l: { otherCase: { id: string } }) => l.otherCase.id)).toEqual([a]);
    // Both records stay as they were.
    expect((await as(coordinator, 'get', `${base()}/cases/${a}`)).status).toBe(200);
    expect((await as(coordinator, 'get', `${base()}/cases/${b}`)).status).toBe(200);
  });

  it('refuses to link the same pair twice while the link is active (409)', async () => {
    const a = await register('重複');
    const b = await register('重複');
    expect((await link(a, b)).status).toBe(201);
    const sut = await link(b, a);
    expect(sut.status).toBe(409);
    expect(sut.body.code).toBe('LINK_EXISTS');
  });

  it('refuses to link a case to itself (422)', async () => {
    const a = await register('自己');
    const sut = await link(a, a);
    expect(sut.status).toBe(422);
    expect(sut.body.code).toBe('SAME_CASE');
  });

  it('undoes a link, keeping it on record as undone, and allows linking again', async () => {
    const a = await register('取消');
    const b = await register('取消');
    const made = await link(a, b);
    const sut = await as(coordinator, 'post', `${base()}/cases/${b}/links/${made.body.id}/unlink`, {
      reason: '別人と判明',
    });
    expect(sut.status).toBe(200);
    expect(sut.body.state).toBe('undone');
    expect(sut.body.unlinkReason).toBe('別人と判明');
    const again = await as(
      coordinator,
      'post',
      `${base()}/cases/${a}/links/${made.body.id}/unlink`,
      { reason: 'again' },
    );
    expect(again.body.code).toBe('LINK_ALREADY_UNDONE');
    expect((await link(a, b)).status).toBe(201);
  });

  it('answers 404 when the other case is in another council', async () => {
    const elsewhere = await createCouncil(t, ['coordinator']);
    const foreign = await as(
      elsewhere.staff[0],
      'post',
      `/api/councils/${elsewhere.councilId}/cases`,
      {
        subject: { familyName: '他', givenName: '人' },
        summary: 's',
        concerns: ['isolation'],
      },
    );
    const a = await register('隔離');
    const sut = await link(a, foreign.body.id as string);
    expect(sut.status).toBe(404);
  });

  it('refuses agency staff alike (403) whether or not they can see the case, so the answer reveals nothing', async () => {
    const visible = await register('可視');
    const hidden = await register('不可視');
    await assign(visible, agency);
    const onHidden = await link(hidden, visible, agency);
    const onVisible = await link(visible, hidden, agency);
    expect([onHidden.status, onVisible.status]).toEqual([403, 403]);
  });

  it('lists a link to agency staff only while they may see both cases, without the reason', async () => {
    const a = await register('両方');
    const b = await register('両方');
    await assign(a, agency);
    await link(a, b);
    const before = await as(agency, 'get', `${base()}/cases/${a}/links`);
    expect(before.status).toBe(200);
    expect(before.body.items).toEqual([]);
    await assign(b, agency);
    const sut = await as(agency, 'get', `${base()}/cases/${a}/links`);
    expect(sut.body.items.map((l: { otherCase: { id: string } }) => l.otherCase.id)).toEqual([b]);
    expect(sut.body.items[0].reason).toBeNull();
  });

  it('audits a link with both case ids, so both access reports show it', async () => {
    const a = await register('監査');
    const b = await register('監査');
    const made = await link(a, b);
    const events = await t.db.superuser.query(
      `SELECT case_id, resource_id FROM audit_events
        WHERE council_id = $1 AND action = 'case.link' AND resource_id = $2 ORDER BY case_id`,
      [c.councilId, made.body.id],
    );
    expect(events.rows.map((r: { case_id: string }) => r.case_id).sort()).toEqual([a, b].sort());
    const report = await as(coordinator, 'get', `${base()}/audit/access-report?caseId=${b}`);
    expect(report.status).toBe(200);
    expect(JSON.stringify(report.body)).toContain('case.link');
  });

  it('records listing the links as a disclosure of each linked case too', async () => {
    const a = await register('一覧');
    const b = await register('一覧');
    await link(a, b);
    await as(coordinator, 'get', `${base()}/cases/${a}/links`);
    const events = await t.db.superuser.query(
      `SELECT case_id FROM audit_events WHERE council_id = $1 AND action = 'case_link.list' AND case_id = $2`,
      [c.councilId, b],
    );
    expect(events.rows).toHaveLength(1);
  });
});

import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  memberBodyWithStaff,
  TestCouncil,
  TestStaff,
} from '../support/factories';

interface ReportItem {
  action: string;
  outcome: 'allowed' | 'denied';
  actorUserId: string;
  reason: string | null;
}

/**
 * Every disclosure is attributable to its case, and denials thrown anywhere in a use case are
 * recorded (DESIGN.md §3.10): the per-case access report shows every read, list, refusal and
 * bulk change that concerned the case.
 */
describe('every disclosure attributable to its case (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let auditor: TestStaff;
  let assigned: TestStaff;
  let outsider: TestStaff;

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;

  /** A new case; each its own person (distinct given names) unless `subject` says otherwise. */
  async function newCase(subject?: object) {
    const res = await as(coordinator, 'post', `${base()}/cases`, {
      subject: {
        familyName: '帰属',
        givenName: `太郎${Math.random().toString(36).slice(2, 8)}`,
        birthDate: '1960-01-02',
        ...subject,
      },
      summary: 's',
      concerns: ['isolation'],
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; possibleDuplicates: { id: string }[] };
  }

  async function assign(caseId: string, memberBodyId: string) {
    const res = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
      memberBodyId,
      role: 'support',
      scope: 'full',
      basis: 'statutory',
      basisNote: '法令',
    });
    expect(res.status).toBe(201);
  }

  async function report(caseId: string): Promise<ReportItem[]> {
    const res = await as(auditor, 'get', `${base()}/audit/access-report?caseId=${caseId}`);
    expect(res.status).toBe(200);
    return res.body.items as ReportItem[];
  }

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator', 'auditor']);
    [coordinator, auditor] = c.staff;
    assigned = await memberBodyWithStaff(t, c.councilId, coordinator, 'Assigned NPO');
    outsider = await memberBodyWithStaff(t, c.councilId, coordinator, 'Other NPO');
  });
  afterAll(() => t.close());

  it('records a read refused as not visible under the case it asked for', async () => {
    const { id } = await newCase();
    expect((await as(outsider, 'get', `${base()}/cases/${id}`)).status).toBe(404);
    expect((await as(outsider, 'get', `${base()}/cases/${id}/notes`)).status).toBe(404);
    const denied = (await report(id)).filter(
      (e) => e.outcome === 'denied' && e.actorUserId === outsider.id,
    );
    expect(denied.map((e) => [e.action, e.reason])).toEqual([
      ['case.read', 'not_visible'],
      ['note.list', 'not_visible'],
    ]);
  });

  it('records a 403 thrown inside the use case (another body’s plan action) under the case', async () => {
    const { id } = await newCase();
    await assign(id, assigned.memberBodyId);
    await assign(id, outsider.memberBodyId);
    const plan = await as(coordinator, 'post', `${base()}/cases/${id}/plans`, {
      goals: [{ text: 'g' }],
      actions: [{ text: 'visit', memberBodyId: assigned.memberBodyId, dueOn: '2030-01-01' }],
    });
    const actionId = plan.body.actions[0].id;
    const res = await as(outsider, 'patch', `${base()}/cases/${id}/plans/actions/${actionId}`, {
      status: 'done',
    });
    expect(res.status).toBe(403);
    const denied = (await report(id)).filter(
      (e) => e.outcome === 'denied' && e.actorUserId === outsider.id,
    );
    expect(denied.map((e) => [e.action, e.reason])).toEqual([['plan_action.update', 'forbidden']]);
  });

  it('names every case an information-request inbox disclosed', async () => {
    const first = await newCase();
    const second = await newCase();
    for (const caseId of [first.id, second.id]) {
      const res = await as(coordinator, 'post', `${base()}/cases/${caseId}/info-requests`, {
        memberBodyId: outsider.memberBodyId,
        question: 'q',
        dueOn: '2030-01-01',
      });
      expect(res.status).toBe(201);
    }
    const inbox = await as(outsider, 'get', `${base()}/info-requests`);
    expect(inbox.status).toBe(200);
    for (const caseId of [first.id, second.id]) {
      const listed = (await report(caseId)).filter(
        (e) => e.action === 'info_request.list' && e.actorUserId === outsider.id,
      );
      expect(listed).toHaveLength(1);
    }
  });

  it('names the possible duplicates a registration showed the coordinator', async () => {
    const kana = { givenName: '次郎', familyNameKana: 'キゾク', givenNameKana: 'ジロウ' };
    const original = await newCase(kana);
    const duplicate = await newCase(kana);
    expect(duplicate.possibleDuplicates.map((d) => d.id)).toEqual([original.id]);
    const shown = (await report(original.id)).filter((e) => e.action === 'case.create');
    expect(shown.map((e) => e.reason)).toEqual([null, 'possible_duplicates=1']);
  });

  it('writes one assignment.end per body when closing a case ends them in bulk', async () => {
    const { id } = await newCase();
    await assign(id, assigned.memberBodyId);
    await assign(id, outsider.memberBodyId);
    expect(
      (await as(coordinator, 'post', `${base()}/cases/${id}/close`, { reason: 'done' })).status,
    ).toBe(200);
    const ends = (await report(id)).filter((e) => e.action === 'assignment.end');
    expect(ends.map((e) => e.reason)).toEqual(['case_closed', 'case_closed']);
  });
});

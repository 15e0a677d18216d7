import { Action, SubjectType } from '../../src/access/policy-catalog';
import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  memberBodyWithStaff,
  Method,
  TestCouncil,
  TestStaff,
} from '../support/factories';

interface Check {
  label: string;
  subject: SubjectType;
  action: Action;
  id?: () => string;
  caseId?: () => string;
  field?: string;
  /** The real request: `allowed` ⇔ 2xx. */
  call: () => { method: Method; path: string; body?: object };
  /** For a field-level check: the response must (not) carry the field. */
  carries?: (body: Record<string, unknown>) => boolean;
}

/**
 * Explain answers from the same source as enforcement (issue 12 item 4): for every role ×
 * subject × action below, what `GET …/access/explain` says about a staff member is what the API
 * then does to that staff member's real request — allowed exactly when it answers 2xx, with the
 * same status when it refuses. The world: one case assigned to body A (full scope) and one
 * unassigned; a closed case; plan actions of A and of B; information requests to A and to B; a
 * case conference about the first case attended by A's staff.
 */
describe('explain agrees with enforcement (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let auditor: TestStaff;
  let agencyA: TestStaff;
  let agencyB: TestStaff;
  const ids: Record<string, string> = {};

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;

  async function ok(user: TestStaff, method: Method, path: string, body?: object) {
    const res = await as(user, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body as Record<string, unknown> & { id: string };
  }

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator', 'auditor']);
    [coordinator, auditor] = c.staff;
    agencyA = await memberBodyWithStaff(t, c.councilId, coordinator, 'A');
    agencyB = await memberBodyWithStaff(t, c.councilId, coordinator, 'B');
    const newCase = async () =>
      (
        await ok(coordinator, 'post', `${base()}/cases`, {
          subject: { familyName: '説明', givenName: '一致', address: '桜ヶ丘' },
          summary: 's',
          concerns: ['isolation'],
        })
      ).id;
    ids.assigned = await newCase();
    ids.unassigned = await newCase();
    ids.closed = await newCase();
    for (const caseId of [ids.assigned, ids.closed])
      await ok(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
        memberBodyId: agencyA.memberBodyId,
        role: 'lead',
        scope: 'full',
        basis: 'statutory',
        basisNote: '法令',
      });
    await ok(coordinator, 'post', `${base()}/cases/${ids.closed}/close`, { reason: 'done' });
    const plan = await ok(coordinator, 'post', `${base()}/cases/${ids.assigned}/plans`, {
      goals: [{ text: 'g' }],
      actions: [
        { text: 'a', memberBodyId: agencyA.memberBodyId, dueOn: '2030-01-01' },
        { text: 'b', memberBodyId: agencyB.memberBodyId, dueOn: '2030-01-01' },
      ],
    });
    const actions = plan.actions as { id: string; memberBodyId: string }[];
    ids.actionA = actions.find((a) => a.memberBodyId === agencyA.memberBodyId)!.id;
    ids.actionB = actions.find((a) => a.memberBodyId === agencyB.memberBodyId)!.id;
    for (const [key, body] of [
      ['requestA', agencyA.memberBodyId],
      ['requestB', agencyB.memberBodyId],
    ] as const)
      ids[key] = (
        await ok(coordinator, 'post', `${base()}/cases/${ids.assigned}/info-requests`, {
          memberBodyId: body,
          question: 'q',
          dueOn: '2030-01-01',
        })
      ).id;
    ids.meeting = (
      await ok(coordinator, 'post', `${base()}/meetings`, {
        tier: 'case_conference',
        title: '検討',
        heldAt: '2026-01-10T10:00:00Z',
        caseIds: [ids.assigned],
        attendeeStaffIds: [coordinator.staffId, agencyA.staffId],
      })
    ).id;
    await ok(coordinator, 'put', `${base()}/meetings/${ids.meeting}/minutes`, { body: 'm' });
  });
  afterAll(() => t.close());

  const checks: Check[] = [
    {
      label: 'read the assigned case',
      subject: 'Case',
      action: 'read',
      id: () => ids.assigned,
      call: () => ({ method: 'get', path: `${base()}/cases/${ids.assigned}` }),
    },
    {
      label: 'read the unassigned case',
      subject: 'Case',
      action: 'read',
      id: () => ids.unassigned,
      call: () => ({ method: 'get', path: `${base()}/cases/${ids.unassigned}` }),
    },
    {
      label: 'read the address of the assigned case',
      subject: 'Case',
      action: 'read',
      id: () => ids.assigned,
      field: 'address',
      call: () => ({ method: 'get', path: `${base()}/cases/${ids.assigned}` }),
      carries: (b) =>
        typeof (b.subject as Record<string, unknown> | undefined)?.address === 'string',
    },
    {
      label: 'update the assigned case',
      subject: 'Case',
      action: 'update',
      id: () => ids.assigned,
      call: () => ({
        method: 'patch',
        path: `${base()}/cases/${ids.assigned}`,
        body: { summary: 's' },
      }),
    },
    {
      label: 'update the closed case',
      subject: 'Case',
      action: 'update',
      id: () => ids.closed,
      call: () => ({
        method: 'patch',
        path: `${base()}/cases/${ids.closed}`,
        body: { summary: 's' },
      }),
    },
    {
      label: 'read the notes of the assigned case',
      subject: 'Note',
      action: 'read',
      caseId: () => ids.assigned,
      call: () => ({ method: 'get', path: `${base()}/cases/${ids.assigned}/notes` }),
    },
    {
      label: 'add a note to the assigned case',
      subject: 'Note',
      action: 'create',
      caseId: () => ids.assigned,
      call: () => ({
        method: 'post',
        path: `${base()}/cases/${ids.assigned}/notes`,
        body: { body: 'n' },
      }),
    },
    {
      label: 'add a note to the unassigned case',
      subject: 'Note',
      action: 'create',
      caseId: () => ids.unassigned,
      call: () => ({
        method: 'post',
        path: `${base()}/cases/${ids.unassigned}/notes`,
        body: { body: 'n' },
      }),
    },
    {
      label: 'read the plans of the assigned case',
      subject: 'Plan',
      action: 'read',
      caseId: () => ids.assigned,
      call: () => ({ method: 'get', path: `${base()}/cases/${ids.assigned}/plans` }),
    },
    {
      label: 'move A’s plan action',
      subject: 'PlanAction',
      action: 'update',
      id: () => ids.actionA,
      caseId: () => ids.assigned,
      call: () => ({
        method: 'patch',
        path: `${base()}/cases/${ids.assigned}/plans/actions/${ids.actionA}`,
        body: { status: 'open' },
      }),
    },
    {
      label: 'move B’s plan action',
      subject: 'PlanAction',
      action: 'update',
      id: () => ids.actionB,
      caseId: () => ids.assigned,
      call: () => ({
        method: 'patch',
        path: `${base()}/cases/${ids.assigned}/plans/actions/${ids.actionB}`,
        body: { status: 'open' },
      }),
    },
    {
      label: 'answer the request to B',
      subject: 'InfoRequest',
      action: 'respond',
      id: () => ids.requestB,
      call: () => ({
        method: 'post',
        path: `${base()}/info-requests/${ids.requestB}/respond`,
        body: { answer: 'a' },
      }),
    },
    {
      label: 'read the meeting',
      subject: 'Meeting',
      action: 'read',
      id: () => ids.meeting,
      call: () => ({ method: 'get', path: `${base()}/meetings/${ids.meeting}` }),
    },
    {
      label: 'update the minutes',
      subject: 'Minutes',
      action: 'update',
      id: () => ids.meeting,
      call: () => ({
        method: 'put',
        path: `${base()}/meetings/${ids.meeting}/minutes`,
        body: { body: 'm' },
      }),
    },
    {
      label: 'read the audit log',
      subject: 'AuditEvent',
      action: 'read',
      call: () => ({ method: 'get', path: `${base()}/audit/events` }),
    },
    {
      label: 'verify the audit log',
      subject: 'AuditEvent',
      action: 'verify',
      call: () => ({ method: 'get', path: `${base()}/audit/verify` }),
    },
  ];

  const principals = () => ({ coordinator, auditor, agencyA, agencyB });

  it.each(['coordinator', 'auditor', 'agencyA', 'agencyB'] as const)(
    'says for %s exactly what the API then does, check by check',
    async (who) => {
      const staff = principals()[who];
      const disagreements: string[] = [];
      for (const check of checks) {
        const q = new URLSearchParams({ action: check.action, subject: check.subject });
        if (check.id) q.set('id', check.id());
        if (check.caseId) q.set('caseId', check.caseId());
        if (check.field) q.set('field', check.field);
        if (staff !== coordinator) q.set('staffId', staff.staffId);
        const explained = await as(coordinator, 'get', `${base()}/access/explain?${q}`);
        expect(explained.status).toBe(200);
        const { method, path, body } = check.call();
        const actual = await as(staff, method, path, body);
        const did = check.carries
          ? actual.status < 300 && check.carries(actual.body as Record<string, unknown>)
          : actual.status < 300;
        const said = explained.body.allowed as boolean;
        if (said !== did)
          disagreements.push(
            `${check.label}: explain ${said ? 'allows' : `refuses (${explained.body.reason})`}, API ${actual.status}`,
          );
        else if (!did && !check.carries && explained.body.status !== actual.status)
          disagreements.push(
            `${check.label}: explain says ${explained.body.status}, API answers ${actual.status}`,
          );
      }
      expect(disagreements).toEqual([]);
    },
  );

  it('answers field-level questions: restricted fields only with full scope', async () => {
    const q = (staff: TestStaff) =>
      as(
        coordinator,
        'get',
        `${base()}/access/explain?action=read&subject=Case&id=${ids.assigned}&field=address&staffId=${staff.staffId}`,
      );
    expect((await q(agencyA)).body).toMatchObject({ allowed: true, field: 'address' });
    expect((await q(agencyB)).body).toMatchObject({ allowed: false, reason: 'not_visible' });
  });
});

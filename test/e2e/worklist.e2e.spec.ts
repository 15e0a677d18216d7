import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  memberBodyWithStaff,
  TestCouncil,
  TestStaff,
} from '../support/factories';

interface Item {
  kind: string;
  refId: string;
  caseId: string | null;
  dueOn: string | null;
  overdue: boolean;
  riskLevel: string | null;
}

/**
 * The worklist (issue 18 item 1): each kind for each role, and need to know on the items — an
 * agency sees only its own body's items on cases it is covered on now (DESIGN.md §3.9).
 */
describe('worklist (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let auditor: TestStaff;
  let agencyA: TestStaff;
  let agencyB: TestStaff;
  const ids: Record<string, string> = {};

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;

  async function appDate(offset: number): Promise<string> {
    const { rows } = await t.db.superuser.query<{ d: string }>(
      `SELECT ((now() AT TIME ZONE $1)::date + $2::int)::text AS d`,
      [t.config.database.timeZone, offset],
    );
    return rows[0].d;
  }

  async function ok(
    user: TestStaff,
    method: 'get' | 'post' | 'put' | 'patch',
    path: string,
    body?: object,
  ) {
    const res = await as(user, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body as Record<string, unknown> & { id: string };
  }

  async function worklist(user: TestStaff, query = ''): Promise<Item[]> {
    const res = await as(user, 'get', `${base()}/worklist${query}`);
    expect(res.status).toBe(200);
    return res.body.items as Item[];
  }
  const kinds = (items: Item[], refId: string) =>
    items.filter((i) => i.refId === refId).map((i) => i.kind);

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator', 'auditor']);
    [coordinator, auditor] = c.staff;
    agencyA = await memberBodyWithStaff(t, c.councilId, coordinator, 'A');
    agencyB = await memberBodyWithStaff(t, c.councilId, coordinator, 'B');
    const newCase = async (reviewDueOn?: string) =>
      (
        await ok(coordinator, 'post', `${base()}/cases`, {
          subject: { familyName: '予定', givenName: '一覧' },
          summary: 's',
          concerns: ['isolation'],
          ...(reviewDueOn ? { reviewDueOn } : {}),
        })
      ).id;
    ids.case = await newCase(await appDate(3));
    ids.expiredCase = await newCase();
    ids.consent = (
      await ok(coordinator, 'post', `${base()}/cases/${ids.case}/consents`, {
        memberBodyIds: [agencyA.memberBodyId],
        method: 'written',
        obtainedOn: await appDate(-10),
        expiresOn: await appDate(5),
      })
    ).id;
    await ok(coordinator, 'post', `${base()}/cases/${ids.case}/assignments`, {
      memberBodyId: agencyA.memberBodyId,
      role: 'lead',
      scope: 'full',
      basis: 'consent',
    });
    ids.expiredConsent = (
      await ok(coordinator, 'post', `${base()}/cases/${ids.expiredCase}/consents`, {
        memberBodyIds: [agencyA.memberBodyId],
        method: 'written',
        obtainedOn: await appDate(-10),
        expiresOn: await appDate(1),
      })
    ).id;
    await ok(coordinator, 'post', `${base()}/cases/${ids.expiredCase}/assignments`, {
      memberBodyId: agencyA.memberBodyId,
      role: 'lead',
      scope: 'full',
      basis: 'consent',
    });
    // Time passes: that consent ran out yesterday while the assignment still rests on it.
    await t.db.superuser.query(`UPDATE consents SET expires_on = $2 WHERE id = $1`, [
      ids.expiredConsent,
      await appDate(-1),
    ]);
    for (const [key, body] of [
      ['requestToA', agencyA.memberBodyId],
      ['requestToB', agencyB.memberBodyId],
    ] as const)
      ids[key] = (
        await ok(coordinator, 'post', `${base()}/cases/${ids.case}/info-requests`, {
          memberBodyId: body,
          question: 'q',
          dueOn: await appDate(1),
        })
      ).id;
    const plan = await ok(coordinator, 'post', `${base()}/cases/${ids.case}/plans`, {
      goals: [{ text: 'g' }],
      actions: [
        { text: 'a', memberBodyId: agencyA.memberBodyId, dueOn: await appDate(2) },
        { text: 'b', memberBodyId: agencyB.memberBodyId, dueOn: await appDate(2) },
        { text: 'later', memberBodyId: agencyA.memberBodyId, dueOn: await appDate(60) },
      ],
    });
    const actions = plan.actions as { id: string; text: string }[];
    ids.actionA = actions.find((a) => a.text === 'a')!.id;
    ids.actionB = actions.find((a) => a.text === 'b')!.id;
    ids.actionLater = actions.find((a) => a.text === 'later')!.id;
    ids.meeting = (
      await ok(coordinator, 'post', `${base()}/meetings`, {
        tier: 'case_conference',
        title: '検討',
        heldAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        caseIds: [ids.case],
        attendeeStaffIds: [coordinator.staffId, agencyA.staffId],
      })
    ).id;
    await ok(coordinator, 'put', `${base()}/meetings/${ids.meeting}/minutes`, {
      body: 'm',
      actionItems: [
        {
          text: 'call',
          memberBodyId: agencyA.memberBodyId,
          dueOn: await appDate(4),
          caseId: ids.case,
        },
      ],
    });
    const minutes = await ok(
      coordinator,
      'post',
      `${base()}/meetings/${ids.meeting}/minutes/finalize`,
    );
    ids.actionItem = (minutes.actionItems as { id: string }[])[0].id;
  }, 120_000);
  afterAll(() => t.close());

  it('gives the coordinator every kind due in the council', async () => {
    const sut = await worklist(coordinator);
    expect(kinds(sut, ids.consent)).toEqual(['consent_expiring']);
    expect(kinds(sut, ids.expiredConsent)).toEqual(['consent_expired']);
    expect(kinds(sut, ids.case)).toEqual(['review_due']);
    expect(kinds(sut, ids.requestToA)).toEqual(['info_request_awaiting_answer']);
    expect(kinds(sut, ids.actionA)).toEqual(['plan_action_due']);
    expect(kinds(sut, ids.actionB)).toEqual(['plan_action_due']);
    expect(kinds(sut, ids.actionItem)).toEqual(['action_item_due']);
    expect(kinds(sut, ids.meeting)).toEqual(['meeting_upcoming']);
    expect(kinds(sut, ids.actionLater)).toEqual([]);
    expect(sut.find((i) => i.refId === ids.expiredConsent)!.overdue).toBe(true);
  });

  it('gives agency staff only their own body’s items on cases it is covered on', async () => {
    const sut = await worklist(agencyA);
    expect(kinds(sut, ids.consent)).toEqual(['consent_expiring']);
    expect(kinds(sut, ids.requestToA)).toEqual(['info_request_to_answer']);
    expect(kinds(sut, ids.actionA)).toEqual(['plan_action_due']);
    expect(kinds(sut, ids.actionItem)).toEqual(['action_item_due']);
    expect(kinds(sut, ids.meeting)).toEqual(['meeting_upcoming']);
    // Not theirs: another body's action and request, the coordinator's review and pledges,
    // and anything on the case whose consent has expired.
    for (const other of [ids.actionB, ids.requestToB, ids.expiredConsent])
      expect(kinds(sut, other)).toEqual([]);
    expect(sut.some((i) => i.kind === 'review_due' || i.kind === 'pledge_not_accepted')).toBe(
      false,
    );
    expect(sut.some((i) => i.caseId === ids.expiredCase)).toBe(false);
  });

  it('gives a body that is not covered only the requests addressed to it (Art. 16 inbox)', async () => {
    const sut = await worklist(agencyB);
    expect(sut.map((i) => [i.kind, i.refId])).toEqual([['info_request_to_answer', ids.requestToB]]);
  });

  it('shows a case’s risk on its items only to those who may read the case', async () => {
    await ok(coordinator, 'post', `${base()}/cases/${ids.case}/risk`, {
      level: 'urgent',
      reason: '室内で倒れている可能性',
    });
    const risks = (items: Item[], refId: string) =>
      items.filter((i) => i.refId === refId).map((i) => i.riskLevel);
    const mine = await worklist(coordinator);
    expect(risks(mine, ids.requestToB)).toEqual(['urgent']);
    expect(risks(mine, ids.case)).toEqual(['urgent']);
    expect(risks(mine, ids.meeting)).toEqual([null]);
    const covered = await worklist(agencyA);
    for (const refId of [ids.consent, ids.requestToA, ids.actionA, ids.actionItem])
      expect(risks(covered, refId)).toEqual(['urgent']);
    // Body B answers a request on the case without being assigned to it: it sees the request,
    // not the case, so neither the risk nor an order that would betray it.
    expect(risks(await worklist(agencyB), ids.requestToB)).toEqual([null]);
  });

  it('refuses auditors (403): the worklist is case work', async () => {
    expect((await as(auditor, 'get', `${base()}/worklist`)).status).toBe(403);
  });

  it('filters by kind and window, counting every kind for the badge', async () => {
    const res = await as(
      coordinator,
      'get',
      `${base()}/worklist?kind=review_due,consent_expired&dueWithin=30`,
    );
    expect(res.status).toBe(200);
    expect([...new Set(res.body.items.map((i: Item) => i.kind))].sort()).toEqual([
      'consent_expired',
      'review_due',
    ]);
    expect(res.body.counts.plan_action_due).toBe(2);
    const today = await worklist(coordinator, '?dueWithin=0');
    expect(today.every((i) => i.overdue || i.dueOn === null || i.dueOn <= today[0].dueOn!)).toBe(
      true,
    );
    expect(kinds(today, ids.actionA)).toEqual([]);
    expect(kinds(today, ids.expiredConsent)).toEqual(['consent_expired']);
    expect((await as(coordinator, 'get', `${base()}/worklist?kind=nonsense`)).status).toBe(400);
    expect((await as(coordinator, 'get', `${base()}/worklist?dueWithin=-1`)).status).toBe(400);
  });

  it('records the cases each worklist disclosed', async () => {
    await worklist(agencyA);
    const { rows } = await t.db.superuser.query(
      `SELECT resource_ids FROM audit_events WHERE council_id = $1 AND action = 'worklist.read' AND actor_user_id = $2
        ORDER BY seq DESC LIMIT 1`,
      [c.councilId, agencyA.id],
    );
    expect(rows[0].resource_ids).toEqual([ids.case]);
  });

  it('drops an agency’s items of a case on the next request once its consent is withdrawn', async () => {
    await ok(coordinator, 'post', `${base()}/cases/${ids.case}/consents/${ids.consent}/withdraw`, {
      withdrawnOn: await appDate(0),
    });
    const sut = await worklist(agencyA);
    for (const gone of [ids.consent, ids.actionA, ids.actionItem, ids.meeting])
      expect(kinds(sut, gone)).toEqual([]);
    // The information request stays: the addressed body answers whether or not it is assigned.
    expect(kinds(sut, ids.requestToA)).toEqual(['info_request_to_answer']);
  });

  it('lists staff who have not accepted the current pledge, for the coordinator', async () => {
    await ok(coordinator, 'put', `${base()}/pledge`, { text: '第二版の誓約' });
    await ok(coordinator, 'post', `${base()}/pledge`, { version: 2, accepted: true });
    const sut = await worklist(coordinator, '?kind=pledge_not_accepted');
    expect(sut.map((i) => i.refId).sort()).toEqual(
      [auditor.staffId, agencyA.staffId, agencyB.staffId].sort(),
    );
  });

  it('orders items due the same day by the case’s current risk, urgent first', async () => {
    // Three reviews due the same day. Without risk they would be ordered by id; the levels are
    // given against that order, so a list that ignored risk fails here.
    const due = await appDate(9);
    const made: string[] = [];
    for (let n = 0; n < 3; n++)
      made.push(
        (
          await ok(coordinator, 'post', `${base()}/cases`, {
            subject: { familyName: '危険度', givenName: `${n}` },
            summary: 's',
            concerns: ['isolation'],
            reviewDueOn: due,
          })
        ).id,
      );
    const [first, second, third] = [...made].sort();
    await ok(coordinator, 'post', `${base()}/cases/${third}/risk`, {
      level: 'urgent',
      reason: 'r',
    });
    await ok(coordinator, 'post', `${base()}/cases/${first}/risk`, { level: 'low', reason: 'r' });
    // `second` stays unassessed: after every assessed level.
    const sut = (await worklist(coordinator, '?kind=review_due&dueWithin=30')).filter((i) =>
      made.includes(i.refId),
    );
    expect(sut.map((i) => [i.refId, i.riskLevel])).toEqual([
      [third, 'urgent'],
      [first, 'low'],
      [second, null],
    ]);
    // Risk only breaks ties: an item due earlier still comes first whatever its case's risk.
    const all = await worklist(coordinator, '?dueWithin=30');
    const at = (refId: string) =>
      all.findIndex((i) => i.refId === refId && i.kind === 'review_due');
    expect(at(ids.case)).toBeLessThan(at(third));
  });
});

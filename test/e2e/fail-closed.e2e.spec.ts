import type { Response } from 'supertest';
import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  inviteStaff,
  Method,
  TestCouncil,
  TestStaff,
} from '../support/factories';

/**
 * "Every access is recorded, or it does not happen" (DESIGN.md §3.4). For each read and write of
 * case or meeting data: when its audit event cannot be written, the request fails (500), says
 * nothing about the case, and leaves every tenant table exactly as it was; and when it can, the
 * change and its event commit in one transaction.
 */
describe('fail closed: no access without its audit event (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  /** Staff of a body that gets assigned to cases and attends meetings. */
  let agencyA: TestStaff;
  /** Staff of a body that receives information requests (and is assigned where a row says so). */
  let agencyB: TestStaff;
  /** Every table holding a council's data (all with `council_id`), except the audit log itself. */
  let tenantTables: string[];

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;
  const inDays = (n: number) =>
    new Date(Date.now() + 9 * 3600_000 + n * 86_400_000).toISOString().slice(0, 10);

  /** Text that must never appear in an error answer. */
  const CONTENT = {
    familyName: '秘匿山',
    givenName: '守子',
    address: '非公開町9-9-9',
    summary: '要配慮の経緯をここに記す',
    sensitive: '通院先は秘密病院',
    newSummary: '書き換えた経緯',
    note: '訪問記録: 本人と面談した',
    newNote: '追記: 再訪問の予定',
    goal: '週一回の見守り目標',
    planAction: '見守り訪問の実施',
    question: '過去の相談歴を教えてください',
    answer: '二年前に一度の相談あり',
    closeReason: '支援終結の理由',
    meetingTitle: '秘匿山さん 個別ケース検討会議',
    minutes: '議事の全文: 本人の近況を共有',
    newMinutes: '議事の改稿: 方針を変更',
    decision: '決定: 訪問を継続する',
    actionItem: '宿題: 訪問記録を共有する',
    addendum: '補遺: 訪問頻度の訂正',
    addendumReason: '記載誤りの訂正',
  };
  const TRIGGER_MESSAGE = 'audit store unavailable (fail-closed test)';

  type Sut = () => Promise<Response>;
  interface Access {
    /** The audit action that must be written for this access. */
    action: string;
    /** What the row exercises, for the test's name. */
    label: string;
    /** The status when the audit event can be written. */
    ok: 200 | 201;
    /** Sets up what the access needs (through the API) and answers the access itself. */
    arrange: () => Promise<Sut>;
  }
  interface Write extends Access {
    /** Where the row named by the event's `resource_id` lives (by `id` or `meeting_id`). */
    writes: { table: string; key: 'id' | 'meeting_id' };
  }

  // ---- fixtures, all through the API ----------------------------------------------------

  async function send(
    who: TestStaff,
    method: Method,
    path: string,
    body: object | undefined,
    status: number,
  ): Promise<Response> {
    const res = await as(who, method, `${base()}${path}`, body);
    if (res.status !== status)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  async function newCase(): Promise<string> {
    const res = await send(
      coordinator,
      'post',
      '/cases',
      {
        subject: {
          familyName: CONTENT.familyName,
          givenName: CONTENT.givenName,
          address: CONTENT.address,
        },
        summary: CONTENT.summary,
        concerns: ['isolation', 'health'],
        sensitive: { health: CONTENT.sensitive },
      },
      201,
    );
    return res.body.id as string;
  }

  async function assign(caseId: string, who: TestStaff): Promise<string> {
    const res = await send(
      coordinator,
      'post',
      `/cases/${caseId}/assignments`,
      {
        memberBodyId: who.memberBodyId,
        role: 'support',
        scope: 'full',
        basis: 'statutory',
        basisNote: '法令に基づく',
      },
      201,
    );
    return res.body.id as string;
  }

  /** A case agency A is assigned to (full scope). */
  async function caseOfA(): Promise<{ caseId: string; assignmentId: string }> {
    const caseId = await newCase();
    return { caseId, assignmentId: await assign(caseId, agencyA) };
  }

  async function consent(caseId: string): Promise<string> {
    const res = await send(
      coordinator,
      'post',
      `/cases/${caseId}/consents`,
      { memberBodyIds: [agencyA.memberBodyId], method: 'written', obtainedOn: inDays(-30) },
      201,
    );
    return res.body.id as string;
  }

  /** A plan with one action owned by agency A; answers the action's id. */
  async function plan(caseId: string): Promise<string> {
    const res = await send(
      coordinator,
      'post',
      `/cases/${caseId}/plans`,
      {
        goals: [{ text: CONTENT.goal }],
        actions: [
          { text: CONTENT.planAction, memberBodyId: agencyA.memberBodyId, dueOn: inDays(7) },
        ],
      },
      201,
    );
    return res.body.actions[0].id as string;
  }

  async function infoRequest(caseId: string): Promise<string> {
    const res = await send(
      coordinator,
      'post',
      `/cases/${caseId}/info-requests`,
      { memberBodyId: agencyB.memberBodyId, question: CONTENT.question, dueOn: inDays(7) },
      201,
    );
    return res.body.id as string;
  }

  async function close(caseId: string): Promise<void> {
    await send(coordinator, 'post', `/cases/${caseId}/close`, { reason: CONTENT.closeReason }, 200);
  }

  /** A case conference about `caseId`, attended by the coordinator and agency A. */
  async function meeting(caseId: string): Promise<string> {
    const res = await send(
      coordinator,
      'post',
      '/meetings',
      {
        tier: 'case_conference',
        title: CONTENT.meetingTitle,
        heldAt: '2026-11-20T14:00:00+09:00',
        caseIds: [caseId],
        attendeeStaffIds: [coordinator.staffId, agencyA.staffId],
      },
      201,
    );
    return res.body.id as string;
  }

  /** Draft minutes with a decision and an action item (owned by agency A) about `caseId`. */
  async function draft(meetingId: string, caseId: string): Promise<string> {
    const res = await send(
      coordinator,
      'put',
      `/meetings/${meetingId}/minutes`,
      {
        body: CONTENT.minutes,
        decisions: [{ text: CONTENT.decision, caseId }],
        actionItems: [
          {
            text: CONTENT.actionItem,
            memberBodyId: agencyA.memberBodyId,
            dueOn: inDays(7),
            caseId,
          },
        ],
      },
      200,
    );
    return res.body.actionItems[0].id as string;
  }

  async function finalize(meetingId: string): Promise<void> {
    await send(coordinator, 'post', `/meetings/${meetingId}/minutes/finalize`, undefined, 200);
  }

  /** A case conference about a case of agency A, with draft minutes; answers both ids. */
  async function minutesAbout(): Promise<{ caseId: string; meetingId: string; itemId: string }> {
    const { caseId } = await caseOfA();
    const meetingId = await meeting(caseId);
    return { caseId, meetingId, itemId: await draft(meetingId, caseId) };
  }

  // ---- the accesses ----------------------------------------------------------------------

  const reads: Access[] = [
    {
      action: 'case.read',
      label: 'GET a case (assigned agency)',
      ok: 200,
      arrange: async () => {
        const { caseId } = await caseOfA();
        return () => as(agencyA, 'get', `${base()}/cases/${caseId}`);
      },
    },
    {
      action: 'case.list',
      label: 'GET the case list (coordinator)',
      ok: 200,
      arrange: async () => {
        await newCase();
        return () => as(coordinator, 'get', `${base()}/cases?limit=200`);
      },
    },
    {
      action: 'note.list',
      label: 'GET a case’s notes (assigned agency)',
      ok: 200,
      arrange: async () => {
        const { caseId } = await caseOfA();
        await send(coordinator, 'post', `/cases/${caseId}/notes`, { body: CONTENT.note }, 201);
        return () => as(agencyA, 'get', `${base()}/cases/${caseId}/notes`);
      },
    },
    {
      action: 'plan.read',
      label: 'GET a case’s plans (assigned agency)',
      ok: 200,
      arrange: async () => {
        const { caseId } = await caseOfA();
        await plan(caseId);
        return () => as(agencyA, 'get', `${base()}/cases/${caseId}/plans`);
      },
    },
    {
      action: 'case.status_history',
      label: 'GET a case’s status history (coordinator)',
      ok: 200,
      arrange: async () => {
        const caseId = await newCase();
        await close(caseId);
        return () => as(coordinator, 'get', `${base()}/cases/${caseId}/status-history`);
      },
    },
    {
      action: 'meeting.read',
      label: 'GET a meeting (attendee)',
      ok: 200,
      arrange: async () => {
        const { meetingId } = await minutesAbout();
        return () => as(agencyA, 'get', `${base()}/meetings/${meetingId}`);
      },
    },
    {
      action: 'meeting.list',
      label: 'GET the meeting list (coordinator)',
      ok: 200,
      arrange: async () => {
        await minutesAbout();
        return () => as(coordinator, 'get', `${base()}/meetings`);
      },
    },
    {
      action: 'minutes.read',
      label: 'GET whole minutes (attendee)',
      ok: 200,
      arrange: async () => {
        const { meetingId } = await minutesAbout();
        return () => as(agencyA, 'get', `${base()}/meetings/${meetingId}/minutes`);
      },
    },
    {
      action: 'minutes.read',
      label: 'GET minutes of an assigned case (absent agency)',
      ok: 200,
      arrange: async () => {
        const { caseId, meetingId } = await minutesAbout();
        await assign(caseId, agencyB);
        return () => as(agencyB, 'get', `${base()}/meetings/${meetingId}/minutes`);
      },
    },
    {
      action: 'decision.list',
      label: 'GET a case’s decisions (coordinator)',
      ok: 200,
      arrange: async () => {
        const { caseId } = await minutesAbout();
        return () => as(coordinator, 'get', `${base()}/decisions?caseId=${caseId}`);
      },
    },
    {
      action: 'action_item.list',
      label: 'GET a body’s action items (?mine=true)',
      ok: 200,
      arrange: async () => {
        await minutesAbout();
        return () => as(agencyA, 'get', `${base()}/action-items?mine=true`);
      },
    },
    {
      action: 'info_request.list',
      label: 'GET the information requests (addressed body)',
      ok: 200,
      arrange: async () => {
        await infoRequest(await newCase());
        return () => as(agencyB, 'get', `${base()}/info-requests`);
      },
    },
  ];

  const writes: Write[] = [
    {
      action: 'case.create',
      label: 'POST a case',
      ok: 201,
      writes: { table: 'cases', key: 'id' },
      arrange: async () => () =>
        as(coordinator, 'post', `${base()}/cases`, {
          subject: { familyName: CONTENT.familyName, givenName: CONTENT.givenName },
          summary: CONTENT.summary,
          concerns: ['other'],
        }),
    },
    {
      action: 'case.update',
      label: 'PATCH a case',
      ok: 200,
      writes: { table: 'cases', key: 'id' },
      arrange: async () => {
        const caseId = await newCase();
        return () =>
          as(coordinator, 'patch', `${base()}/cases/${caseId}`, {
            summary: CONTENT.newSummary,
            subject: { address: '新住所1-1' },
          });
      },
    },
    {
      action: 'consent.create',
      label: 'POST a consent',
      ok: 201,
      writes: { table: 'consents', key: 'id' },
      arrange: async () => {
        const caseId = await newCase();
        return () =>
          as(coordinator, 'post', `${base()}/cases/${caseId}/consents`, {
            memberBodyIds: [agencyA.memberBodyId, agencyB.memberBodyId],
            method: 'verbal',
            obtainedOn: inDays(-10),
          });
      },
    },
    {
      action: 'consent.withdraw',
      label: 'withdraw a consent',
      ok: 200,
      writes: { table: 'consents', key: 'id' },
      arrange: async () => {
        const caseId = await newCase();
        const consentId = await consent(caseId);
        return () =>
          as(coordinator, 'post', `${base()}/cases/${caseId}/consents/${consentId}/withdraw`, {
            withdrawnOn: inDays(-1),
            reason: '本人の申出',
          });
      },
    },
    {
      action: 'assignment.create',
      label: 'POST an assignment',
      ok: 201,
      writes: { table: 'case_assignments', key: 'id' },
      arrange: async () => {
        const caseId = await newCase();
        await consent(caseId);
        return () =>
          as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
            memberBodyId: agencyA.memberBodyId,
            role: 'lead',
            scope: 'full',
            basis: 'consent',
          });
      },
    },
    {
      action: 'assignment.end',
      label: 'end an assignment',
      ok: 200,
      writes: { table: 'case_assignments', key: 'id' },
      arrange: async () => {
        const { caseId, assignmentId } = await caseOfA();
        return () =>
          as(coordinator, 'post', `${base()}/cases/${caseId}/assignments/${assignmentId}/end`);
      },
    },
    {
      action: 'note.create',
      label: 'POST a note (assigned agency)',
      ok: 201,
      writes: { table: 'case_notes', key: 'id' },
      arrange: async () => {
        const { caseId } = await caseOfA();
        return () =>
          as(agencyA, 'post', `${base()}/cases/${caseId}/notes`, { body: CONTENT.newNote });
      },
    },
    {
      action: 'plan.create',
      label: 'POST a support plan',
      ok: 201,
      writes: { table: 'support_plans', key: 'id' },
      arrange: async () => {
        const { caseId } = await caseOfA();
        return () =>
          as(coordinator, 'post', `${base()}/cases/${caseId}/plans`, {
            goals: [{ text: CONTENT.goal }],
            actions: [
              { text: CONTENT.planAction, memberBodyId: agencyA.memberBodyId, dueOn: inDays(7) },
            ],
          });
      },
    },
    {
      action: 'plan_action.update',
      label: 'PATCH a plan action (owning agency)',
      ok: 200,
      writes: { table: 'plan_actions', key: 'id' },
      arrange: async () => {
        const { caseId } = await caseOfA();
        const actionId = await plan(caseId);
        return () =>
          as(agencyA, 'patch', `${base()}/cases/${caseId}/plans/actions/${actionId}`, {
            status: 'in_progress',
          });
      },
    },
    {
      action: 'info_request.create',
      label: 'POST an information request',
      ok: 201,
      writes: { table: 'info_requests', key: 'id' },
      arrange: async () => {
        const caseId = await newCase();
        return () =>
          as(coordinator, 'post', `${base()}/cases/${caseId}/info-requests`, {
            memberBodyId: agencyB.memberBodyId,
            question: CONTENT.question,
            dueOn: inDays(7),
          });
      },
    },
    {
      action: 'info_request.respond',
      label: 'answer an information request (addressed body)',
      ok: 200,
      writes: { table: 'info_requests', key: 'id' },
      arrange: async () => {
        const requestId = await infoRequest(await newCase());
        return () =>
          as(agencyB, 'post', `${base()}/info-requests/${requestId}/respond`, {
            answer: CONTENT.answer,
          });
      },
    },
    {
      action: 'case.close',
      label: 'close a case',
      ok: 200,
      writes: { table: 'cases', key: 'id' },
      arrange: async () => {
        const caseId = await newCase();
        return () =>
          as(coordinator, 'post', `${base()}/cases/${caseId}/close`, {
            reason: CONTENT.closeReason,
          });
      },
    },
    {
      action: 'case.reopen',
      label: 'reopen a case',
      ok: 200,
      writes: { table: 'cases', key: 'id' },
      arrange: async () => {
        const caseId = await newCase();
        await close(caseId);
        return () =>
          as(coordinator, 'post', `${base()}/cases/${caseId}/reopen`, { reason: '再相談' });
      },
    },
    {
      action: 'meeting.create',
      label: 'POST a case conference',
      ok: 201,
      writes: { table: 'meetings', key: 'id' },
      arrange: async () => {
        const { caseId } = await caseOfA();
        return () =>
          as(coordinator, 'post', `${base()}/meetings`, {
            tier: 'case_conference',
            title: CONTENT.meetingTitle,
            heldAt: '2026-11-20T14:00:00+09:00',
            caseIds: [caseId],
            attendeeStaffIds: [coordinator.staffId, agencyA.staffId],
          });
      },
    },
    {
      action: 'minutes.update',
      label: 'PUT draft minutes',
      ok: 200,
      writes: { table: 'minutes', key: 'meeting_id' },
      arrange: async () => {
        const { caseId, meetingId } = await minutesAbout();
        return () =>
          as(coordinator, 'put', `${base()}/meetings/${meetingId}/minutes`, {
            body: CONTENT.newMinutes,
            decisions: [{ text: CONTENT.decision, caseId }],
          });
      },
    },
    {
      action: 'minutes.finalize',
      label: 'finalise minutes',
      ok: 200,
      writes: { table: 'minutes', key: 'meeting_id' },
      arrange: async () => {
        const { meetingId } = await minutesAbout();
        return () => as(coordinator, 'post', `${base()}/meetings/${meetingId}/minutes/finalize`);
      },
    },
    {
      action: 'case.review_scheduled',
      label: 'finalise a practitioners’ review (next review date to the ledger)',
      ok: 200,
      writes: { table: 'cases', key: 'id' },
      arrange: async () => {
        const caseId = await newCase();
        const res = await send(
          coordinator,
          'post',
          '/meetings',
          {
            tier: 'practitioners',
            title: CONTENT.meetingTitle,
            heldAt: '2026-11-20T14:00:00+09:00',
            caseIds: [caseId],
            attendeeStaffIds: [coordinator.staffId],
          },
          201,
        );
        const meetingId = res.body.id as string;
        await send(
          coordinator,
          'put',
          `/meetings/${meetingId}/minutes`,
          {
            body: CONTENT.minutes,
            reviews: [{ caseId, outcome: 'continue', nextReviewOn: inDays(60) }],
          },
          200,
        );
        return () => as(coordinator, 'post', `${base()}/meetings/${meetingId}/minutes/finalize`);
      },
    },
    {
      action: 'minutes.addendum',
      label: 'POST an addendum to final minutes',
      ok: 201,
      writes: { table: 'minutes_addenda', key: 'meeting_id' },
      arrange: async () => {
        const { meetingId } = await minutesAbout();
        await finalize(meetingId);
        return () =>
          as(coordinator, 'post', `${base()}/meetings/${meetingId}/minutes/addenda`, {
            text: CONTENT.addendum,
            reason: CONTENT.addendumReason,
          });
      },
    },
    {
      action: 'action_item.update',
      label: 'PATCH an action item (owning agency)',
      ok: 200,
      writes: { table: 'minutes_action_items', key: 'id' },
      arrange: async () => {
        const { meetingId, itemId } = await minutesAbout();
        await finalize(meetingId);
        return () =>
          as(agencyA, 'patch', `${base()}/action-items/${itemId}`, { status: 'in_progress' });
      },
    },
    {
      // Issue 19: no disposal without its certificate — the data key stays, nothing is blanked.
      action: 'case.dispose',
      label: 'POST a disposal (coordinator)',
      ok: 200,
      writes: { table: 'cases', key: 'id' },
      arrange: async () => {
        const caseId = await newCase();
        await as(coordinator, 'post', `${base()}/cases/${caseId}/notes`, { body: CONTENT.note });
        await as(coordinator, 'post', `${base()}/cases/${caseId}/close`, { reason: 'done' });
        await t.db.superuser.query(
          `UPDATE cases SET closed_at = now() - interval '20 years' WHERE id = $1`,
          [caseId],
        );
        return () => as(coordinator, 'post', `${base()}/cases/${caseId}/disposal`, {});
      },
    },
    {
      action: 'subject_request.create',
      label: 'POST a subject request',
      ok: 201,
      writes: { table: 'subject_requests', key: 'id' },
      arrange: async () => {
        const caseId = await newCase();
        return () =>
          as(coordinator, 'post', `${base()}/cases/${caseId}/subject-requests`, {
            kind: 'disclosure',
            receivedOn: inDays(-2),
            channel: 'mail',
            controller: 'municipality',
          });
      },
    },
  ];

  // ---- observation, as a database administrator ------------------------------------------

  /** Per tenant table: row count and a hash of every row of this council, in a stable order. */
  async function snapshot(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const table of tenantTables) {
      const { rows } = await t.db.superuser.query<{ n: number; h: string }>(
        `SELECT count(*)::int AS n,
                md5(coalesce(string_agg(to_jsonb(x)::text, E'\\n' ORDER BY to_jsonb(x)::text), '')) AS h
           FROM ${table} x WHERE council_id = $1`,
        [c.councilId],
      );
      out[table] = `${rows[0].n}:${rows[0].h}`;
    }
    return out;
  }

  async function lastSeq(): Promise<number> {
    const { rows } = await t.db.superuser.query<{ seq: number }>(
      `SELECT coalesce(max(seq), 0)::int AS seq FROM audit_events WHERE council_id = $1`,
      [c.councilId],
    );
    return rows[0].seq;
  }

  /** Allowed events of `action` written after `seq`, with the id of the transaction that wrote each. */
  async function allowedSince(
    seq: number,
    action: string,
  ): Promise<{ resourceId: string | null; xmin: string }[]> {
    const { rows } = await t.db.superuser.query<{ resourceId: string | null; xmin: string }>(
      `SELECT resource_id AS "resourceId", xmin::text AS xmin FROM audit_events
        WHERE council_id = $1 AND seq > $2 AND action = $3 AND outcome = 'allowed' ORDER BY seq`,
      [c.councilId, seq, action],
    );
    return rows;
  }

  /** Makes every INSERT of an audit event with this action fail, as a broken audit store would. */
  async function failAuditOf(action: string): Promise<void> {
    if (!/^[a-z_]+\.[a-z_.]+$/.test(action)) throw new Error(`not an action: ${action}`);
    await t.db.superuser.query(`
      CREATE FUNCTION test_fail_closed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action = '${action}' THEN RAISE EXCEPTION '${TRIGGER_MESSAGE}'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_fail_closed BEFORE INSERT ON audit_events
        FOR EACH ROW EXECUTE FUNCTION test_fail_closed();`);
  }

  async function repairAudit(): Promise<void> {
    await t.db.superuser.query(
      `DROP TRIGGER IF EXISTS test_fail_closed ON audit_events; DROP FUNCTION IF EXISTS test_fail_closed();`,
    );
  }

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator']);
    [coordinator] = c.staff;
    const staffOfNewBody = async (name: string): Promise<TestStaff> => {
      const body = await send(
        coordinator,
        'post',
        '/member-bodies',
        {
          name: `${name} ${Math.random().toString(36).slice(2, 8)}`,
          kind: 'npo',
          joinedOn: '2024-04-01',
        },
        201,
      );
      const staff: TestStaff = await inviteStaff(t, c.councilId, coordinator, {
        memberBodyId: body.body.id as string,
        email: `fc-${Math.random().toString(36).slice(2, 10)}@test.example`,
        displayName: name,
        pledge: false,
      });
      // Also logs them in now, so no login happens inside a measured request.
      await send(staff, 'post', '/pledge', { version: 1, accepted: true }, 201);
      return staff;
    };
    agencyA = await staffOfNewBody('見守りNPO');
    agencyB = await staffOfNewBody('社会福祉協議会');
    const { rows } = await t.db.superuser.query<{ name: string }>(
      `SELECT format('%I.%I', c.table_schema, c.table_name) AS name
         FROM information_schema.columns c
         JOIN information_schema.tables tb USING (table_schema, table_name)
        WHERE c.column_name = 'council_id' AND tb.table_type = 'BASE TABLE'
          AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
          AND c.table_name NOT IN ('audit_events', 'audit_chain_heads')
        ORDER BY 1`,
    );
    tenantTables = rows.map((r) => r.name);
  });
  afterEach(repairAudit);
  afterAll(async () => {
    await t.close();
  });

  it('watches every table that holds case and meeting data', () => {
    expect(tenantTables).toEqual(
      expect.arrayContaining(
        [
          'cases',
          'consents',
          'consent_bodies',
          'case_assignments',
          'case_status_history',
          'case_notes',
          'support_plans',
          'plan_actions',
          'plan_action_history',
          'info_requests',
          'meetings',
          'meeting_cases',
          'meeting_attendees',
          'minutes',
          'minutes_decisions',
          'minutes_action_items',
          'minutes_action_item_history',
          'minutes_case_reviews',
          'minutes_addenda',
        ].map((table) => `public.${table}`),
      ),
    );
  });

  describe.each([
    ['reads', reads],
    ['writes', writes as Access[]],
  ])('%s', (_kind, accesses) => {
    it.each(accesses)(
      '$action ($label): answers 500 with no content and changes nothing when its event cannot be written',
      async ({ action, ok, arrange }) => {
        const sut = await arrange();
        const before = await snapshot();
        const seq = await lastSeq();

        await failAuditOf(action);
        let res: Response;
        try {
          res = await sut();
        } finally {
          await repairAudit();
        }

        expect(res.status).toBe(500);
        const answer = JSON.stringify(res.body);
        for (const text of [...Object.values(CONTENT), TRIGGER_MESSAGE, 'audit_events'])
          expect(answer).not.toContain(text);
        expect(await snapshot()).toEqual(before);
        expect(await allowedSince(seq, action)).toEqual([]);

        // Control: with the audit store working again, the very same request succeeds and is
        // recorded, so the 500 above came from the failed audit insert and nothing else.
        const again = await sut();
        expect(again.status).toBe(ok);
        expect(await allowedSince(seq, action)).toHaveLength(1);
      },
    );
  });

  it.each(writes)(
    '$action ($label): commits the change and its audit event in one transaction',
    async ({ action, ok, writes: written, arrange }) => {
      const sut = await arrange();
      const seq = await lastSeq();

      const res = await sut();

      expect(res.status).toBe(ok);
      const events = await allowedSince(seq, action);
      expect(events).toHaveLength(1);
      const [{ resourceId, xmin }] = events;
      const { rows } = await t.db.superuser.query<{ xmin: string }>(
        `SELECT xmin::text AS xmin FROM ${written.table} WHERE council_id = $1 AND ${written.key} = $2`,
        [c.councilId, resourceId],
      );
      expect(rows).toHaveLength(1);
      // xmin is the id of the transaction that wrote the row version: the same for both.
      expect(rows[0].xmin).toBe(xmin);
    },
  );
});

import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil, inviteStaff, TestCouncil, TestStaff } from '../support/factories';

/** Notes, support plans, information requests, review and closure (issue 5), as each role. */
describe('work on a case (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let agency: TestStaff;
  let auditor: TestStaff;
  let other: TestStaff;
  let otherBodyId: string;

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;
  const inDays = (n: number) =>
    new Date(Date.now() + 9 * 3600_000 + n * 86_400_000).toISOString().slice(0, 10);

  async function newCase(extra: object = {}, assignTo?: string): Promise<string> {
    const res = await as(coordinator, 'post', `${base()}/cases`, {
      subject: { familyName: '田中', givenName: '次郎' },
      summary: 's',
      concerns: ['isolation'],
      ...extra,
    });
    expect(res.status).toBe(201);
    if (assignTo) {
      const a = await as(coordinator, 'post', `${base()}/cases/${res.body.id}/assignments`, {
        memberBodyId: assignTo,
        role: 'support',
        scope: 'limited',
        basis: 'statutory',
        basisNote: '法令',
      });
      expect(a.status).toBe(201);
    }
    return res.body.id as string;
  }

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator', 'agency_staff', 'auditor']);
    [coordinator, agency, auditor] = c.staff;
    const body = await as(coordinator, 'post', `${base()}/member-bodies`, {
      name: 'Housing NPO',
      kind: 'housing',
      joinedOn: '2024-04-01',
    });
    otherBodyId = body.body.id;
    other = await inviteStaff(t, c.councilId, coordinator, {
      memberBodyId: otherBodyId,
      email: `housing-${Date.now()}@test.example`,
      displayName: 'H',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('notes', () => {
    it('lets the coordinator and assigned staff write notes, immutable, with author, body and time', async () => {
      const id = await newCase({}, agency.memberBodyId);
      const first = await as(agency, 'post', `${base()}/cases/${id}/notes`, {
        body: '訪問。応答なし。',
      });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        authorUserId: agency.id,
        authorRole: 'agency_staff',
        memberBodyId: agency.memberBodyId,
        createdAt: expect.any(String),
      });
      const correction = await as(coordinator, 'post', `${base()}/cases/${id}/notes`, {
        body: '訂正: 不在票を投函。',
        correctsNoteId: first.body.id,
      });
      expect(correction.status).toBe(201);
      const list = await as(agency, 'get', `${base()}/cases/${id}/notes`);
      expect(
        list.body.items.map((n: { correctsNoteId: string | null }) => n.correctsNoteId),
      ).toEqual([null, first.body.id]);
      await expect(
        t.db.superuser.query(`UPDATE case_notes SET body = 'x' WHERE id = $1`, [first.body.id]),
      ).rejects.toThrow(/append-only/);
    });

    it('refuses notes from a body that is not assigned (404) and from auditors (403)', async () => {
      const id = await newCase({}, agency.memberBodyId);
      expect((await as(other, 'post', `${base()}/cases/${id}/notes`, { body: 'x' })).status).toBe(
        404,
      );
      expect((await as(other, 'get', `${base()}/cases/${id}/notes`)).status).toBe(404);
      expect((await as(auditor, 'get', `${base()}/cases/${id}/notes`)).status).toBe(403);
    });

    it('refuses a correction of a note that is not on this case', async () => {
      const a = await newCase();
      const b = await newCase();
      const note = await as(coordinator, 'post', `${base()}/cases/${a}/notes`, { body: 'on a' });
      expect(
        (
          await as(coordinator, 'post', `${base()}/cases/${b}/notes`, {
            body: 'x',
            correctsNoteId: note.body.id,
          })
        ).status,
      ).toBe(404);
    });
  });

  describe('support plans', () => {
    it('makes a new version on every save and keeps the history', async () => {
      const id = await newCase({}, agency.memberBodyId);
      const v1 = await as(coordinator, 'post', `${base()}/cases/${id}/plans`, {
        goals: [{ text: '週1回の見守り' }],
        actions: [{ text: '訪問', memberBodyId: agency.memberBodyId, dueOn: inDays(7) }],
      });
      expect(v1.status).toBe(201);
      expect(v1.body).toMatchObject({
        version: 1,
        actions: [{ status: 'open', memberBodyId: agency.memberBodyId }],
      });
      const v2 = await as(coordinator, 'post', `${base()}/cases/${id}/plans`, {
        goals: [{ text: '週2回の見守り' }, { text: '就労相談' }],
        actions: [
          { text: '訪問', memberBodyId: agency.memberBodyId, dueOn: inDays(7) },
          { text: '住まい相談', memberBodyId: otherBodyId, dueOn: inDays(14) },
        ],
      });
      expect(v2.body.version).toBe(2);
      const plans = await as(agency, 'get', `${base()}/cases/${id}/plans`);
      expect(plans.status).toBe(200);
      expect(plans.body.current.version).toBe(2);
      expect(plans.body.history.map((p: { version: number }) => p.version)).toEqual([1]);
      expect(plans.body.history[0].goals).toEqual([{ text: '週1回の見守り' }]);
    });

    it('lets staff change the status of their own body’s actions only', async () => {
      const id = await newCase({}, agency.memberBodyId);
      await as(coordinator, 'post', `${base()}/cases/${id}/assignments`, {
        memberBodyId: otherBodyId,
        role: 'lead',
        scope: 'limited',
        basis: 'statutory',
        basisNote: '法令',
      });
      const plan = await as(coordinator, 'post', `${base()}/cases/${id}/plans`, {
        goals: [{ text: 'g' }],
        actions: [
          { text: 'mine', memberBodyId: agency.memberBodyId, dueOn: inDays(3) },
          { text: 'theirs', memberBodyId: otherBodyId, dueOn: inDays(3) },
        ],
      });
      const [mine, theirs] = plan.body.actions;
      const ok = await as(agency, 'patch', `${base()}/cases/${id}/plans/actions/${mine.id}`, {
        status: 'in_progress',
      });
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('in_progress');
      const refused = await as(
        agency,
        'patch',
        `${base()}/cases/${id}/plans/actions/${theirs.id}`,
        { status: 'done' },
      );
      expect(refused.status).toBe(403);
      expect(
        (
          await as(coordinator, 'patch', `${base()}/cases/${id}/plans/actions/${theirs.id}`, {
            status: 'done',
          })
        ).status,
      ).toBe(200);
      const history = await t.db.superuser.query(
        `SELECT from_status, to_status FROM plan_action_history WHERE action_id = $1`,
        [mine.id],
      );
      expect(history.rows).toEqual([{ from_status: 'open', to_status: 'in_progress' }]);
      expect(
        (
          await as(agency, 'patch', `${base()}/cases/${id}/plans/actions/${mine.id}`, {
            status: 'finished',
          })
        ).status,
      ).toBe(400);
    });

    it('refuses an action owned by a body of another council with 404 and saves nothing', async () => {
      const id = await newCase();
      const foreign = await createCouncil(t, ['coordinator']);
      const res = await as(coordinator, 'post', `${base()}/cases/${id}/plans`, {
        goals: [{ text: 'g' }],
        actions: [{ text: 'x', memberBodyId: foreign.memberBodyId, dueOn: inDays(3) }],
      });
      expect(res.status).toBe(404);
      const { rows } = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM support_plans WHERE case_id = $1`,
        [id],
      );
      expect(rows[0].n).toBe(0);
    });
  });

  describe('information requests (Art. 16)', () => {
    it('reach an unassigned body with only the case number and name, and are answered once', async () => {
      const id = await newCase({
        subject: { familyName: '秘密', givenName: '花子', address: '非公開の住所' },
        summary: '非公開の経緯',
      });
      const created = await as(coordinator, 'post', `${base()}/cases/${id}/info-requests`, {
        memberBodyId: otherBodyId,
        question: '過去の相談歴はありますか',
        dueOn: inDays(7),
      });
      expect(created.status).toBe(201);
      const inbox = await as(other, 'get', `${base()}/info-requests`);
      const mine = inbox.body.items.find((r: { id: string }) => r.id === created.body.id);
      expect(mine.case).toEqual({
        id,
        caseNumber: expect.any(String),
        familyName: '秘密',
        givenName: '花子',
      });
      expect(JSON.stringify(inbox.body)).not.toContain('非公開');
      // Not assigned: the case itself stays out of reach.
      expect((await as(other, 'get', `${base()}/cases/${id}`)).status).toBe(404);
      // Another body does not see the request at all.
      expect(
        (await as(agency, 'get', `${base()}/info-requests`)).body.items.map(
          (r: { id: string }) => r.id,
        ),
      ).not.toContain(created.body.id);
      expect(
        (
          await as(agency, 'post', `${base()}/info-requests/${created.body.id}/respond`, {
            answer: 'x',
          })
        ).status,
      ).toBe(404);

      const answered = await as(
        other,
        'post',
        `${base()}/info-requests/${created.body.id}/respond`,
        { answer: '2023年に一度相談あり' },
      );
      expect(answered.status).toBe(200);
      expect(answered.body.answeredAt).toEqual(expect.any(String));
      const again = await as(other, 'post', `${base()}/info-requests/${created.body.id}/respond`, {
        answer: 'changed',
      });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('ALREADY_ANSWERED');
    });

    it('lists overdue requests for the coordinator', async () => {
      const id = await newCase();
      const created = await as(coordinator, 'post', `${base()}/cases/${id}/info-requests`, {
        memberBodyId: otherBodyId,
        question: 'q',
        dueOn: inDays(-1),
      });
      const notDue = await as(coordinator, 'post', `${base()}/cases/${id}/info-requests`, {
        memberBodyId: otherBodyId,
        question: 'q2',
        dueOn: inDays(5),
      });
      const overdue = await as(coordinator, 'get', `${base()}/info-requests?overdue=true`);
      const ids = overdue.body.items.map((r: { id: string }) => r.id);
      expect(ids).toContain(created.body.id);
      expect(ids).not.toContain(notDue.body.id);
    });
  });

  describe('review and closure', () => {
    it('lists open cases due for review in the case ledger', async () => {
      const due = await newCase({ reviewDueOn: inDays(-2) });
      const later = await newCase({ reviewDueOn: inDays(60) });
      const res = await as(
        coordinator,
        'get',
        `${base()}/cases?status=open&reviewDue=before:${inDays(1)}&limit=200`,
      );
      const ids = res.body.items.map((x: { id: string }) => x.id);
      expect(ids).toContain(due);
      expect(ids).not.toContain(later);
      expect((await as(coordinator, 'get', `${base()}/cases?reviewDue=soon`)).status).toBe(400);
    });

    it('closes with a reason, then refuses changes (409) until reopened with a reason; history is kept', async () => {
      const id = await newCase({}, agency.memberBodyId);
      const request = await as(coordinator, 'post', `${base()}/cases/${id}/info-requests`, {
        memberBodyId: agency.memberBodyId,
        question: '状況を教えてください',
        dueOn: '2030-01-01',
      });
      expect(request.status).toBe(201);
      expect((await as(coordinator, 'post', `${base()}/cases/${id}/close`, {})).status).toBe(400);
      const closed = await as(coordinator, 'post', `${base()}/cases/${id}/close`, {
        reason: '支援終結',
      });
      expect(closed.status).toBe(200);
      expect(closed.body.status).toBe('closed');

      const note = await as(coordinator, 'post', `${base()}/cases/${id}/notes`, {
        body: 'late note',
      });
      expect(note.status).toBe(409);
      expect(note.body.code).toBe('CASE_CLOSED');
      expect(
        (await as(coordinator, 'patch', `${base()}/cases/${id}`, { summary: 'x' })).status,
      ).toBe(409);
      expect(
        (
          await as(coordinator, 'post', `${base()}/cases/${id}/plans`, {
            goals: [{ text: 'g' }],
            actions: [],
          })
        ).status,
      ).toBe(409);
      expect(
        (await as(coordinator, 'post', `${base()}/cases/${id}/close`, { reason: 'again' })).status,
      ).toBe(409);
      // The addressed body still sees its request, but a closed case takes no answer either.
      const answer = await as(
        agency,
        'post',
        `${base()}/info-requests/${request.body.id}/respond`,
        { answer: 'late' },
      );
      expect(answer.status).toBe(409);
      expect(answer.body.code).toBe('CASE_CLOSED');
      expect(
        (await as(agency, 'post', `${base()}/cases/${id}/reopen`, { reason: 'x' })).status,
      ).toBe(403);

      const reopened = await as(coordinator, 'post', `${base()}/cases/${id}/reopen`, {
        reason: '再相談',
      });
      expect(reopened.status).toBe(200);
      expect(
        reopened.body.history.map((h: { status: string; reason: string }) => [h.status, h.reason]),
      ).toEqual([
        ['closed', '支援終結'],
        ['open', '再相談'],
      ]);
      expect(
        (await as(coordinator, 'post', `${base()}/cases/${id}/notes`, { body: 'after reopening' }))
          .status,
      ).toBe(201);
    });

    it('ends every body’s assignment when a case closes, one event each; reopening restores none', async () => {
      const id = await newCase({}, agency.memberBodyId);
      expect((await as(agency, 'get', `${base()}/cases/${id}`)).status).toBe(200);
      expect(
        (await as(coordinator, 'post', `${base()}/cases/${id}/close`, { reason: '終結' })).status,
      ).toBe(200);
      expect((await as(agency, 'get', `${base()}/cases/${id}`)).status).toBe(404);
      const view = await as(coordinator, 'get', `${base()}/cases/${id}`);
      expect(
        view.body.assignments.map((a: { endReason: string; active: boolean }) => [
          a.endReason,
          a.active,
        ]),
      ).toEqual([['case_closed', false]]);
      const events = await t.db.superuser.query(
        `SELECT resource_ids FROM audit_events WHERE council_id = $1 AND case_id = $2 AND action = 'assignment.end' AND reason = 'case_closed'`,
        [c.councilId, id],
      );
      expect(events.rows.map((r) => r.resource_ids)).toEqual([[agency.memberBodyId]]);

      expect(
        (await as(coordinator, 'post', `${base()}/cases/${id}/reopen`, { reason: '再開' })).status,
      ).toBe(200);
      expect((await as(agency, 'get', `${base()}/cases/${id}`)).status).toBe(404);
    });

    it('closes at a meeting only when that meeting of this council discussed the case (422 otherwise)', async () => {
      const id = await newCase({}, agency.memberBodyId);
      const other = await newCase({}, agency.memberBodyId);
      const meeting = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'case_conference',
        title: '検討会議',
        heldAt: '2026-01-10T10:00:00Z',
        caseIds: [other],
      });
      expect(meeting.status).toBe(201);
      for (const meetingId of ['00000000-0000-4000-8000-00000000abcd', meeting.body.id]) {
        const res = await as(coordinator, 'post', `${base()}/cases/${id}/close`, {
          reason: '終結',
          meetingId,
        });
        expect(res.status).toBe(422);
        expect(res.body.code).toBe('MEETING_NOT_ABOUT_CASE');
      }
      expect((await as(coordinator, 'get', `${base()}/cases/${id}`)).body.status).toBe('open');
      const atMeeting = await as(coordinator, 'post', `${base()}/cases/${other}/close`, {
        reason: '終結',
        meetingId: meeting.body.id,
      });
      expect(atMeeting.status).toBe(200);
    });
  });

  describe('bad input changes nothing', () => {
    it.each([
      [
        'an unknown concern',
        { subject: { familyName: 'a', givenName: 'b' }, summary: 's', concerns: ['witchcraft'] },
      ],
      [
        'a birth date that is not a date',
        {
          subject: { familyName: 'a', givenName: 'b', birthDate: '1990-13-01' },
          summary: 's',
          concerns: ['other'],
        },
      ],
      [
        'kana that is not kana',
        {
          subject: { familyName: 'a', givenName: 'b', familyNameKana: 'abc' },
          summary: 's',
          concerns: ['other'],
        },
      ],
      [
        'an unknown field',
        {
          subject: { familyName: 'a', givenName: 'b' },
          summary: 's',
          concerns: ['other'],
          status: 'closed',
        },
      ],
    ])('refuses a case with %s (400)', async (_label, body) => {
      const before = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM cases WHERE council_id = $1`,
        [c.councilId],
      );
      const res = await as(coordinator, 'post', `${base()}/cases`, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const after = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM cases WHERE council_id = $1`,
        [c.councilId],
      );
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });

    it('refuses consent obtained in the future (400) or expiring before it was obtained (400)', async () => {
      const id = await newCase();
      expect(
        (
          await as(coordinator, 'post', `${base()}/cases/${id}/consents`, {
            memberBodyIds: [agency.memberBodyId],
            method: 'written',
            obtainedOn: inDays(3),
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await as(coordinator, 'post', `${base()}/cases/${id}/consents`, {
            memberBodyIds: [agency.memberBodyId],
            method: 'written',
            obtainedOn: inDays(-3),
            expiresOn: inDays(-5),
          })
        ).status,
      ).toBe(400);
      const { rows } = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM consents WHERE case_id = $1`,
        [id],
      );
      expect(rows[0].n).toBe(0);
    });

    it('refuses assigning a body that left the council (422)', async () => {
      const body = await as(coordinator, 'post', `${base()}/member-bodies`, {
        name: `Leaving ${Date.now()}`,
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      await as(coordinator, 'post', `${base()}/member-bodies/${body.body.id}/leave`, {
        leftOn: inDays(0),
      });
      const id = await newCase();
      const res = await as(coordinator, 'post', `${base()}/cases/${id}/assignments`, {
        memberBodyId: body.body.id,
        role: 'lead',
        scope: 'full',
        basis: 'statutory',
        basisNote: 'n',
      });
      expect(res.status).toBe(422);
    });

    it('shows the coordinator why an assignment no longer gives access', async () => {
      const id = await newCase();
      const consent = await as(coordinator, 'post', `${base()}/cases/${id}/consents`, {
        memberBodyIds: [agency.memberBodyId],
        method: 'verbal',
        obtainedOn: inDays(-1),
      });
      await as(coordinator, 'post', `${base()}/cases/${id}/assignments`, {
        memberBodyId: agency.memberBodyId,
        role: 'lead',
        scope: 'full',
        basis: 'consent',
      });
      await as(coordinator, 'post', `${base()}/cases/${id}/consents/${consent.body.id}/withdraw`, {
        withdrawnOn: inDays(0),
      });
      const seen = await as(coordinator, 'get', `${base()}/cases/${id}`);
      expect(seen.body.assignments[0]).toMatchObject({
        active: false,
        accessEndedReason: 'consent_withdrawn',
      });
    });
  });
});

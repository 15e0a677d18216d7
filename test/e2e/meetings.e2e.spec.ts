import request from '../support/http';
import { DEMO_PASSWORD, DemoSeeder } from '../../src/seed/demo-seed';
import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  inviteStaff,
  login,
  TestCouncil,
  TestStaff,
} from '../support/factories';

/** Meetings of three tiers, attendance, minutes that cannot be rewritten (issue 6), per role. */
describe('meetings and minutes (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let auditor: TestStaff;
  /** Staff of three further bodies: A and B get assignments, C none. */
  let agencyA: TestStaff;
  let agencyB: TestStaff;
  let agencyC: TestStaff;
  let caseA: string;
  let caseB: string;

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;
  const inDays = (n: number) =>
    new Date(Date.now() + 9 * 3600_000 + n * 86_400_000).toISOString().slice(0, 10);
  const ids = (items: { id: string }[]) => items.map((x) => x.id);

  async function newBodyWithStaff(name: string, pledge = true): Promise<TestStaff> {
    const body = await as(coordinator, 'post', `${base()}/member-bodies`, {
      name: `${name} ${Math.random().toString(36).slice(2, 8)}`,
      kind: 'npo',
      joinedOn: '2024-04-01',
    });
    expect(body.status).toBe(201);
    return newStaff(body.body.id, pledge);
  }

  async function newStaff(memberBodyId: string, pledge = true): Promise<TestStaff> {
    return inviteStaff(t, c.councilId, coordinator, {
      memberBodyId,
      email: `m-${Math.random().toString(36).slice(2, 10)}@test.example`,
      displayName: 'M',
      pledge,
    });
  }

  async function newCase(extra: object = {}, assignTo?: string): Promise<string> {
    const res = await as(coordinator, 'post', `${base()}/cases`, {
      subject: { familyName: '会議', givenName: '太郎' },
      summary: 's',
      concerns: ['isolation'],
      ...extra,
    });
    expect(res.status).toBe(201);
    if (assignTo) await assign(res.body.id as string, assignTo, false, 'lead');
    return res.body.id as string;
  }

  /** A covered assignment: statutory, or on the consent given (answers the assignment id). */
  async function assign(
    caseId: string,
    memberBodyId: string,
    consentOn = false,
    role: 'lead' | 'support' = 'support',
  ): Promise<string> {
    if (consentOn) {
      const consent = await as(coordinator, 'post', `${base()}/cases/${caseId}/consents`, {
        memberBodyIds: [memberBodyId],
        method: 'written',
        obtainedOn: inDays(-1),
      });
      expect(consent.status).toBe(201);
    }
    const a = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
      memberBodyId,
      role,
      scope: 'limited',
      ...(consentOn ? { basis: 'consent' } : { basis: 'statutory', basisNote: '法令' }),
    });
    expect(a.status).toBe(201);
    return a.body.id as string;
  }

  async function meeting(body: object): Promise<string> {
    const res = await as(coordinator, 'post', `${base()}/meetings`, {
      title: '会議',
      heldAt: '2026-11-20T14:00:00+09:00',
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  /** The caller's latest audit event of that action (identifiers only). */
  const lastEvent = async (who: TestStaff, action: string) =>
    (
      await t.db.superuser.query(
        `SELECT outcome, reason, resource_type, resource_id, resource_ids, case_id, rule_id
           FROM audit_events WHERE council_id = $1 AND actor_user_id = $2 AND action = $3
          ORDER BY seq DESC LIMIT 1`,
        [c.councilId, who.id, action],
      )
    ).rows[0] as Record<string, unknown> | undefined;

  const count = async (table: string): Promise<number> =>
    (
      await t.db.superuser.query(`SELECT count(*)::int AS n FROM ${table} WHERE council_id = $1`, [
        c.councilId,
      ])
    ).rows[0].n;

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator', 'agency_staff', 'auditor']);
    [coordinator, , auditor] = c.staff;
    agencyA = await newBodyWithStaff('社協');
    agencyB = await newBodyWithStaff('NPO');
    agencyC = await newBodyWithStaff('住まい');
    caseA = await newCase({}, agencyA.memberBodyId);
    caseB = await newCase({}, agencyB.memberBodyId);
    // A attends conferences on A and B below: a body needs coverage on every case of one.
    await assign(caseB, agencyA.memberBodyId);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('creating meetings', () => {
    it('refuses a representatives’ meeting that names a case with 422 CASES_NOT_ALLOWED and creates nothing', async () => {
      const before = [await count('meetings'), await count('minutes')];
      const res = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'representatives',
        title: '代表者会議',
        heldAt: '2026-11-20T14:00:00+09:00',
        caseIds: [caseA],
        attendeeStaffIds: [coordinator.staffId],
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('CASES_NOT_ALLOWED');
      const pulled = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'representatives',
        title: '代表者会議',
        heldAt: '2026-11-20T14:00:00+09:00',
        includeCasesDueForReview: true,
      });
      expect(pulled.status).toBe(422);
      expect([await count('meetings'), await count('minutes')]).toEqual(before);
    });

    it('lets a coordinator record a representatives’ meeting without cases, with an external attendee', async () => {
      const res = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'representatives',
        title: '令和8年度 第1回 代表者会議',
        heldAt: '2026-06-10T10:00:00+09:00',
        place: '市役所 第1会議室',
        caseIds: [],
        attendeeStaffIds: [coordinator.staffId, agencyA.staffId],
        externalAttendees: [
          { name: '学識 一郎', organisation: '桜ヶ丘大学', confidentialityAcknowledged: true },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        tier: 'representatives',
        heldAt: '2026-06-10T01:00:00.000Z',
        caseIds: [],
        minutes: { status: 'draft', finalizedAt: null },
        externalAttendees: [
          {
            name: '学識 一郎',
            organisation: '桜ヶ丘大学',
            confidentialityAcknowledgedAt: expect.any(String),
          },
        ],
      });
      expect(res.body.attendees.map((a: { staffId: string }) => a.staffId).sort()).toEqual(
        [coordinator.staffId, agencyA.staffId].sort(),
      );
      // Invariant 7 in the database too: no case can be attached afterwards.
      await expect(
        t.db.superuser.query(
          `INSERT INTO meeting_cases (council_id, meeting_id, case_id, source) VALUES ($1, $2, $3, 'named')`,
          [c.councilId, res.body.id, caseA],
        ),
      ).rejects.toThrow(/representatives/);
    });

    it('refuses an external attendee who has not acknowledged confidentiality (422)', async () => {
      const res = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'representatives',
        title: 'x',
        heldAt: '2026-06-10T10:00:00+09:00',
        externalAttendees: [{ name: 'n', organisation: 'o', confidentialityAcknowledged: false }],
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('CONFIDENTIALITY_NOT_ACKNOWLEDGED');
    });

    it('refuses un-pledged, ended and foreign staff as attendees (422 ATTENDEE_NOT_ELIGIBLE) and creates nothing', async () => {
      const unpledged = await newStaff(agencyC.memberBodyId, false);
      const ended = await newStaff(agencyC.memberBodyId);
      expect(
        (
          await as(coordinator, 'post', `${base()}/staff/${ended.staffId}/end`, {
            endedOn: inDays(0),
          })
        ).status,
      ).toBe(200);
      const foreign = await createCouncil(t, ['coordinator']);
      const before = await count('meetings');
      for (const [staff, reason] of [
        [unpledged.staffId, 'no_pledge'],
        [ended.staffId, 'not_current'],
        [foreign.staff[0].staffId, 'not_found'],
      ]) {
        const res = await as(coordinator, 'post', `${base()}/meetings`, {
          tier: 'practitioners',
          title: '実務者会議',
          heldAt: '2026-11-20T14:00:00+09:00',
          caseIds: [caseA],
          attendeeStaffIds: [coordinator.staffId, staff],
        });
        expect(res.status).toBe(422);
        expect(res.body.code).toBe('ATTENDEE_NOT_ELIGIBLE');
        expect(res.body.details).toEqual([{ staffId: staff, reason }]);
      }
      expect(await count('meetings')).toBe(before);
      expect(await count('meeting_attendees')).toBeGreaterThan(0); // control: other tests' rows
    });

    it('admits to a case conference only staff whose body is covered on every one of its cases', async () => {
      const onlyB = await newCase({}, agencyB.memberBodyId);
      const before = await count('meetings');
      const res = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'case_conference',
        title: '個別ケース検討会議',
        heldAt: '2026-11-20T14:00:00+09:00',
        caseIds: [caseA],
        attendeeStaffIds: [coordinator.staffId, agencyA.staffId, agencyC.staffId],
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('ATTENDEE_NOT_INVOLVED');
      expect(res.body.details).toEqual([
        { staffId: agencyC.staffId, reason: 'not_assigned', caseIds: [caseA] },
      ]);
      // Covered on one of two cases is not enough: attending would show A the case of B.
      const two = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'case_conference',
        title: '個別ケース検討会議',
        heldAt: '2026-11-20T14:00:00+09:00',
        caseIds: [caseA, onlyB],
        attendeeStaffIds: [coordinator.staffId, agencyA.staffId, agencyB.staffId],
      });
      expect(two.status).toBe(422);
      expect(two.body.code).toBe('ATTENDEE_NOT_INVOLVED');
      expect(two.body.details).toEqual(
        expect.arrayContaining([
          { staffId: agencyA.staffId, reason: 'not_assigned', caseIds: [onlyB] },
          { staffId: agencyB.staffId, reason: 'not_assigned', caseIds: [caseA] },
        ]),
      );
      expect(two.body.details).toHaveLength(2);
      expect(await count('meetings')).toBe(before);
      // Coordinators attend any conference; covered on both, A may attend too.
      const ok = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'case_conference',
        title: '個別ケース検討会議',
        heldAt: '2026-11-20T14:00:00+09:00',
        caseIds: [caseA, caseB],
        attendeeStaffIds: [coordinator.staffId, agencyA.staffId],
      });
      expect(ok.status).toBe(201);
      const none = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'case_conference',
        title: '個別ケース検討会議',
        heldAt: '2026-11-20T14:00:00+09:00',
        caseIds: [],
      });
      expect(none.status).toBe(422);
      expect(none.body.code).toBe('CASES_REQUIRED');
    });

    it('answers 400 for a time without a zone, unknown fields and unknown tiers; 403 for agencies', async () => {
      for (const body of [
        { tier: 'practitioners', title: 'x', heldAt: '2026-11-20T14:00:00' },
        { tier: 'practitioners', title: 'x', heldAt: '2026-02-30T14:00:00Z' },
        { tier: 'board', title: 'x', heldAt: '2026-11-20T14:00:00Z' },
        { tier: 'practitioners', title: 'x', heldAt: '2026-11-20T14:00:00Z', secret: 1 },
      ]) {
        const res = await as(coordinator, 'post', `${base()}/meetings`, body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      const res = await as(agencyA, 'post', `${base()}/meetings`, {
        tier: 'practitioners',
        title: 'x',
        heldAt: '2026-11-20T14:00:00Z',
      });
      expect(res.status).toBe(403);
    });

    it('asks un-pledged staff for the pledge first (403 PLEDGE_REQUIRED)', async () => {
      const unpledged = await newStaff(agencyC.memberBodyId, false);
      const res = await as(unpledged, 'get', `${base()}/meetings`);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('PLEDGE_REQUIRED');
    });
  });

  describe('who sees a case conference and its minutes', () => {
    let m: string;
    beforeAll(async () => {
      m = await meeting({
        tier: 'case_conference',
        title: '会議太郎さん 個別ケース検討会議',
        place: '会議太郎さん宅',
        caseIds: [caseA, caseB],
        attendeeStaffIds: [coordinator.staffId, agencyA.staffId],
      });
      const put = await as(coordinator, 'put', `${base()}/meetings/${m}/minutes`, {
        body: '本人の近況を共有した。全体の議論の記録。',
        decisions: [
          { text: 'A案件: 週1回の訪問を継続', caseId: caseA },
          { text: 'B案件: 就労支援につなぐ', caseId: caseB },
          { text: '次回は来月開催' },
        ],
        actionItems: [
          {
            text: 'B: 就労相談の予約',
            memberBodyId: agencyB.memberBodyId,
            dueOn: inDays(14),
            caseId: caseB,
          },
          {
            text: 'A: 訪問記録の共有',
            memberBodyId: agencyA.memberBodyId,
            dueOn: inDays(7),
            caseId: caseA,
          },
        ],
      });
      expect(put.status).toBe(200);
    });

    it('shows coordinators and attendees the meeting and the whole minutes', async () => {
      for (const who of [coordinator, agencyA]) {
        const meetingRes = await as(who, 'get', `${base()}/meetings/${m}`);
        expect(meetingRes.status).toBe(200);
        expect(meetingRes.body.title).toBe('会議太郎さん 個別ケース検討会議');
        expect(meetingRes.body.caseIds.sort()).toEqual([caseA, caseB].sort());
        const minutes = await as(who, 'get', `${base()}/meetings/${m}/minutes`);
        expect(minutes.status).toBe(200);
        expect(minutes.body).toMatchObject({
          access: 'full',
          status: 'draft',
          body: '本人の近況を共有した。全体の議論の記録。',
        });
        expect(minutes.body.decisions).toHaveLength(3);
        expect(minutes.body.actionItems).toHaveLength(2);
        expect(ids((await as(who, 'get', `${base()}/meetings`)).body.items)).toContain(m);
      }
    });

    it('answers 404 to a non-attendee for the meeting and its minutes, and leaves it out of lists', async () => {
      expect((await as(agencyC, 'get', `${base()}/meetings/${m}`)).status).toBe(404);
      const minutes = await as(agencyC, 'get', `${base()}/meetings/${m}/minutes`);
      expect(minutes.status).toBe(404);
      expect(minutes.body.code).toBe('NOT_FOUND');
      expect(ids((await as(agencyC, 'get', `${base()}/meetings`)).body.items)).not.toContain(m);
      // The same answer as for a meeting that does not exist at all.
      const missing = await as(
        agencyC,
        'get',
        `${base()}/meetings/00000000-0000-4000-8000-000000000001/minutes`,
      );
      expect(missing.status).toBe(404);
      const denials = await t.db.superuser.query(
        `SELECT action FROM audit_events WHERE council_id = $1 AND outcome = 'denied' AND resource_id = $2 AND actor_user_id = $3`,
        [c.councilId, m, agencyC.id],
      );
      expect(denials.rows.map((r) => r.action).sort()).toEqual(['meeting.read', 'minutes.read']);
    });

    it('shows an assigned-but-absent agency only the decisions and action items about its case', async () => {
      expect((await as(agencyB, 'get', `${base()}/meetings/${m}`)).status).toBe(404);
      const res = await as(agencyB, 'get', `${base()}/meetings/${m}/minutes`);
      expect(res.status).toBe(200);
      expect(res.body.access).toBe('assigned_case');
      expect(res.body.decisions.map((d: { text: string }) => d.text)).toEqual([
        'B案件: 就労支援につなぐ',
      ]);
      expect(res.body.actionItems.map((i: { text: string }) => i.text)).toEqual([
        'B: 就労相談の予約',
      ]);
      expect(res.body).not.toHaveProperty('body');
      expect(JSON.stringify(res.body)).not.toContain('全体の議論');
      expect(JSON.stringify(res.body)).not.toContain('A案件');
      const decisions = await as(agencyB, 'get', `${base()}/decisions?caseId=${caseB}`);
      expect(decisions.body.items.map((d: { text: string }) => d.text)).toContain(
        'B案件: 就労支援につなぐ',
      );
      expect((await as(agencyB, 'get', `${base()}/decisions?caseId=${caseA}`)).body.items).toEqual(
        [],
      );
    });

    it('takes that view away when the assignment ends (need to know, on the next request)', async () => {
      const extra = await newCase({}, agencyC.memberBodyId);
      const mc = await meeting({
        tier: 'practitioners',
        caseIds: [extra],
        attendeeStaffIds: [coordinator.staffId],
      });
      await as(coordinator, 'put', `${base()}/meetings/${mc}/minutes`, {
        body: 'x',
        decisions: [{ text: 'C案件の方針', caseId: extra }],
      });
      expect((await as(agencyC, 'get', `${base()}/meetings/${mc}/minutes`)).status).toBe(200);
      const caseView = await as(coordinator, 'get', `${base()}/cases/${extra}`);
      const assignment = caseView.body.assignments[0].id as string;
      await as(coordinator, 'post', `${base()}/cases/${extra}/assignments/${assignment}/end`);
      expect((await as(agencyC, 'get', `${base()}/meetings/${mc}/minutes`)).status).toBe(404);
    });

    it('shows auditors who met and when, but never the title, place or minutes text', async () => {
      const meetingRes = await as(auditor, 'get', `${base()}/meetings/${m}`);
      expect(meetingRes.status).toBe(200);
      expect(meetingRes.body).toMatchObject({
        id: m,
        tier: 'case_conference',
        heldAt: expect.any(String),
        attendees: expect.any(Array),
      });
      expect(meetingRes.body).not.toHaveProperty('title');
      expect(meetingRes.body).not.toHaveProperty('place');
      const list = await as(auditor, 'get', `${base()}/meetings`);
      expect(JSON.stringify(list.body)).not.toContain('会議太郎さん');
      const minutes = await as(auditor, 'get', `${base()}/meetings/${m}/minutes`);
      expect(minutes.status).toBe(403);
      expect(JSON.stringify(minutes.body)).not.toContain('全体の議論');
      expect((await as(auditor, 'get', `${base()}/action-items`)).status).toBe(403);
      expect((await as(auditor, 'get', `${base()}/decisions`)).status).toBe(403);
    });

    it('lets only coordinators edit minutes (403 for attendees)', async () => {
      const res = await as(agencyA, 'put', `${base()}/meetings/${m}/minutes`, { body: 'mine now' });
      expect(res.status).toBe(403);
    });
  });

  describe('finalised minutes', () => {
    let m: string;
    beforeAll(async () => {
      m = await meeting({
        tier: 'case_conference',
        caseIds: [caseA],
        attendeeStaffIds: [coordinator.staffId, agencyA.staffId],
      });
    });

    it('refuses finalising before anything was recorded, and addenda on a draft', async () => {
      const res = await as(coordinator, 'post', `${base()}/meetings/${m}/minutes/finalize`);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('MINUTES_EMPTY');
      const draft = await as(coordinator, 'put', `${base()}/meetings/${m}/minutes`, {
        body: '初稿',
        decisions: [{ text: '継続', caseId: caseA }],
        actionItems: [
          { text: '訪問', memberBodyId: agencyA.memberBodyId, dueOn: inDays(7), caseId: caseA },
        ],
      });
      expect(draft.body.revision).toBe(1);
      const addendum = await as(coordinator, 'post', `${base()}/meetings/${m}/minutes/addenda`, {
        text: 'x',
        reason: 'y',
      });
      expect(addendum.status).toBe(409);
      expect(addendum.body.code).toBe('MINUTES_NOT_FINAL');
    });

    it('reject edits with 409 MINUTES_FINAL once final, and accept addenda with reason, author and time', async () => {
      const second = await as(coordinator, 'put', `${base()}/meetings/${m}/minutes`, {
        body: '確定稿',
        decisions: [{ text: '支援を継続する', caseId: caseA }],
        actionItems: [
          {
            text: '月1回訪問',
            memberBodyId: agencyA.memberBodyId,
            dueOn: inDays(30),
            caseId: caseA,
          },
        ],
      });
      expect(second.status).toBe(200);
      expect(second.body.revision).toBe(2);
      const final = await as(coordinator, 'post', `${base()}/meetings/${m}/minutes/finalize`);
      expect(final.status).toBe(200);
      expect(final.body).toMatchObject({
        status: 'final',
        finalizedAt: expect.any(String),
        finalizedBy: coordinator.id,
        body: '確定稿',
      });

      const edit = await as(coordinator, 'put', `${base()}/meetings/${m}/minutes`, {
        body: '改ざん',
      });
      expect(edit.status).toBe(409);
      expect(edit.body.code).toBe('MINUTES_FINAL');
      const again = await as(coordinator, 'post', `${base()}/meetings/${m}/minutes/finalize`);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('MINUTES_FINAL');

      const addendum = await as(coordinator, 'post', `${base()}/meetings/${m}/minutes/addenda`, {
        text: '訪問頻度は月2回の誤り',
        reason: '記載誤り',
      });
      expect(addendum.status).toBe(201);
      expect(addendum.body).toMatchObject({
        text: '訪問頻度は月2回の誤り',
        reason: '記載誤り',
        authorUserId: coordinator.id,
        authorStaffId: coordinator.staffId,
        createdAt: expect.any(String),
      });
      const read = await as(agencyA, 'get', `${base()}/meetings/${m}/minutes`);
      expect(read.body).toMatchObject({
        status: 'final',
        body: '確定稿',
        decisions: [{ text: '支援を継続する' }],
        addenda: [{ text: '訪問頻度は月2回の誤り', reason: '記載誤り' }],
      });
      expect(
        (
          await as(coordinator, 'post', `${base()}/meetings/${m}/minutes/addenda`, {
            text: 'no reason',
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await as(agencyA, 'post', `${base()}/meetings/${m}/minutes/addenda`, {
            text: 'x',
            reason: 'y',
          })
        ).status,
      ).toBe(403);
    });

    it('are immutable in the database too, even for a database administrator', async () => {
      const su = t.db.superuser;
      await expect(
        su.query(`UPDATE minutes SET body = 'x' WHERE meeting_id = $1`, [m]),
      ).rejects.toThrow(/final/);
      await expect(
        su.query(`UPDATE minutes_decisions SET text = 'x' WHERE meeting_id = $1`, [m]),
      ).rejects.toThrow(/append-only/);
      await expect(
        su.query(`UPDATE minutes_action_items SET text = 'x' WHERE meeting_id = $1`, [m]),
      ).rejects.toThrow(/only the status/);
      await expect(
        su.query(
          `INSERT INTO minutes_decisions (council_id, meeting_id, revision, position, text)
           SELECT council_id, meeting_id, revision, 99, 'x' FROM minutes WHERE meeting_id = $1`,
          [m],
        ),
      ).rejects.toThrow(/final/);
      await expect(
        su.query(`UPDATE minutes_addenda SET text = 'x' WHERE meeting_id = $1`, [m]),
      ).rejects.toThrow(/append-only/);
    });

    it('audits reading, finalising and addenda with identifiers only, never the text', async () => {
      const { rows } = await t.db.superuser.query(
        `SELECT action, outcome, resource_id, array_to_string(resource_ids, ',') AS ids, reason
           FROM audit_events WHERE council_id = $1 AND resource_id = $2 ORDER BY seq`,
        [c.councilId, m],
      );
      const actions = rows.map((r) => r.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'meeting.create',
          'minutes.update',
          'minutes.finalize',
          'minutes.read',
        ]),
      );
      const addenda = await t.db.superuser.query(
        `SELECT 1 FROM audit_events WHERE council_id = $1 AND action = 'minutes.addendum' AND outcome = 'allowed'`,
        [c.councilId],
      );
      expect(addenda.rowCount).toBeGreaterThan(0);
      const all = await t.db.superuser.query(
        `SELECT row_to_json(a)::text AS j FROM audit_events a WHERE council_id = $1`,
        [c.councilId],
      );
      const text = all.rows.map((r) => r.j).join('\n');
      for (const secret of ['確定稿', '訪問頻度', '記載誤り', '全体の議論', '会議太郎さん'])
        expect(text).not.toContain(secret);
    });
  });

  describe('decisions linked to what they changed', () => {
    it('links a closure decided at the meeting and the plan version it produced', async () => {
      const id = await newCase({}, agencyA.memberBodyId);
      const m = await meeting({
        tier: 'case_conference',
        caseIds: [id],
        attendeeStaffIds: [coordinator.staffId],
      });
      const plan = await as(coordinator, 'post', `${base()}/cases/${id}/plans`, {
        goals: [{ text: '終結に向けた見守り' }],
        actions: [],
      });
      expect(plan.status).toBe(201);
      const missing = await as(coordinator, 'put', `${base()}/meetings/${m}/minutes`, {
        body: 'b',
        decisions: [{ text: '終結', caseId: id, statusChange: 'closed' }],
      });
      expect(missing.status).toBe(422);
      expect(missing.body.code).toBe('STATUS_CHANGE_NOT_FOUND');
      await as(coordinator, 'post', `${base()}/cases/${id}/close`, {
        reason: '支援終結',
        meetingId: m,
      });
      const res = await as(coordinator, 'put', `${base()}/meetings/${m}/minutes`, {
        body: 'b',
        decisions: [
          { text: '終結', caseId: id, statusChange: 'closed' },
          { text: '計画', caseId: id, supportPlanVersion: 1 },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body.decisions).toMatchObject([
        { statusChange: { status: 'closed', id: expect.any(String) }, supportPlanVersion: null },
        { statusChange: null, supportPlanVersion: 1 },
      ]);
      for (const [decision, code] of [
        [{ text: 'x', caseId: id, supportPlanVersion: 9 }, 'PLAN_VERSION_NOT_FOUND'],
        [{ text: 'x', statusChange: 'closed' }, 'CASE_REQUIRED'],
        [{ text: 'x', caseId: caseB }, 'CASE_NOT_IN_MEETING'],
      ] as const) {
        const bad = await as(coordinator, 'put', `${base()}/meetings/${m}/minutes`, {
          body: 'b',
          decisions: [decision],
        });
        expect(bad.status).toBe(422);
        expect(bad.body.code).toBe(code);
      }
    });

    it('refuses any case reference in a representatives’ meeting’s minutes', async () => {
      const m = await meeting({ tier: 'representatives', attendeeStaffIds: [] });
      const res = await as(coordinator, 'put', `${base()}/meetings/${m}/minutes`, {
        body: '方針',
        actionItems: [
          { text: 'x', memberBodyId: agencyA.memberBodyId, dueOn: inDays(3), caseId: caseA },
        ],
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('CASES_NOT_ALLOWED');
    });
  });

  describe('practitioners’ review', () => {
    it('pulls in every open case due for review, needs an outcome for each, and schedules the next review', async () => {
      const due = await newCase({ reviewDueOn: inDays(-3) });
      const later = await newCase({ reviewDueOn: inDays(90) });
      const res = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'practitioners',
        title: '実務者会議 (進行管理)',
        heldAt: `${inDays(0)}T10:00:00+09:00`,
        caseIds: [caseA],
        attendeeStaffIds: [coordinator.staffId, agencyA.staffId, agencyC.staffId],
        includeCasesDueForReview: true,
      });
      expect(res.status).toBe(201);
      const sources = Object.fromEntries(
        res.body.cases.map((x: { id: string; source: string }) => [x.id, x.source]),
      );
      expect(sources[caseA]).toBe('named');
      expect(sources[due]).toBe('due_for_review');
      expect(sources[later]).toBeUndefined();
      const m = res.body.id as string;

      await as(coordinator, 'put', `${base()}/meetings/${m}/minutes`, {
        body: '進行管理',
        reviews: [{ caseId: caseA, outcome: 'continue' }],
      });
      const refused = await as(coordinator, 'post', `${base()}/meetings/${m}/minutes/finalize`);
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('REVIEW_OUTCOMES_MISSING');
      expect(refused.body.details.map((d: { caseId: string }) => d.caseId)).toContain(due);

      const put = await as(coordinator, 'put', `${base()}/meetings/${m}/minutes`, {
        body: '進行管理',
        reviews: res.body.caseIds.map((caseId: string) => ({
          caseId,
          outcome: caseId === due ? 'revise_plan' : 'continue',
          nextReviewOn: inDays(60),
        })),
      });
      expect(put.status).toBe(200);
      expect(put.body.reviews).toHaveLength(res.body.caseIds.length);
      expect(
        (await as(coordinator, 'post', `${base()}/meetings/${m}/minutes/finalize`)).status,
      ).toBe(200);
      const after = await as(coordinator, 'get', `${base()}/cases/${due}`);
      expect(after.body.reviewDueOn).toBe(inDays(60));
      const caseOnly = await as(coordinator, 'put', `${base()}/meetings/${m}/minutes`, {
        body: 'x',
      });
      expect(caseOnly.status).toBe(409);
    });

    it('pulls due cases into practitioners’ meetings only', async () => {
      const res = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'case_conference',
        title: 'x',
        heldAt: '2026-11-20T14:00:00+09:00',
        caseIds: [caseA],
        includeCasesDueForReview: true,
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('REVIEW_PULL_NOT_ALLOWED');
    });
  });

  describe('action items', () => {
    let mine: string;
    let other: string;
    beforeAll(async () => {
      const m1 = await meeting({
        tier: 'case_conference',
        caseIds: [caseA, caseB],
        attendeeStaffIds: [coordinator.staffId, agencyA.staffId],
      });
      const m2 = await meeting({
        tier: 'representatives',
        attendeeStaffIds: [coordinator.staffId],
      });
      const r1 = await as(coordinator, 'put', `${base()}/meetings/${m1}/minutes`, {
        body: 'b',
        actionItems: [
          { text: 'B item 1', memberBodyId: agencyB.memberBodyId, dueOn: inDays(5), caseId: caseB },
          { text: 'A item', memberBodyId: agencyA.memberBodyId, dueOn: inDays(5), caseId: caseA },
        ],
      });
      await as(coordinator, 'put', `${base()}/meetings/${m2}/minutes`, {
        body: 'b',
        actionItems: [{ text: 'B item 2', memberBodyId: agencyB.memberBodyId, dueOn: inDays(9) }],
      });
      expect(r1.body.actionItems.map((i: { text: string }) => i.text)).toEqual([
        'B item 1',
        'A item',
      ]);
      [mine, other] = ids(r1.body.actionItems);
      // Status moves once the minutes are final.
      expect(
        (await as(agencyB, 'patch', `${base()}/action-items/${mine}`, { status: 'done' })).status,
      ).toBe(409);
      await as(coordinator, 'post', `${base()}/meetings/${m1}/minutes/finalize`);
      await as(coordinator, 'post', `${base()}/meetings/${m2}/minutes/finalize`);
    });

    it('gives a member body its to-do list across meetings (?mine=true)', async () => {
      const res = await as(agencyB, 'get', `${base()}/action-items?mine=true`);
      expect(res.status).toBe(200);
      const texts = res.body.items.map((i: { text: string }) => i.text);
      expect(texts).toEqual(expect.arrayContaining(['B item 1', 'B item 2']));
      expect(texts).not.toContain('A item');
      expect(
        res.body.items.every(
          (i: { memberBodyId: string }) => i.memberBodyId === agencyB.memberBodyId,
        ),
      ).toBe(true);
      expect(res.body.nextCursor).toBeNull();
      const page = await as(agencyB, 'get', `${base()}/action-items?mine=true&limit=1`);
      expect(page.body.items).toHaveLength(1);
      const next = await as(
        agencyB,
        'get',
        `${base()}/action-items?mine=true&limit=1&cursor=${page.body.nextCursor}`,
      );
      expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
    });

    it('lets the owning body move its item along, not another body’s (403 if visible, 404 if not)', async () => {
      const ok = await as(agencyB, 'patch', `${base()}/action-items/${mine}`, {
        status: 'in_progress',
      });
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('in_progress');
      expect(
        (await as(agencyB, 'patch', `${base()}/action-items/${other}`, { status: 'done' })).status,
      ).toBe(404);
      // agencyA attended the meeting and sees B's item, but it is not theirs to move: the
      // update policy refuses it, and the refusal is on record with the item and its case.
      expect(
        (await as(agencyA, 'patch', `${base()}/action-items/${mine}`, { status: 'done' })).status,
      ).toBe(403);
      expect(await lastEvent(agencyA, 'action_item.update')).toMatchObject({
        outcome: 'denied',
        reason: 'forbidden',
        resource_id: mine,
        case_id: caseB,
      });
      expect(
        (await as(coordinator, 'patch', `${base()}/action-items/${mine}`, { status: 'done' }))
          .status,
      ).toBe(200);
      const history = await t.db.superuser.query(
        `SELECT from_status, to_status FROM minutes_action_item_history WHERE action_item_id = $1 ORDER BY changed_at`,
        [mine],
      );
      expect(history.rows).toEqual([
        { from_status: 'open', to_status: 'in_progress' },
        { from_status: 'in_progress', to_status: 'done' },
      ]);
      expect(
        (await as(agencyB, 'patch', `${base()}/action-items/${mine}`, { status: 'finished' }))
          .status,
      ).toBe(400);
    });
  });

  /**
   * DESIGN.md §3.9: attending a meeting once is not coverage. What an attendee sees of a meeting
   * follows its body's coverage of the cases discussed NOW, on the next request.
   */
  describe('need to know after the meeting (issue 12)', () => {
    let agencyX: TestStaff;
    let case1: string;
    let case2: string;
    let consent1: string;
    let assignment2: string;
    let m: string;
    let items: Record<string, string>;
    const texts = (xs: { text: string }[]) => xs.map((x) => x.text);
    /** The coordinator asks: may agency X read the whole minutes? */
    const explainMinutes = async () => {
      const res = await as(
        coordinator,
        'get',
        `${base()}/access/explain?action=read&subject=Minutes&id=${m}&staffId=${agencyX.staffId}`,
      );
      expect(res.status).toBe(200);
      return res.body as { allowed: boolean; ruleId: string | null };
    };

    beforeAll(async () => {
      agencyX = await newBodyWithStaff('見守り');
      case1 = await newCase();
      const consent = await as(coordinator, 'post', `${base()}/cases/${case1}/consents`, {
        memberBodyIds: [agencyX.memberBodyId],
        method: 'written',
        obtainedOn: inDays(-1),
      });
      expect(consent.status).toBe(201);
      consent1 = consent.body.id as string;
      const a1 = await as(coordinator, 'post', `${base()}/cases/${case1}/assignments`, {
        memberBodyId: agencyX.memberBodyId,
        role: 'lead',
        scope: 'limited',
        basis: 'consent',
      });
      expect(a1.status).toBe(201);
      case2 = await newCase();
      assignment2 = await assign(case2, agencyX.memberBodyId);
      m = await meeting({
        tier: 'case_conference',
        title: '見守り会議 (二件)',
        place: '相談室',
        caseIds: [case1, case2],
        attendeeStaffIds: [coordinator.staffId, agencyX.staffId],
        externalAttendees: [
          { name: '外部 専門家', organisation: '大学', confidentialityAcknowledged: true },
        ],
      });
      const put = await as(coordinator, 'put', `${base()}/meetings/${m}/minutes`, {
        body: '二件の全体の記録',
        decisions: [
          { text: '一件目の方針', caseId: case1 },
          { text: '二件目の方針', caseId: case2 },
          { text: '次回の日程' },
        ],
        actionItems: [
          {
            text: '一件目の訪問',
            memberBodyId: agencyX.memberBodyId,
            dueOn: inDays(7),
            caseId: case1,
          },
          {
            text: '二件目の連絡',
            memberBodyId: agencyX.memberBodyId,
            dueOn: inDays(8),
            caseId: case2,
          },
          { text: '資料の準備', memberBodyId: agencyX.memberBodyId, dueOn: inDays(9) },
        ],
      });
      expect(put.status).toBe(200);
      items = Object.fromEntries(
        (put.body.actionItems as { id: string; text: string }[]).map((i) => [i.text, i.id]),
      );
      expect(
        (await as(coordinator, 'post', `${base()}/meetings/${m}/minutes/finalize`)).status,
      ).toBe(200);
      const addendum = await as(coordinator, 'post', `${base()}/meetings/${m}/minutes/addenda`, {
        text: '一件目の訂正',
        reason: '誤記',
      });
      expect(addendum.status).toBe(201);
    });

    it('shows the attendee the whole meeting and minutes while its body is covered on every case', async () => {
      const meetingRes = await as(agencyX, 'get', `${base()}/meetings/${m}`);
      expect(meetingRes.status).toBe(200);
      expect(meetingRes.body).toMatchObject({ title: '見守り会議 (二件)', place: '相談室' });
      expect([...meetingRes.body.caseIds].sort()).toEqual([case1, case2].sort());
      const minutes = await as(agencyX, 'get', `${base()}/meetings/${m}/minutes`);
      expect(minutes.status).toBe(200);
      expect(minutes.body).toMatchObject({ access: 'full', body: '二件の全体の記録' });
      expect(texts(minutes.body.addenda)).toEqual(['一件目の訂正']);
      expect(await lastEvent(agencyX, 'minutes.read')).toMatchObject({
        outcome: 'allowed',
        resource_type: 'minutes',
        resource_id: m,
        reason: 'access=full',
        rule_id: 'agency.minutes.attended',
      });
      expect(((await lastEvent(agencyX, 'minutes.read'))!.resource_ids as string[]).sort()).toEqual(
        [case1, case2].sort(),
      );
      // Explain decides on the same facts (subject registry) as the API.
      expect(await explainMinutes()).toMatchObject({
        allowed: true,
        ruleId: 'agency.minutes.attended',
      });
    });

    describe('once consent on one case is withdrawn', () => {
      beforeAll(async () => {
        const withdrawn = await as(
          coordinator,
          'post',
          `${base()}/cases/${case1}/consents/${consent1}/withdraw`,
          { withdrawnOn: inDays(0) },
        );
        expect(withdrawn.status).toBe(200);
      });

      it('shows only the parts about the case still covered: no body, no addenda, nothing about no case', async () => {
        const sut = await as(agencyX, 'get', `${base()}/meetings/${m}/minutes`);
        expect(sut.status).toBe(200);
        expect(sut.body.access).toBe('assigned_case');
        expect(texts(sut.body.decisions)).toEqual(['二件目の方針']);
        expect(texts(sut.body.actionItems)).toEqual(['二件目の連絡']);
        for (const gone of ['二件の全体の記録', '一件目', '次回の日程', '資料の準備'])
          expect(JSON.stringify(sut.body)).not.toContain(gone);
        expect(sut.body).not.toHaveProperty('addenda');
        expect(await lastEvent(agencyX, 'minutes.read')).toMatchObject({
          resource_id: m,
          resource_ids: [case2],
          reason: 'access=assigned_case',
        });
        expect(await explainMinutes()).toMatchObject({ allowed: false });
      });

      it('shows the meeting without its title, place or external attendees, listing only the covered case', async () => {
        const sut = await as(agencyX, 'get', `${base()}/meetings/${m}`);
        expect(sut.status).toBe(200);
        expect(sut.body.caseIds).toEqual([case2]);
        expect(sut.body.cases.map((x: { id: string }) => x.id)).toEqual([case2]);
        for (const field of ['title', 'place', 'externalAttendees'])
          expect(sut.body).not.toHaveProperty(field);
        expect(await lastEvent(agencyX, 'meeting.read')).toMatchObject({ resource_ids: [case2] });
        const list = await as(agencyX, 'get', `${base()}/meetings`);
        const listed = list.body.items.find((x: { id: string }) => x.id === m);
        expect(listed.caseIds).toEqual([case2]);
        expect(JSON.stringify(list.body)).not.toContain(case1);
        expect(await lastEvent(agencyX, 'meeting.list')).toMatchObject({ resource_type: 'case' });
        expect((await lastEvent(agencyX, 'meeting.list'))!.resource_ids).toContain(case2);
      });

      it('no longer lists the case’s decisions or the body’s own item about it, nor lets the body move that item', async () => {
        const decisions = await as(agencyX, 'get', `${base()}/decisions?caseId=${case1}`);
        expect(decisions.status).toBe(200);
        expect(decisions.body.items).toEqual([]);
        const all = await as(agencyX, 'get', `${base()}/decisions`);
        expect(texts(all.body.items)).toContain('二件目の方針');
        expect(texts(all.body.items)).not.toContain('一件目の方針');
        expect(await lastEvent(agencyX, 'decision.list')).toMatchObject({
          resource_type: 'case',
          resource_ids: [case2],
        });
        const todo = await as(agencyX, 'get', `${base()}/action-items?mine=true`);
        expect(texts(todo.body.items)).toEqual(['二件目の連絡', '資料の準備']);
        expect(await lastEvent(agencyX, 'action_item.list')).toMatchObject({
          resource_type: 'case',
          resource_ids: [case2],
          reason: 'mine',
        });
        const patch = await as(
          agencyX,
          'patch',
          `${base()}/action-items/${items['一件目の訪問']}`,
          {
            status: 'done',
          },
        );
        expect(patch.status).toBe(404);
        expect(await lastEvent(agencyX, 'action_item.update')).toMatchObject({
          outcome: 'denied',
          reason: 'not_visible',
          resource_id: items['一件目の訪問'],
          case_id: case1,
        });
        // Its own item about no case stays its to do.
        const own = await as(agencyX, 'patch', `${base()}/action-items/${items['資料の準備']}`, {
          status: 'in_progress',
        });
        expect(own.status).toBe(200);
      });

      describe('and the assignment on the other case ends too', () => {
        beforeAll(async () => {
          const ended = await as(
            coordinator,
            'post',
            `${base()}/cases/${case2}/assignments/${assignment2}/end`,
          );
          expect(ended.status).toBe(200);
        });

        it('answers 404 for the meeting and its minutes, leaves it out of the list, and records the denials with the meeting id', async () => {
          expect((await as(agencyX, 'get', `${base()}/meetings/${m}`)).status).toBe(404);
          expect((await as(agencyX, 'get', `${base()}/meetings/${m}/minutes`)).status).toBe(404);
          const list = await as(agencyX, 'get', `${base()}/meetings`);
          expect(ids(list.body.items)).not.toContain(m);
          for (const action of ['meeting.read', 'minutes.read'])
            expect(await lastEvent(agencyX, action)).toMatchObject({
              outcome: 'denied',
              reason: 'not_visible',
              resource_id: m,
            });
          expect(
            (await as(agencyX, 'get', `${base()}/decisions?caseId=${case2}`)).body.items,
          ).toEqual([]);
          const todo = await as(agencyX, 'get', `${base()}/action-items?mine=true`);
          expect(texts(todo.body.items)).toEqual(['資料の準備']);
        });
      });
    });

    it('does not carry attendance over when the staff record moves to another body', async () => {
      const body = await as(coordinator, 'post', `${base()}/member-bodies`, {
        name: `移籍元 ${Math.random().toString(36).slice(2, 8)}`,
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      const mover = await newStaff(body.body.id as string);
      const covered = await newCase({}, mover.memberBodyId);
      const policy = await meeting({
        tier: 'representatives',
        attendeeStaffIds: [coordinator.staffId, mover.staffId],
      });
      const conference = await meeting({
        tier: 'case_conference',
        caseIds: [covered],
        attendeeStaffIds: [coordinator.staffId, mover.staffId],
      });
      for (const id of [policy, conference]) {
        await as(coordinator, 'put', `${base()}/meetings/${id}/minutes`, { body: '記録' });
        expect((await as(mover, 'get', `${base()}/meetings/${id}/minutes`)).body.access).toBe(
          'full',
        );
      }
      const moved = await as(coordinator, 'patch', `${base()}/staff/${mover.staffId}`, {
        memberBodyId: agencyC.memberBodyId,
      });
      expect(moved.status).toBe(200);
      for (const id of [policy, conference]) {
        expect((await as(mover, 'get', `${base()}/meetings/${id}`)).status).toBe(404);
        expect((await as(mover, 'get', `${base()}/meetings/${id}/minutes`)).status).toBe(404);
      }
      // The record of who attended, and for which body, stays as it was.
      const record = await as(coordinator, 'get', `${base()}/meetings/${policy}`);
      expect(
        record.body.attendees.find((x: { staffId: string }) => x.staffId === mover.staffId),
      ).toMatchObject({ memberBodyId: body.body.id });
    });

    it('takes the minutes away from the attendees when the case is closed (closing ends the assignments)', async () => {
      const agencyZ = await newBodyWithStaff('終結');
      const closing = await newCase({}, agencyZ.memberBodyId);
      const conference = await meeting({
        tier: 'case_conference',
        caseIds: [closing],
        attendeeStaffIds: [coordinator.staffId, agencyZ.staffId],
      });
      await as(coordinator, 'put', `${base()}/meetings/${conference}/minutes`, {
        body: '終結に向けて',
        decisions: [{ text: '終結を提案', caseId: closing }],
      });
      expect((await as(agencyZ, 'get', `${base()}/meetings/${conference}/minutes`)).status).toBe(
        200,
      );
      const closed = await as(coordinator, 'post', `${base()}/cases/${closing}/close`, {
        reason: '支援終結',
        meetingId: conference,
      });
      expect(closed.status).toBe(200);
      expect((await as(agencyZ, 'get', `${base()}/meetings/${conference}`)).status).toBe(404);
      expect((await as(agencyZ, 'get', `${base()}/meetings/${conference}/minutes`)).status).toBe(
        404,
      );
      expect(
        (await as(agencyZ, 'get', `${base()}/decisions?caseId=${closing}`)).body.items,
      ).toEqual([]);
    });

    it('refuses an action item about a case owned by a body not covered on it (422 OWNER_NOT_COVERED) and keeps nothing', async () => {
      const conference = await meeting({
        tier: 'case_conference',
        caseIds: [caseA],
        attendeeStaffIds: [coordinator.staffId],
      });
      const sut = await as(coordinator, 'put', `${base()}/meetings/${conference}/minutes`, {
        body: '記録',
        actionItems: [
          { text: 'C: 訪問', memberBodyId: agencyC.memberBodyId, dueOn: inDays(7), caseId: caseA },
        ],
      });
      expect(sut.status).toBe(422);
      expect(sut.body.code).toBe('OWNER_NOT_COVERED');
      expect(sut.body.details).toEqual([
        { memberBodyId: agencyC.memberBodyId, caseId: caseA, reason: 'not_covered' },
      ]);
      const after = await as(coordinator, 'get', `${base()}/meetings/${conference}/minutes`);
      expect(after.body).toMatchObject({ revision: 0, actionItems: [] });
      // The covered body may own it, and any current body an item about no case.
      const ok = await as(coordinator, 'put', `${base()}/meetings/${conference}/minutes`, {
        body: '記録',
        actionItems: [
          { text: 'A: 訪問', memberBodyId: agencyA.memberBodyId, dueOn: inDays(7), caseId: caseA },
          { text: 'C: 資料', memberBodyId: agencyC.memberBodyId, dueOn: inDays(7) },
        ],
      });
      expect(ok.status).toBe(200);
    });
  });

  it('keeps another council’s meetings out of reach (404)', async () => {
    const other = await createCouncil(t, ['coordinator']);
    const res = await as(other.staff[0], 'post', `/api/councils/${other.councilId}/meetings`, {
      tier: 'representatives',
      title: 'x',
      heldAt: '2026-11-20T14:00:00Z',
    });
    expect(res.status).toBe(201);
    expect((await as(coordinator, 'get', `${base()}/meetings/${res.body.id}`)).status).toBe(404);
    expect((await as(coordinator, 'get', `${base()}/meetings/${res.body.id}/minutes`)).status).toBe(
      404,
    );
    expect(
      (await as(coordinator, 'put', `${base()}/meetings/${res.body.id}/minutes`, { body: 'x' }))
        .status,
    ).toBe(404);
  });
});

describe('demo seed (meetings)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('includes one meeting of each tier, with final minutes, seen by role as in production', async () => {
    expect(await t.app.get(DemoSeeder).seedIfEmpty()).toBe(true);
    const tokenOf = async (email: string) =>
      `Bearer ${(await login(t, { email, password: DEMO_PASSWORD })).accessToken}`;
    const [{ id: councilId }] = (await t.db.superuser.query(`SELECT id FROM councils`)).rows;
    const coordinator = await tokenOf('coordinator@demo.example');
    const list = await request(t.server)
      .get(`/api/councils/${councilId}/meetings`)
      .set('Authorization', coordinator);
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { tier: string }) => m.tier).sort()).toEqual([
      'case_conference',
      'practitioners',
      'representatives',
    ]);
    for (const m of list.body.items as { id: string; tier: string; caseIds: string[] }[]) {
      const minutes = await request(t.server)
        .get(`/api/councils/${councilId}/meetings/${m.id}/minutes`)
        .set('Authorization', coordinator);
      expect(minutes.body.status).toBe('final');
      expect(minutes.body.body.length).toBeGreaterThan(0);
      if (m.tier === 'practitioners') {
        expect(m.caseIds.length).toBeGreaterThan(0);
        expect(minutes.body.reviews).toHaveLength(m.caseIds.length);
      }
      if (m.tier === 'case_conference') expect(minutes.body.addenda).toHaveLength(1);
    }
    const todo = await request(t.server)
      .get(`/api/councils/${councilId}/action-items?mine=true`)
      .set('Authorization', await tokenOf('shakyo@demo.example'));
    expect(todo.body.items.length).toBe(2);
  });
});

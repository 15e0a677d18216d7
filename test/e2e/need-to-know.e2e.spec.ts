import type { Response } from 'supertest';
import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  memberBodyWithStaff,
  TestCouncil,
  TestStaff,
} from '../support/factories';

interface AssignmentView {
  id: string;
  memberBodyId: string;
  basis: 'consent' | 'statutory';
  basisNote: string | null;
  scope: 'full' | 'limited';
  endedAt: string | null;
  active: boolean;
  accessEndedReason: string | null;
}

interface ConsentView {
  id: string;
  memberBodyIds: string[];
  note?: string | null;
}

/**
 * Need to know inside a case and around it, over time (DESIGN.md §3.1, §3.2, §3.9): which
 * assignments and consents agency staff see of a case, restricted fields by scope, and how
 * access lapses when a member body's pre-set leaving date passes or a consent expires. Time
 * passing is simulated by moving stored dates back, never by waiting.
 */
describe('need to know inside and around a case (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;
  const ids = (items: { id: string }[]) => items.map((x) => x.id);

  /** The council's calendar date `offset` days from today, as the application's sessions see it. */
  async function appDate(offset = 0): Promise<string> {
    const { rows } = await t.db.superuser.query<{ d: string }>(
      `SELECT ((now() AT TIME ZONE $1)::date + $2::int)::text AS d`,
      [t.config.database.timeZone, offset],
    );
    return rows[0].d;
  }

  /** A new member body of the council with one pledged agency staff member. */
  const bodyWithStaff = (name: string): Promise<TestStaff> =>
    memberBodyWithStaff(t, c.councilId, coordinator, name);

  const ADDRESS = '桜ヶ丘1-2-3';
  const PHONE = '090-1111-2222';
  const SENSITIVE = '精神科通院中';

  async function newCase(): Promise<string> {
    const res = await as(coordinator, 'post', `${base()}/cases`, {
      subject: { familyName: '必要', givenName: '知子', address: ADDRESS, phone: PHONE },
      summary: '見守りが必要',
      concerns: ['isolation'],
      sensitive: { health: SENSITIVE },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function consent(
    caseId: string,
    memberBodyIds: string[],
    extra: { obtainedOn?: string; expiresOn?: string; note?: string } = {},
  ): Promise<string> {
    const res = await as(coordinator, 'post', `${base()}/cases/${caseId}/consents`, {
      memberBodyIds,
      method: 'written',
      obtainedOn: extra.obtainedOn ?? (await appDate()),
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function assign(
    caseId: string,
    memberBodyId: string,
    opts: { scope: 'full' | 'limited'; basis: 'consent' | 'statutory'; basisNote?: string },
  ): Promise<string> {
    const res = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
      memberBodyId,
      role: 'support',
      ...opts,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  /** The coordinator's view of `memberBodyId`'s assignment on the case. */
  async function coordinatorSees(caseId: string, memberBodyId: string): Promise<AssignmentView> {
    const res = await as(coordinator, 'get', `${base()}/cases/${caseId}`);
    expect(res.status).toBe(200);
    const mine = (res.body.assignments as AssignmentView[]).filter(
      (a) => a.memberBodyId === memberBodyId,
    );
    expect(mine).toHaveLength(1);
    return mine[0];
  }

  async function listedFor(who: TestStaff): Promise<Response> {
    const res = await as(who, 'get', `${base()}/cases?limit=200`);
    expect(res.status).toBe(200);
    return res;
  }

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator']);
    [coordinator] = c.staff;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('inside a case: each body sees its own arrangements only', () => {
    const BASIS_NOTE = '児童虐待防止法第6条に基づく通告';
    const SHARED_NOTE = '本人は社協とNPOへの共有に同意';
    const B_ONLY_NOTE = '本人はNPOのみへの共有に同意';
    let agencyA: TestStaff;
    let agencyB: TestStaff;
    let caseId: string;
    let shared: string;
    let bOnly: string;

    beforeAll(async () => {
      agencyA = await bodyWithStaff('社協');
      agencyB = await bodyWithStaff('NPO');
      caseId = await newCase();
      shared = await consent(caseId, [agencyA.memberBodyId, agencyB.memberBodyId], {
        note: SHARED_NOTE,
      });
      bOnly = await consent(caseId, [agencyB.memberBodyId], { note: B_ONLY_NOTE });
      // A on consent with limited scope; B on a statutory basis with full scope.
      await assign(caseId, agencyA.memberBodyId, { scope: 'limited', basis: 'consent' });
      await assign(caseId, agencyB.memberBodyId, {
        scope: 'full',
        basis: 'statutory',
        basisNote: BASIS_NOTE,
      });
    });

    it('shows agency staff only their own body’s assignment, never another body’s statutory basis note', async () => {
      const sut = await as(agencyA, 'get', `${base()}/cases/${caseId}`);
      expect(sut.status).toBe(200);
      const assignments = sut.body.assignments as AssignmentView[];
      expect(assignments.map((a) => a.memberBodyId)).toEqual([agencyA.memberBodyId]);
      expect(assignments[0]).toMatchObject({ basis: 'consent', scope: 'limited', active: true });
      const json = JSON.stringify(sut.body);
      expect(json).not.toContain(agencyB.memberBodyId);
      expect(json).not.toContain(BASIS_NOTE);
    });

    it('shows agency staff only the consents naming their body, reduced to their body and without the note', async () => {
      const sut = await as(agencyA, 'get', `${base()}/cases/${caseId}`);
      const consents = sut.body.activeConsents as ConsentView[];
      expect(ids(consents)).toEqual([shared]);
      expect(consents[0].memberBodyIds).toEqual([agencyA.memberBodyId]);
      expect(consents[0].note ?? null).toBeNull();
      const json = JSON.stringify(sut.body);
      expect(json).not.toContain(SHARED_NOTE);
      expect(json).not.toContain(B_ONLY_NOTE);
      expect(json).not.toContain(bOnly);

      // The other body likewise sees both consents that name it, each reduced to itself.
      const other = await as(agencyB, 'get', `${base()}/cases/${caseId}`);
      const theirs = other.body.activeConsents as ConsentView[];
      expect(ids(theirs).sort()).toEqual([shared, bOnly].sort());
      for (const x of theirs) {
        expect(x.memberBodyIds).toEqual([agencyB.memberBodyId]);
        expect(x.note ?? null).toBeNull();
      }
      expect(JSON.stringify(other.body)).not.toContain(agencyA.memberBodyId);
    });

    it('shows the coordinator every assignment, basis note and consent in full', async () => {
      const sut = await as(coordinator, 'get', `${base()}/cases/${caseId}`);
      expect(sut.status).toBe(200);
      const assignments = sut.body.assignments as AssignmentView[];
      expect(assignments.map((a) => a.memberBodyId).sort()).toEqual(
        [agencyA.memberBodyId, agencyB.memberBodyId].sort(),
      );
      expect(assignments.find((a) => a.memberBodyId === agencyB.memberBodyId)?.basisNote).toBe(
        BASIS_NOTE,
      );
      const consents = sut.body.activeConsents as ConsentView[];
      expect(consents.find((x) => x.id === shared)).toMatchObject({
        memberBodyIds: [agencyA.memberBodyId, agencyB.memberBodyId].sort(),
        note: SHARED_NOTE,
      });
      expect(consents.find((x) => x.id === bOnly)).toMatchObject({
        memberBodyIds: [agencyB.memberBodyId],
        note: B_ONLY_NOTE,
      });
    });

    it('keeps other bodies’ assignments and consent notes out of agency staff’s case list items', async () => {
      const list = await listedFor(agencyA);
      const item = (list.body.items as { id: string }[]).find((x) => x.id === caseId);
      expect(item).toBeDefined();
      const json = JSON.stringify(item);
      for (const hidden of [agencyB.memberBodyId, BASIS_NOTE, SHARED_NOTE, B_ONLY_NOTE, bOnly])
        expect(json).not.toContain(hidden);
    });

    it('gives address, phone and sensitive only to a body whose own assignment has full scope', async () => {
      const limited = await as(agencyA, 'get', `${base()}/cases/${caseId}`);
      expect(limited.body.subject).toMatchObject({ familyName: '必要', givenName: '知子' });
      expect(limited.body.subject).not.toHaveProperty('address');
      expect(limited.body.subject).not.toHaveProperty('phone');
      expect(limited.body).not.toHaveProperty('sensitive');
      const limitedItem = (await listedFor(agencyA)).body.items.find(
        (x: { id: string }) => x.id === caseId,
      );
      for (const body of [limited.body, limitedItem]) {
        const json = JSON.stringify(body);
        for (const restricted of [ADDRESS, PHONE, SENSITIVE])
          expect(json).not.toContain(restricted);
      }

      const full = await as(agencyB, 'get', `${base()}/cases/${caseId}`);
      expect(full.body.subject).toMatchObject({ address: ADDRESS, phone: PHONE });
      expect(full.body.sensitive).toEqual({ health: SENSITIVE });
    });
  });

  describe('a member body leaving on a pre-set date', () => {
    /** A body with staff, assigned (statutory, full) to a new case, that will leave in a week. */
    async function leavingBody(): Promise<{ staff: TestStaff; caseId: string; leftOn: string }> {
      const staff = await bodyWithStaff('退会予定');
      const caseId = await newCase();
      await assign(caseId, staff.memberBodyId, {
        scope: 'full',
        basis: 'statutory',
        basisNote: '法令に基づく共有',
      });
      const leftOn = await appDate(7);
      const res = await as(
        coordinator,
        'post',
        `${base()}/member-bodies/${staff.memberBodyId}/leave`,
        { leftOn },
      );
      expect(res.status).toBe(200);
      expect(res.body.leftOn).toBe(leftOn);
      return { staff, caseId, leftOn };
    }

    /** Time passes: the pre-set leaving date is now yesterday (the body's staff records untouched). */
    async function dateHasPassed(memberBodyId: string): Promise<void> {
      await t.db.superuser.query(
        `UPDATE member_bodies SET left_on = $2::date WHERE id = $1 AND left_on IS NOT NULL`,
        [memberBodyId, await appDate(-1)],
      );
    }

    it('leaves the body’s access in place until the date', async () => {
      const { staff, caseId } = await leavingBody();
      expect((await as(staff, 'get', `${base()}/cases/${caseId}`)).status).toBe(200);
      expect(ids((await listedFor(staff)).body.items)).toContain(caseId);
      expect(await coordinatorSees(caseId, staff.memberBodyId)).toMatchObject({
        endedAt: null,
        active: true,
        accessEndedReason: null,
      });
    });

    it('shows the coordinator that the assignment no longer gives access once the date has passed', async () => {
      const { staff, caseId } = await leavingBody();
      await dateHasPassed(staff.memberBodyId);
      const sut = await coordinatorSees(caseId, staff.memberBodyId);
      expect(sut.active).toBe(false);
      expect(sut.accessEndedReason).toBe('member_body_left');
    });

    it('takes the case away from the body’s staff once the date has passed, though their staff record runs on', async () => {
      const { staff, caseId } = await leavingBody();
      expect((await as(staff, 'get', `${base()}/cases/${caseId}`)).status).toBe(200);
      await dateHasPassed(staff.memberBodyId);
      const { rows } = await t.db.superuser.query<{ in_force: boolean }>(
        `SELECT ended_on > $2::date AS in_force FROM staff WHERE id = $1`,
        [staff.staffId, await appDate()],
      );
      expect(rows).toEqual([{ in_force: true }]);
      // No longer anyone in this council: 404, the same answer as for a case that does not exist.
      const read = await as(staff, 'get', `${base()}/cases/${caseId}`);
      expect(read.status).toBe(404);
      expect(JSON.stringify(read.body)).not.toContain('知子');
      const list = await as(staff, 'get', `${base()}/cases?limit=200`);
      expect(list.status).toBe(404);
      expect(JSON.stringify(list.body)).not.toContain(caseId);
    });

    it('no longer lets the case make the body’s staff eligible for a case conference about it', async () => {
      const { staff, caseId } = await leavingBody();
      const conference = () =>
        as(coordinator, 'post', `${base()}/meetings`, {
          tier: 'case_conference',
          title: '個別ケース検討会議',
          heldAt: '2026-11-20T14:00:00+09:00',
          caseIds: [caseId],
          attendeeStaffIds: [coordinator.staffId, staff.staffId],
        });
      expect((await conference()).status).toBe(201);
      await dateHasPassed(staff.memberBodyId);
      const sut = await conference();
      expect(sut.status).toBe(422);
      expect(['ATTENDEE_NOT_ELIGIBLE', 'ATTENDEE_NOT_INVOLVED']).toContain(sut.body.code);
      expect(sut.body.details).toEqual([
        expect.objectContaining({ staffId: staff.staffId, reason: expect.any(String) }),
      ]);
    });
  });

  describe('consent expiring over time', () => {
    const DECISION = '期限切れ確認: 週1回の訪問を継続';
    const ACTION_ITEM = '期限切れ確認: 調整機関が家族に連絡';
    let agency: TestStaff;
    let caseId: string;
    let consentId: string;
    let meetingId: string;

    /** Everything the agency's staff can see about the case, as they would look for it. */
    async function agencySees() {
      const caseRes = await as(agency, 'get', `${base()}/cases/${caseId}`);
      const list = await as(agency, 'get', `${base()}/cases?limit=200`);
      const notes = await as(agency, 'get', `${base()}/cases/${caseId}/notes`);
      const plans = await as(agency, 'get', `${base()}/cases/${caseId}/plans`);
      const decisions = await as(agency, 'get', `${base()}/decisions?caseId=${caseId}`);
      const actionItems = await as(agency, 'get', `${base()}/action-items?caseId=${caseId}`);
      const minutes = await as(agency, 'get', `${base()}/meetings/${meetingId}/minutes`);
      return { caseRes, list, notes, plans, decisions, actionItems, minutes };
    }

    beforeAll(async () => {
      agency = await bodyWithStaff('期限付き同意');
      caseId = await newCase();
      // Obtained a month ago, expiring today: still in force today (expires_on >= current_date).
      consentId = await consent(caseId, [agency.memberBodyId], {
        obtainedOn: await appDate(-30),
        expiresOn: await appDate(0),
      });
      await assign(caseId, agency.memberBodyId, { scope: 'full', basis: 'consent' });
      const note = await as(coordinator, 'post', `${base()}/cases/${caseId}/notes`, {
        body: '訪問した',
      });
      expect(note.status).toBe(201);
      const plan = await as(coordinator, 'post', `${base()}/cases/${caseId}/plans`, {
        goals: [{ text: '週1回の見守り' }],
        actions: [{ text: '訪問', memberBodyId: agency.memberBodyId, dueOn: await appDate(7) }],
      });
      expect(plan.status).toBe(201);
      // A case conference the agency did not attend; the item belongs to the coordinating body,
      // which must be covered on the case to own an item about it (422 OWNER_NOT_COVERED).
      await assign(caseId, c.memberBodyId, {
        scope: 'limited',
        basis: 'statutory',
        basisNote: '調整機関として',
      });
      const meeting = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'case_conference',
        title: '個別ケース検討会議',
        heldAt: `${await appDate(-1)}T10:00:00+09:00`,
        caseIds: [caseId],
        attendeeStaffIds: [coordinator.staffId],
      });
      expect(meeting.status).toBe(201);
      meetingId = meeting.body.id as string;
      const minutes = await as(coordinator, 'put', `${base()}/meetings/${meetingId}/minutes`, {
        body: '会議全体の記録',
        decisions: [{ text: DECISION, caseId }],
        actionItems: [
          { text: ACTION_ITEM, memberBodyId: c.memberBodyId, dueOn: await appDate(14), caseId },
        ],
      });
      expect(minutes.status).toBe(200);
    });

    it('covers the case, its notes, plans, list entry, decisions and action items while the consent runs (expiring today)', async () => {
      const sut = await agencySees();
      expect(sut.caseRes.status).toBe(200);
      expect(ids(sut.list.body.items)).toContain(caseId);
      expect(sut.notes.status).toBe(200);
      expect(sut.notes.body.items).toHaveLength(1);
      expect(sut.plans.status).toBe(200);
      expect(sut.plans.body.current.version).toBe(1);
      expect(sut.decisions.body.items.map((d: { text: string }) => d.text)).toEqual([DECISION]);
      expect(sut.actionItems.body.items.map((i: { text: string }) => i.text)).toEqual([
        ACTION_ITEM,
      ]);
      expect(sut.minutes.status).toBe(200);
      expect(sut.minutes.body.access).toBe('assigned_case');
      expect(await coordinatorSees(caseId, agency.memberBodyId)).toMatchObject({
        active: true,
        accessEndedReason: null,
      });
    });

    describe('once the expiry date has passed', () => {
      beforeAll(async () => {
        // Time passes: the consent's expiry date is now yesterday.
        await t.db.superuser.query(`UPDATE consents SET expires_on = $2::date WHERE id = $1`, [
          consentId,
          await appDate(-1),
        ]);
      });

      it('answers 404 for the case, its notes and plans on the next request, and leaves it out of the list', async () => {
        const sut = await agencySees();
        for (const res of [sut.caseRes, sut.notes, sut.plans]) {
          expect(res.status).toBe(404);
          expect(res.body.code).toBe('NOT_FOUND');
        }
        expect(sut.list.status).toBe(200);
        expect(ids(sut.list.body.items)).not.toContain(caseId);
      });

      it('no longer shows the decisions, action items or minutes about the case to the absent agency', async () => {
        const sut = await agencySees();
        expect(sut.decisions.status).toBe(200);
        expect(sut.decisions.body.items).toEqual([]);
        expect(sut.actionItems.status).toBe(200);
        expect(sut.actionItems.body.items).toEqual([]);
        expect(sut.minutes.status).toBe(404);
        const everything = await as(agency, 'get', `${base()}/action-items`);
        expect(JSON.stringify(everything.body)).not.toContain(ACTION_ITEM);
      });

      it('shows the coordinator that the assignment lapsed because the consent expired', async () => {
        const sut = await coordinatorSees(caseId, agency.memberBodyId);
        expect(sut).toMatchObject({
          endedAt: null,
          active: false,
          accessEndedReason: 'consent_expired',
        });
        const res = await as(coordinator, 'get', `${base()}/cases/${caseId}`);
        expect(ids(res.body.activeConsents as ConsentView[])).not.toContain(consentId);
      });
    });

    it('accepts a consent obtained today and expiring today, and it gives access today', async () => {
      const staff = await bodyWithStaff('当日同意');
      const id = await newCase();
      const today = await appDate(0);
      const sut = await consent(id, [staff.memberBodyId], { obtainedOn: today, expiresOn: today });
      await assign(id, staff.memberBodyId, { scope: 'limited', basis: 'consent' });
      const read = await as(staff, 'get', `${base()}/cases/${id}`);
      expect(read.status).toBe(200);
      expect(ids(read.body.activeConsents as ConsentView[])).toEqual([sut]);
      expect(await coordinatorSees(id, staff.memberBodyId)).toMatchObject({
        active: true,
        accessEndedReason: null,
      });
    });
  });
});

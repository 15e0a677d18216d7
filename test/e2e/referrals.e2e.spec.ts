import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  memberBodyWithStaff,
  TestCouncil,
  TestStaff,
} from '../support/factories';

const PAST = '2025-01-10';

/**
 * Intake from member bodies (issue 17 item 4): a body refers a person; only the coordinating side
 * and the submitting body see the referral (404 for everyone else, never counted); coordinators
 * accept (a case, consent, the body assigned when the consent names it), decline or merge; every
 * step is audited with ids only; the submitting body sees the outcome.
 */
describe('referrals (e2e)', () => {
  // Generous: eight engineers share two cores; no timing is asserted.
  jest.setTimeout(180_000);
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let referrer: TestStaff;
  let colleague: TestStaff;
  let otherBody: TestStaff;

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;

  const referral = (extra: object = {}) => ({
    subject: {
      familyName: '佐藤',
      givenName: '一郎',
      familyNameKana: 'さとう',
      givenNameKana: 'いちろう',
      birthDate: '1955-05-05',
      address: '桜ヶ丘1-2-3',
    },
    summary: 'ひとり暮らしで外出がない',
    concerns: ['isolation', 'mental_health'],
    sensitive: { diagnosis: 'うつ病' },
    urgency: 'high',
    ...extra,
  });

  async function submit(extra: object = {}, by: TestStaff = referrer): Promise<string> {
    const res = await as(by, 'post', `${base()}/referrals`, referral(extra));
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  const accept = (id: string, body: object = {}) =>
    as(coordinator, 'post', `${base()}/referrals/${id}/accept`, body);

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator']);
    [coordinator] = c.staff;
    referrer = await memberBodyWithStaff(t, c.councilId, coordinator, 'Referrer');
    colleague = await memberBodyWithStaff(t, c.councilId, coordinator, 'Colleague');
    otherBody = await memberBodyWithStaff(t, c.councilId, coordinator, 'Other');
  });
  afterAll(() => t.close());

  describe('submission and visibility', () => {
    it('lets agency staff submit a referral for their own body', async () => {
      const sut = await as(referrer, 'post', `${base()}/referrals`, referral());
      expect(sut.status).toBe(201);
      expect(sut.body).toMatchObject({
        memberBodyId: referrer.memberBodyId,
        status: 'submitted',
        urgency: 'high',
        caseId: null,
      });
    });

    it('shows the referral to the submitting body and to coordinators', async () => {
      const id = await submit();
      const bySubmitter = await as(referrer, 'get', `${base()}/referrals/${id}`);
      const byCoordinator = await as(coordinator, 'get', `${base()}/referrals/${id}`);
      expect([bySubmitter.status, byCoordinator.status]).toEqual([200, 200]);
      expect(byCoordinator.body.sensitive).toEqual({ diagnosis: 'うつ病' });
    });

    it('answers another body 404 for the referral', async () => {
      const id = await submit();
      const sut = await as(otherBody, 'get', `${base()}/referrals/${id}`);
      expect(sut.status).toBe(404);
      expect(JSON.stringify(sut.body)).not.toContain('佐藤');
    });

    it('never counts another body’s referrals in its list', async () => {
      const id = await submit();
      const sut = await as(otherBody, 'get', `${base()}/referrals`);
      expect(sut.status).toBe(200);
      expect(sut.body.items.map((r: { id: string }) => r.id)).not.toContain(id);
      expect(sut.body.items).toEqual([]);
      const mine = await as(referrer, 'get', `${base()}/referrals`);
      expect(mine.body.items.map((r: { id: string }) => r.id)).toContain(id);
    });

    it('audits a refused read by another body as a denial', async () => {
      const id = await submit();
      await as(otherBody, 'get', `${base()}/referrals/${id}`);
      const events = await t.db.superuser.query(
        `SELECT outcome, actor_user_id FROM audit_events WHERE council_id = $1 AND action = 'referral.read' AND resource_id = $2`,
        [c.councilId, id],
      );
      expect(events.rows).toEqual([{ outcome: 'denied', actor_user_id: otherBody.id }]);
    });

    it('audits the submission with ids only, never the subject', async () => {
      const id = await submit();
      const events = await t.db.superuser.query(
        `SELECT * FROM audit_events WHERE council_id = $1 AND action = 'referral.create' AND resource_id = $2`,
        [c.councilId, id],
      );
      expect(events.rows).toHaveLength(1);
      expect(JSON.stringify(events.rows)).not.toMatch(/佐藤|うつ病|ひとり暮らし/);
    });

    it('refuses triage by agency staff (403)', async () => {
      const id = await submit();
      const sut = await as(referrer, 'post', `${base()}/referrals/${id}/accept`, {});
      expect(sut.status).toBe(403);
    });

    it('rejects unknown fields and a bad urgency (400)', async () => {
      const sut = await as(
        referrer,
        'post',
        `${base()}/referrals`,
        referral({ urgency: 'someday', extra: true }),
      );
      expect(sut.status).toBe(400);
      expect(sut.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('triage', () => {
    it('accepts a referral with consent naming the body: a case with the body assigned on consent', async () => {
      const id = await submit({ consentObtained: { method: 'written', obtainedOn: PAST } });
      const sut = await accept(id);
      expect(sut.status).toBe(200);
      expect(sut.body).toMatchObject({ status: 'accepted', assignmentOutcome: 'assigned' });
      const caseId = sut.body.caseId as string;
      const seen = await as(referrer, 'get', `${base()}/cases/${caseId}`);
      expect(seen.status).toBe(200);
      expect(seen.body.assignments).toMatchObject([
        { memberBodyId: referrer.memberBodyId, basis: 'consent', scope: 'limited' },
      ]);
      // Limited scope: the 要配慮 content the body itself wrote stays out of the case view.
      expect(seen.body.sensitive).toBeUndefined();
    });

    it('shows the submitting body the outcome with the case id once it may see the case', async () => {
      const id = await submit({ consentObtained: { method: 'verbal', obtainedOn: PAST } });
      const accepted = await accept(id);
      const sut = await as(referrer, 'get', `${base()}/referrals/${id}`);
      expect(sut.body).toMatchObject({ status: 'accepted', caseId: accepted.body.caseId });
      expect(sut.body.decidedAt).toEqual(expect.any(String));
    });

    it('accepts a referral without consent as an unassigned case the submitting body cannot see', async () => {
      const id = await submit();
      const sut = await accept(id);
      expect(sut.body).toMatchObject({ status: 'accepted', assignmentOutcome: 'no_consent' });
      const caseId = sut.body.caseId as string;
      expect((await as(referrer, 'get', `${base()}/cases/${caseId}`)).status).toBe(404);
      const outcome = await as(referrer, 'get', `${base()}/referrals/${id}`);
      expect(outcome.body).toMatchObject({ status: 'accepted', caseId: null });
    });

    it('does not assign the body when the consent names only other bodies', async () => {
      const id = await submit({
        consentObtained: {
          method: 'written',
          obtainedOn: PAST,
          memberBodyIds: [colleague.memberBodyId],
        },
      });
      const sut = await accept(id);
      expect(sut.body.assignmentOutcome).toBe('consent_not_naming_body');
      const consents = await as(coordinator, 'get', `${base()}/cases/${sut.body.caseId}`);
      expect(consents.body.assignments).toEqual([]);
      expect(consents.body.activeConsents).toMatchObject([
        { memberBodyIds: [colleague.memberBodyId] },
      ]);
    });

    it('flags possible duplicates on accept, like a registration', async () => {
      const existing = await as(coordinator, 'post', `${base()}/cases`, {
        subject: {
          familyName: '重複',
          givenName: '花子',
          familyNameKana: 'ちょうふく',
          givenNameKana: 'はなこ',
          birthDate: '1940-01-01',
        },
        summary: 's',
        concerns: ['isolation'],
      });
      const id = await submit({
        subject: {
          familyName: '重複',
          givenName: '花子',
          familyNameKana: 'チョウフク',
          givenNameKana: 'ハナコ',
          birthDate: '1940-01-01',
        },
      });
      const sut = await accept(id);
      expect(sut.body.possibleDuplicates.map((d: { id: string }) => d.id)).toEqual([
        existing.body.id,
      ]);
    });

    it('audits the accept on the new case, with the case creation and the assignment', async () => {
      const id = await submit({ consentObtained: { method: 'written', obtainedOn: PAST } });
      const sut = await accept(id);
      const events = await t.db.superuser.query(
        `SELECT action FROM audit_events WHERE council_id = $1 AND case_id = $2 ORDER BY seq`,
        [c.councilId, sut.body.caseId],
      );
      expect(events.rows.map((e: { action: string }) => e.action)).toEqual(
        expect.arrayContaining([
          'referral.accept',
          'case.create',
          'consent.create',
          'assignment.create',
        ]),
      );
    });

    it('declines with a reason the submitting body can read', async () => {
      const id = await submit();
      const sut = await as(coordinator, 'post', `${base()}/referrals/${id}/decline`, {
        reason: '対象外の地域',
      });
      expect(sut.status).toBe(200);
      const seen = await as(referrer, 'get', `${base()}/referrals/${id}`);
      expect(seen.body).toMatchObject({
        status: 'declined',
        decisionReason: '対象外の地域',
        caseId: null,
      });
    });

    it('refuses to triage a referral twice (409)', async () => {
      const id = await submit();
      await as(coordinator, 'post', `${base()}/referrals/${id}/decline`, { reason: 'no' });
      const sut = await accept(id);
      expect(sut.status).toBe(409);
      expect(sut.body.code).toBe('REFERRAL_ALREADY_DECIDED');
    });

    it('merges into an existing case without a new case and without access for the body', async () => {
      const existing = await as(coordinator, 'post', `${base()}/cases`, {
        subject: { familyName: '既存', givenName: '太郎' },
        summary: 's',
        concerns: ['isolation'],
      });
      const before = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM cases WHERE council_id = $1`,
        [c.councilId],
      );
      const id = await submit({ consentObtained: { method: 'written', obtainedOn: PAST } });
      const sut = await as(coordinator, 'post', `${base()}/referrals/${id}/merge`, {
        caseId: existing.body.id,
        reason: '照合で一致',
      });
      expect(sut.status).toBe(200);
      expect(sut.body).toMatchObject({ status: 'merged', caseId: existing.body.id });
      const after = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM cases WHERE council_id = $1`,
        [c.councilId],
      );
      expect(after.rows[0].n).toBe(before.rows[0].n);
      expect((await as(referrer, 'get', `${base()}/cases/${existing.body.id}`)).status).toBe(404);
      const seen = await as(referrer, 'get', `${base()}/referrals/${id}`);
      expect(seen.body).toMatchObject({ status: 'merged', caseId: null, decisionReason: null });
    });

    it('answers 404 when merging into a case of another council', async () => {
      const elsewhere = await createCouncil(t, ['coordinator']);
      const foreign = await as(
        elsewhere.staff[0],
        'post',
        `/api/councils/${elsewhere.councilId}/cases`,
        { subject: { familyName: '他', givenName: '人' }, summary: 's', concerns: ['isolation'] },
      );
      const id = await submit();
      const sut = await as(coordinator, 'post', `${base()}/referrals/${id}/merge`, {
        caseId: foreign.body.id,
        reason: 'x',
      });
      expect(sut.status).toBe(404);
      const still = await as(coordinator, 'get', `${base()}/referrals/${id}`);
      expect(still.body.status).toBe('submitted');
    });
  });

  describe('worklist', () => {
    it('lists a referral awaiting triage for coordinators until it is triaged', async () => {
      const id = await submit();
      const refs = async () =>
        (
          await as(coordinator, 'get', `${base()}/worklist?kind=referral_awaiting_triage&limit=200`)
        ).body.items.map((i: { refId: string }) => i.refId) as string[];
      expect(await refs()).toContain(id);
      await as(coordinator, 'post', `${base()}/referrals/${id}/decline`, { reason: 'no' });
      expect(await refs()).not.toContain(id);
    });

    it('does not list referrals awaiting triage for agency staff', async () => {
      await submit();
      const sut = await as(referrer, 'get', `${base()}/worklist`);
      expect(sut.body.counts.referral_awaiting_triage).toBe(0);
    });
  });
});

import { DigestService } from '../../src/digest/digest.service';
import { createInstanceOn, createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  memberBodyWithStaff,
  TestCouncil,
  TestStaff,
} from '../support/factories';
import { Mailbox, ReceivedMail, startMailbox } from '../support/mailbox';

/**
 * The daily digest (issue 18 item 2): counts and a link per person and council, never names or
 * case content; one mail per person and day however many instances run the job; opt-out;
 * audited as sent.
 */
describe('daily digest (e2e)', () => {
  let mailbox: Mailbox;
  let t: TestApp;
  let second: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let auditor: TestStaff;
  let agency: TestStaff;
  let optedOut: TestStaff;
  let caseNumber: string;
  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;
  const env = () => ({
    SMTP_URL: mailbox.url,
    MAIL_FROM: 'council@test.example',
    PUBLIC_URL: 'https://council.test.example',
    DIGEST_CRON: 'off',
  });
  const digests = (to: TestStaff): ReceivedMail[] =>
    mailbox.messages.filter(
      (m) => m.to.includes(to.email.toLowerCase()) && m.text.includes('/worklist'),
    );

  async function ok(user: TestStaff, method: 'post' | 'put', path: string, body: object) {
    const res = await as(user, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body as Record<string, unknown> & { id: string };
  }

  async function appDate(offset: number): Promise<string> {
    const { rows } = await t.db.superuser.query<{ d: string }>(
      `SELECT ((now() AT TIME ZONE 'Asia/Tokyo')::date + $1::int)::text AS d`,
      [offset],
    );
    return rows[0].d;
  }

  beforeAll(async () => {
    mailbox = await startMailbox();
    t = await createTestApp(env());
    t.mailbox = mailbox;
    second = await createInstanceOn(t, env());
    second.mailbox = mailbox;
    c = await createCouncil(t, ['coordinator', 'auditor']);
    [coordinator, auditor] = c.staff;
    agency = await memberBodyWithStaff(t, c.councilId, coordinator, 'Agency');
    optedOut = await memberBodyWithStaff(t, c.councilId, coordinator, 'Quiet');
    const made = await ok(coordinator, 'post', `${base()}/cases`, {
      subject: { familyName: '秘匿', givenName: '花子' },
      summary: 'SUMMARY-SECRET',
      concerns: ['isolation'],
      reviewDueOn: await appDate(3),
    });
    caseNumber = made.caseNumber as string;
    await ok(coordinator, 'post', `${base()}/cases/${made.id}/consents`, {
      memberBodyIds: [agency.memberBodyId],
      method: 'written',
      obtainedOn: await appDate(-10),
      expiresOn: await appDate(5),
    });
    await ok(coordinator, 'post', `${base()}/cases/${made.id}/assignments`, {
      memberBodyId: agency.memberBodyId,
      role: 'lead',
      scope: 'full',
      basis: 'consent',
    });
    await ok(agency, 'post', `${base()}/cases/${made.id}/notes`, { body: 'NOTE-SECRET' });
    await ok(optedOut, 'put', '/api/me/notifications', { dailyDigest: false });
    // Two instances run the job at the same moment.
    await Promise.all([t.app.get(DigestService).run(), second.app.get(DigestService).run()]);
  }, 180_000);

  afterAll(async () => {
    await second.close();
    await t.close();
    await mailbox.close();
  });

  it('sends one mail per person although two instances ran the job', () => {
    expect([digests(coordinator).length, digests(agency).length]).toEqual([1, 1]);
  });

  it('sends nothing to a person who opted out, nor to an auditor (no worklist)', () => {
    expect([digests(optedOut).length, digests(auditor).length]).toEqual([0, 0]);
  });

  it('holds counts and the link, and no name, case number, summary or note', () => {
    const [sut] = digests(agency);
    expect(sut.text).toContain('期限が近い同意 / consents expiring: 1');
    expect(sut.text).toContain(`https://council.test.example/councils/${c.councilId}/worklist`);
    for (const secret of ['秘匿', '花子', 'SUMMARY-SECRET', 'NOTE-SECRET', caseNumber]) {
      expect(`${sut.headers}\n${sut.text}`).not.toContain(secret);
    }
  });

  it('counts what the person’s own worklist holds (the coordinator: the review due)', () => {
    const [sut] = digests(coordinator);
    expect(sut.text).toContain('見直し期限 / reviews due: 1');
  });

  it('is audited as sent, once per person, without case ids', async () => {
    const { rows } = await t.db.superuser.query<{ actor_user_id: string; resource_ids: null }>(
      `SELECT actor_user_id, resource_ids FROM audit_events
        WHERE council_id = $1 AND action = 'digest.sent' ORDER BY actor_user_id`,
      [c.councilId],
    );
    expect(rows).toEqual(
      [coordinator.id, agency.id].sort().map((id) => ({ actor_user_id: id, resource_ids: null })),
    );
  });

  it('sends nothing more when run again the same day', async () => {
    const sut = await t.app.get(DigestService).run();
    expect([sut.sent, digests(coordinator).length, digests(agency).length]).toEqual([0, 1, 1]);
  });

  it('shows the setting to its owner', async () => {
    const mine = await as(optedOut, 'get', '/api/me/notifications');
    const theirs = await as(agency, 'get', '/api/me/notifications');
    expect([mine.body, theirs.body]).toEqual([{ dailyDigest: false }, { dailyDigest: true }]);
  });

  it('refuses a setting that is not a boolean with 400', async () => {
    const sut = await as(agency, 'put', '/api/me/notifications', { dailyDigest: 'no' });
    expect([sut.status, sut.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

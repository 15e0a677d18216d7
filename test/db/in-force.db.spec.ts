import request from '../support/http';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil, inviteStaff, login, TestCouncil } from '../support/factories';

/**
 * One definition of "in force" (src/access/in-force.ts, issue 12 item 7): the principal lookup
 * (may this person act in the council at all?) and meeting attendee eligibility (may they be
 * named as an attendee?) must agree on every staff member, whatever ended their footing. Each
 * side is asked through the HTTP API, as a user would meet it: the council and pledge routes
 * answer 200 or 404, a meeting naming them answers 201 or 422 ATTENDEE_NOT_ELIGIBLE.
 *
 * The meeting is a representatives' meeting: eligibility (record in force, current pledge) is
 * the same for every tier, and a case conference would mix in its own coverage rule.
 */
describe('"in force": the principal lookup and meeting eligibility agree', () => {
  let t: TestApp;
  let c: TestCouncil;
  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator']);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A date relative to today in the application's calendar (its TIME_ZONE). */
  async function appDate(offset = 0): Promise<string> {
    const { rows } = await t.db.superuser.query<{ d: string }>(
      `SELECT ((now() AT TIME ZONE $1)::date + $2::int)::text AS d`,
      [t.config.database.timeZone, offset],
    );
    return rows[0].d;
  }

  /** A body of its own with one agency staff member who has accepted the pledge. */
  async function pledgedStaff(label: string) {
    const body = await as(c.staff[0], 'post', `${base()}/member-bodies`, {
      name: `${label} ${Date.now()}`,
      kind: 'npo',
      joinedOn: '2024-04-01',
    });
    const staff = await inviteStaff(t, c.councilId, c.staff[0], {
      memberBodyId: body.body.id as string,
      email: `${label}-${Date.now()}@test.example`,
      displayName: label,
    });
    const user = { email: staff.email, password: staff.password };
    return { user, staffId: staff.staffId, memberBodyId: body.body.id as string };
  }

  /** Both sides' answers for this staff member, asked the way a user meets them. */
  async function answers(s: { user: { email: string; password: string }; staffId: string }) {
    const { accessToken } = await login(t, s.user);
    const get = (path: string) =>
      request(t.server).get(path).set('Authorization', `Bearer ${accessToken}`);
    const council = (await get(base())).status;
    const pledge = (await get(`${base()}/pledge`)).status;
    const meeting = await as(c.staff[0], 'post', `${base()}/meetings`, {
      tier: 'representatives',
      title: '代表者会議',
      heldAt: '2026-11-20T14:00:00+09:00',
      attendeeStaffIds: [c.staff[0].staffId, s.staffId],
    });
    return {
      principal: council === 200 && pledge === 200 ? 'in force' : `${council}/${pledge}`,
      eligibility:
        meeting.status === 201 ? 'in force' : `${meeting.status} ${meeting.body.code as string}`,
    };
  }

  const notInForce = { principal: '404/404', eligibility: '422 ATTENDEE_NOT_ELIGIBLE' };

  it('a current staff member of a current body: in force for both', async () => {
    const s = await pledgedStaff('current');
    expect(await answers(s)).toEqual({ principal: 'in force', eligibility: 'in force' });
  });

  it('a staff record that has ended: in force for neither', async () => {
    const s = await pledgedStaff('ended');
    await t.db.superuser.query(`UPDATE staff SET ended_on = $2 WHERE id = $1`, [
      s.staffId,
      await appDate(),
    ]);
    expect(await answers(s)).toEqual(notInForce);
  });

  it('a body that has left (the staff record itself still running): in force for neither', async () => {
    const s = await pledgedStaff('left');
    await t.db.superuser.query(`UPDATE member_bodies SET left_on = $2 WHERE id = $1`, [
      s.memberBodyId,
      await appDate(-1),
    ]);
    expect(await answers(s)).toEqual(notInForce);
  });

  it('a body whose joining date is still ahead: in force for neither', async () => {
    const s = await pledgedStaff('future');
    const moved = await as(c.staff[0], 'patch', `${base()}/member-bodies/${s.memberBodyId}`, {
      joinedOn: await appDate(30),
    });
    expect(moved.status).toBe(200);
    expect(await answers(s)).toEqual(notInForce);
  });
});

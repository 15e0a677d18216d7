import { generate } from 'otplib';
import request from '../support/http';
import { createTestApp, TestApp } from '../support/app';
import {
  acceptInvitation,
  actingAs,
  createCouncil,
  createUser,
  CreatedStaff,
  login,
  PASSWORD,
  TestCouncil,
  TestStaff,
  TestUser,
} from '../support/factories';

/**
 * Accounts (issue 13, DESIGN.md §3.11 "Nobody is above the council"): a system admin never holds
 * a staff record; a coordinator cannot reach, learn about or revoke another council's users;
 * nobody chooses another person's password; TOTP second factor; scoped revocation and login
 * events. Mail delivery is in mail.e2e.spec.ts, the CLI (create-admin, council:recover) in
 * cli.e2e.spec.ts.
 */
describe('accounts (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '5' });
  });
  afterAll(async () => {
    await t.close();
  });

  const as = actingAs(() => t);
  const today = (): string => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
  let n = 0;
  const fresh = (label = 'person'): string => `${label}-${Date.now()}-${n++}@test.example`;

  const invite = (
    by: { email: string; password: string },
    councilId: string,
    body: Record<string, unknown>,
  ) => as(by, 'post', `/api/councils/${councilId}/staff`, body);

  /** A council's audit events with this action, oldest first. */
  const events = async (councilId: string, action: string) =>
    (
      await t.db.superuser.query(
        `SELECT actor_user_id, actor_role, outcome, reason, resource_id FROM audit_events
          WHERE council_id = $1 AND action = $2 ORDER BY seq`,
        [councilId, action],
      )
    ).rows as {
      actor_user_id: string | null;
      actor_role: string | null;
      outcome: string;
      reason: string | null;
      resource_id: string | null;
    }[];

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  describe('a system admin never holds a staff record', () => {
    it('refuses the admin a coordinator once the only coordinator’s record has ended', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const base = `/api/councils/${c.councilId}`;
      const ended = await as(c.staff[0], 'post', `${base}/staff/${c.staff[0].staffId}/end`, {
        endedOn: today(),
      });
      expect(ended.status).toBe(200);
      const res = await invite(c.admin, c.councilId, {
        email: c.admin.email,
        displayName: 'Operator',
        memberBodyId: c.memberBodyId,
        role: 'coordinator',
      });
      expect(res.status).toBe(403);
      expect(await events(c.councilId, 'staff.create')).toContainEqual(
        expect.objectContaining({
          actor_user_id: c.admin.id,
          actor_role: 'system_admin',
          outcome: 'denied',
        }),
      );
    });

    it('refuses the admin staff and bodies once the coordinating body has left', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const base = `/api/councils/${c.councilId}`;
      expect(
        (
          await as(c.staff[0], 'put', `${base}/coordinating-body`, {
            memberBodyId: c.memberBodyId,
          })
        ).status,
      ).toBe(200);
      const left = await as(c.staff[0], 'post', `${base}/member-bodies/${c.memberBodyId}/leave`, {
        leftOn: today(),
      });
      expect(left.status).toBe(200);
      const body = await as(c.admin, 'post', `${base}/member-bodies`, {
        name: 'Operator’s own body',
        kind: 'other',
        joinedOn: '2024-04-01',
      });
      expect(body.status).toBe(403);
      const staff = await invite(c.admin, c.councilId, {
        email: fresh('accomplice'),
        displayName: 'Accomplice',
        memberBodyId: c.memberBodyId,
        role: 'coordinator',
      });
      expect(staff.status).toBe(403);
    });

    it('does not let the admin accept an invitation to its own address, and records the refusal', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const created = await invite(c.staff[0], c.councilId, {
        email: c.admin.email,
        displayName: 'Operator',
        memberBodyId: c.memberBodyId,
        role: 'coordinator',
      });
      expect(created.status).toBe(201);
      const mine = await as(c.admin, 'get', '/api/me/invitations');
      expect(mine.body.items.map((i: { id: string }) => i.id)).toContain(
        created.body.invitation.id,
      );
      const accepted = await as(
        c.admin,
        'post',
        `/api/me/invitations/${created.body.invitation.id}/accept`,
      );
      expect(accepted.status).toBe(403);
      expect(accepted.body.code).toBe('SYSTEM_ADMIN_NOT_STAFF');
      const record = await as(
        c.staff[0],
        'get',
        `/api/councils/${c.councilId}/staff/${created.body.id}`,
      );
      expect(record.body).toMatchObject({ userId: null, status: 'invited', active: false });
      expect(
        (await events(c.councilId, 'staff.accept')).filter(
          (e) => e.resource_id === created.body.id,
        ),
      ).toEqual([
        expect.objectContaining({
          actor_user_id: c.admin.id,
          outcome: 'denied',
          reason: 'system_admin_not_staff',
        }),
      ]);
      expect((await as(c.admin, 'get', `/api/councils/${c.councilId}/cases`)).status).toBe(403);
    });

    it('does not let the admin accept by the link either', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const created = await invite(c.staff[0], c.councilId, {
        email: c.admin.email,
        displayName: 'Operator',
        memberBodyId: c.memberBodyId,
        role: 'coordinator',
      });
      const res = await request(t.server).post('/api/auth/invitations/accept').send({
        token: created.body.invitation.token,
        password: 'a password of my own',
        displayName: 'Operator',
      });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ACCOUNT_EXISTS');
    });

    it('does not let the admin become the first coordinator by inviting its own address', async () => {
      const admin = await createUser(t, { isSystemAdmin: true });
      const council = await as(admin, 'post', '/api/councils', {
        name: `Self-made ${Date.now()}`,
        municipalities: ['m'],
        establishedOn: '2024-04-01',
      });
      const councilId = council.body.id as string;
      const body = await as(admin, 'post', `/api/councils/${councilId}/member-bodies`, {
        name: 'City',
        kind: 'municipality',
        joinedOn: '2024-04-01',
      });
      const self = await invite(admin, councilId, {
        email: admin.email,
        displayName: 'Me',
        memberBodyId: body.body.id,
        role: 'coordinator',
      });
      expect(self.status).toBe(201);
      const accepted = await as(
        admin,
        'post',
        `/api/me/invitations/${self.body.invitation.id}/accept`,
      );
      expect(accepted.status).toBe(403);
      // The council has now been staffed (a pending record): no second try.
      const again = await invite(admin, councilId, {
        email: fresh('second'),
        displayName: 'Second',
        memberBodyId: body.body.id,
        role: 'coordinator',
      });
      expect(again.status).toBe(403);
    });

    it('is enforced by the database: no staff row for a system admin, no admin who held one', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const client = await t.db.owner.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.council_id', $1, true)`, [c.councilId]);
        await expect(
          client.query(
            `INSERT INTO staff (council_id, user_id, member_body_id, role) VALUES ($1, $2, $3, 'coordinator')`,
            [c.councilId, c.admin.id, c.memberBodyId],
          ),
        ).rejects.toThrow(/system admin cannot hold a staff record/);
        await client.query('ROLLBACK');
        // The owner role is bound by row-level security too: the trigger still sees the rows.
        await expect(
          client.query(`UPDATE users SET is_system_admin = true WHERE id = $1`, [c.staff[0].id]),
        ).rejects.toThrow(/cannot become a system admin/);
      } finally {
        client.release();
      }
    });
  });

  describe('invitations', () => {
    let a: TestCouncil;
    let b: TestCouncil;
    beforeAll(async () => {
      a = await createCouncil(t, ['coordinator']);
      b = await createCouncil(t, ['coordinator', 'agency_staff']);
    });

    it('answers a coordinator the same whether the address is new, another council’s user or a system admin', async () => {
      const admin = await createUser(t, { isSystemAdmin: true });
      const answers = [];
      for (const email of [fresh('new'), b.staff[1].email, admin.email]) {
        const res = await invite(a.staff[0], a.councilId, {
          email,
          displayName: 'Same Name',
          memberBodyId: a.memberBodyId,
          role: 'agency_staff',
        });
        expect(res.status).toBe(201);
        expect(res.body.email).toBe(email);
        answers.push({
          ...res.body,
          id: '(id)',
          email: '(email)',
          invitation: Object.keys(res.body.invitation).sort(),
        });
      }
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
      expect(answers[0]).toMatchObject({
        userId: null,
        displayName: 'Same Name',
        active: false,
        status: 'invited',
        pledgedAt: null,
      });
    });

    it('shows the invited name, never the account’s, in the staff list until accepted', async () => {
      const res = await invite(a.staff[0], a.councilId, {
        email: b.staff[0].email,
        displayName: 'Whatever I typed',
        memberBodyId: a.memberBodyId,
        role: 'auditor',
      });
      const list = await as(a.staff[0], 'get', `/api/councils/${a.councilId}/staff`);
      const row = list.body.items.find((s: { id: string }) => s.id === res.body.id);
      expect(row).toMatchObject({ userId: null, displayName: 'Whatever I typed' });
      expect(JSON.stringify(list.body)).not.toContain(b.staff[0].id);
    });

    it('grants nothing and writes no login into the inviting council until accepted', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const person = b.staff[1];
      await invite(c.staff[0], c.councilId, {
        email: person.email,
        displayName: 'Invitee',
        memberBodyId: c.memberBodyId,
        role: 'agency_staff',
      });
      const logins = async (councilId: string) =>
        (await events(councilId, 'auth.login')).filter((e) => e.actor_user_id === person.id);
      const before = (await logins(b.councilId)).length;
      const tokens = await login(t, person);
      expect(await logins(c.councilId)).toEqual([]);
      expect((await logins(b.councilId)).length).toBe(before + 1);
      const res = await request(t.server)
        .get(`/api/councils/${c.councilId}`)
        .set(bearer(tokens.accessToken));
      expect(res.status).toBe(404);
    });

    it('lets a new address accept once with its own password and name', async () => {
      const email = fresh('newcomer');
      const created = await invite(a.staff[0], a.councilId, {
        email,
        displayName: 'Invited as',
        memberBodyId: a.memberBodyId,
        role: 'agency_staff',
      });
      const body = {
        token: created.body.invitation.token,
        password: 'chosen by me, not by you',
        displayName: '自分 の名前',
      };
      const accepted = await request(t.server).post('/api/auth/invitations/accept').send(body);
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ accessToken: expect.any(String), tokenType: 'Bearer' });
      const me = await request(t.server).get('/api/me').set(bearer(accepted.body.accessToken));
      expect(me.body).toMatchObject({ email, displayName: '自分 の名前' });
      expect(me.body.memberships).toEqual([
        expect.objectContaining({ staffId: created.body.id, councilId: a.councilId, active: true }),
      ]);
      expect(await events(a.councilId, 'staff.accept')).toContainEqual(
        expect.objectContaining({
          actor_user_id: me.body.id,
          actor_role: 'agency_staff',
          outcome: 'allowed',
          reason: 'new_account',
        }),
      );
      const again = await request(t.server).post('/api/auth/invitations/accept').send(body);
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('INVITATION_INVALID');
    });

    it('refuses the link for an address that has an account: it accepts signed in', async () => {
      const holder = await createUser(t);
      const created = await invite(a.staff[0], a.councilId, {
        email: holder.email,
        displayName: 'Has an account',
        memberBodyId: a.memberBodyId,
        role: 'agency_staff',
      });
      const res = await request(t.server).post('/api/auth/invitations/accept').send({
        token: created.body.invitation.token,
        password: 'someone else’s choice',
        displayName: 'Hijack',
      });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ACCOUNT_EXISTS');
      await login(t, holder); // the account's password is untouched
    });

    it('refuses an expired invitation', async () => {
      const created = await invite(a.staff[0], a.councilId, {
        email: fresh('late'),
        displayName: 'Late',
        memberBodyId: a.memberBodyId,
        role: 'agency_staff',
      });
      await t.db.superuser.query(
        `UPDATE staff_invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`,
        [created.body.invitation.id],
      );
      const res = await request(t.server).post('/api/auth/invitations/accept').send({
        token: created.body.invitation.token,
        password: 'too late for this',
        displayName: 'Late',
      });
      expect(res.status).toBe(400);
      const record = await as(
        a.staff[0],
        'get',
        `/api/councils/${a.councilId}/staff/${created.body.id}`,
      );
      expect(record.body.status).toBe('invitation_expired');
    });

    it('answers another person’s invitation with 404, as if it did not exist', async () => {
      const created = await invite(a.staff[0], a.councilId, {
        email: fresh('someone'),
        displayName: 'Someone',
        memberBodyId: a.memberBodyId,
        role: 'agency_staff',
      });
      const res = await as(
        b.staff[1],
        'post',
        `/api/me/invitations/${created.body.invitation.id}/accept`,
      );
      expect(res.status).toBe(404);
      const missing = await as(
        b.staff[1],
        'post',
        '/api/me/invitations/00000000-0000-4000-8000-000000000000/accept',
      );
      expect(missing.body).toEqual({ ...res.body, requestId: missing.body.requestId });
    });

    it('lets an existing account decline', async () => {
      const person = await createUser(t);
      const created = await invite(a.staff[0], a.councilId, {
        email: person.email,
        displayName: 'Declines',
        memberBodyId: a.memberBodyId,
        role: 'agency_staff',
      });
      const declined = await as(
        person,
        'post',
        `/api/me/invitations/${created.body.invitation.id}/decline`,
      );
      expect(declined.status).toBe(200);
      expect(declined.body).toEqual({ id: created.body.invitation.id, status: 'declined' });
      expect((await as(person, 'get', '/api/me/invitations')).body.items).toEqual([]);
      const record = await as(
        a.staff[0],
        'get',
        `/api/councils/${a.councilId}/staff/${created.body.id}`,
      );
      expect(record.body).toMatchObject({
        status: 'declined',
        endReason: 'declined',
        active: false,
      });
      const late = await as(
        person,
        'post',
        `/api/me/invitations/${created.body.invitation.id}/accept`,
      );
      expect(late.status).toBe(409);
    });

    it('withdraws the invitation when the coordinator ends the pending record', async () => {
      const created = await invite(a.staff[0], a.councilId, {
        email: fresh('withdrawn'),
        displayName: 'Withdrawn',
        memberBodyId: a.memberBodyId,
        role: 'agency_staff',
      });
      const ended = await as(
        a.staff[0],
        'post',
        `/api/councils/${a.councilId}/staff/${created.body.id}/end`,
        { endedOn: today() },
      );
      expect(ended.status).toBe(200);
      expect(ended.body).toMatchObject({
        status: 'invitation_revoked',
        endReason: 'invitation_revoked',
        continuingDuty: null,
      });
      const res = await request(t.server).post('/api/auth/invitations/accept').send({
        token: created.body.invitation.token,
        password: 'never mind then',
        displayName: 'Withdrawn',
      });
      expect(res.status).toBe(400);
    });

    it('refuses a password chosen by the coordinator (an unknown field) with 400', async () => {
      const res = await invite(a.staff[0], a.councilId, {
        email: fresh('chosen'),
        displayName: 'Chosen',
        memberBodyId: a.memberBodyId,
        role: 'agency_staff',
        initialPassword: 'I know your password',
      });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain('initialPassword');
    });

    it('refuses changing a pending record: it is ended and re-issued instead', async () => {
      const created = await invite(a.staff[0], a.councilId, {
        email: fresh('pending'),
        displayName: 'Pending',
        memberBodyId: a.memberBodyId,
        role: 'agency_staff',
      });
      const res = await as(
        a.staff[0],
        'patch',
        `/api/councils/${a.councilId}/staff/${created.body.id}`,
        {
          role: 'coordinator',
        },
      );
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('STAFF_PENDING');
    });
  });

  describe('ending a staff record', () => {
    it('leaves the person’s session in another council working', async () => {
      const a = await createCouncil(t, ['coordinator']);
      const b = await createCouncil(t, ['coordinator', 'agency_staff']);
      const person = b.staff[1];
      const created = await invite(a.staff[0], a.councilId, {
        email: person.email,
        displayName: 'Both',
        memberBodyId: a.memberBodyId,
        role: 'agency_staff',
      });
      expect(
        (await as(person, 'post', `/api/me/invitations/${created.body.invitation.id}/accept`))
          .status,
      ).toBe(200);
      const tokens = await login(t, person);
      const inB = `/api/councils/${b.councilId}/cases`;
      await request(t.server).get(inB).set(bearer(tokens.accessToken)).expect(200);

      const ended = await as(
        a.staff[0],
        'post',
        `/api/councils/${a.councilId}/staff/${created.body.id}/end`,
        { endedOn: today() },
      );
      expect(ended.status).toBe(200);
      // Council A is gone for them; council B and the session are not.
      await request(t.server).get(inB).set(bearer(tokens.accessToken)).expect(200);
      await request(t.server)
        .get(`/api/councils/${a.councilId}`)
        .set(bearer(tokens.accessToken))
        .expect(404);
      const refreshed = await request(t.server)
        .post('/api/auth/refresh')
        .send({ refreshToken: tokens.refreshToken });
      expect(refreshed.status).toBe(200);
    });

    it('signs the person out everywhere when it was their last record in force', async () => {
      const c = await createCouncil(t, ['coordinator', 'agency_staff']);
      const tokens = await login(t, c.staff[1]);
      await as(c.staff[0], 'post', `/api/councils/${c.councilId}/staff/${c.staff[1].staffId}/end`, {
        endedOn: today(),
      });
      await request(t.server).get('/api/me').set(bearer(tokens.accessToken)).expect(401);
    });

    it('states the continuing duty of confidentiality in the answer and on the record', async () => {
      const c = await createCouncil(t, ['coordinator', 'agency_staff']);
      const ended = await as(
        c.staff[0],
        'post',
        `/api/councils/${c.councilId}/staff/${c.staff[1].staffId}/end`,
        { endedOn: today() },
      );
      expect(ended.body.continuingDuty).toEqual(expect.stringContaining('第18条'));
      expect(ended.body.continuingDuty).toContain('1年以下の拘禁刑又は50万円以下の罰金');
      expect(ended.body.continuingDuty).toContain('duty of confidentiality continues');
      const { rows } = await t.db.superuser.query(
        `SELECT continuing_duty, end_reason FROM staff WHERE id = $1`,
        [c.staff[1].staffId],
      );
      expect(rows).toEqual([{ continuing_duty: ended.body.continuingDuty, end_reason: 'ended' }]);
    });

    it('has the Japanese pledge of a new council state the continuing duty and the penalty', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const pledge = await as(c.staff[0], 'get', `/api/councils/${c.councilId}/pledge`);
      expect(pledge.body.text).toContain('従事しなくなった後も続く');
      expect(pledge.body.text).toContain('第28条');
      expect(pledge.body.text).toContain('1年以下の拘禁刑又は50万円以下の罰金');
      expect(pledge.body.text).toContain('500,000 yen');
    });
  });

  describe('login events', () => {
    it('go only to councils where the person holds an accepted record in force', async () => {
      const ended = await createCouncil(t, ['coordinator', 'agency_staff']);
      const current = await createCouncil(t, ['coordinator']);
      const pending = await createCouncil(t, ['coordinator']);
      const person = ended.staff[1];
      const joined = await invite(current.staff[0], current.councilId, {
        email: person.email,
        displayName: 'P',
        memberBodyId: current.memberBodyId,
        role: 'agency_staff',
      });
      await as(person, 'post', `/api/me/invitations/${joined.body.invitation.id}/accept`);
      await as(
        ended.staff[0],
        'post',
        `/api/councils/${ended.councilId}/staff/${person.staffId}/end`,
        { endedOn: today() },
      );
      await invite(pending.staff[0], pending.councilId, {
        email: person.email,
        displayName: 'P',
        memberBodyId: pending.memberBodyId,
        role: 'agency_staff',
      });
      const count = async (c: TestCouncil) =>
        (await events(c.councilId, 'auth.login')).filter((e) => e.actor_user_id === person.id)
          .length;
      const before = [await count(ended), await count(current), await count(pending)];
      await login(t, person);
      await request(t.server)
        .post('/api/auth/login')
        .send({ email: person.email, password: 'wrong password entirely' })
        .expect(401);
      expect([await count(ended), await count(current), await count(pending)]).toEqual([
        before[0],
        before[1] + 2,
        0,
      ]);
    });
  });

  describe('TOTP second factor', () => {
    /** A signed-in user with a confirmed TOTP factor. */
    async function enrolled(user?: TestUser | TestStaff) {
      const u = user ?? (await createUser(t));
      const tokens = await login(t, u);
      const started = await request(t.server)
        .post('/api/me/mfa/totp')
        .set(bearer(tokens.accessToken));
      expect(started.status).toBe(201);
      const secret = started.body.secret as string;
      const confirmed = await request(t.server)
        .post('/api/me/mfa/totp/confirm')
        .set(bearer(tokens.accessToken))
        .send({ code: await generate({ secret }) });
      expect(confirmed.status).toBe(200);
      return {
        user: u,
        tokens,
        secret,
        otpauthUrl: started.body.otpauthUrl as string,
        recoveryCodes: confirmed.body.recoveryCodes as string[],
      };
    }

    /** The code of the next time step (accepted within the one-step tolerance). */
    const nextCode = (secret: string) =>
      generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

    const challenge = async (u: { email: string; password: string }) => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .send({ email: u.email, password: u.password });
      expect(res.status).toBe(200);
      return res.body as { mfaRequired: true; mfaToken: string; expiresIn: number };
    };

    const second = (mfaToken: string, code: string) =>
      request(t.server).post('/api/auth/mfa').send({ mfaToken, code });

    it('enrols with a QR-ready otpauth URL and ten recovery codes, then asks for a code at sign-in', async () => {
      const e = await enrolled();
      expect(e.otpauthUrl).toMatch(/^otpauth:\/\/totp\/.+secret=/);
      expect(e.recoveryCodes).toHaveLength(10);
      expect(new Set(e.recoveryCodes).size).toBe(10);
      const step1 = await challenge(e.user);
      expect(step1).toEqual({ mfaRequired: true, mfaToken: expect.any(String), expiresIn: 300 });
      expect(step1).not.toHaveProperty('accessToken');
      const pair = await second(step1.mfaToken, await nextCode(e.secret));
      expect(pair.status).toBe(200);
      expect(pair.body).toMatchObject({ accessToken: expect.any(String), tokenType: 'Bearer' });
      const me = await request(t.server).get('/api/me').set(bearer(pair.body.accessToken));
      expect(me.body.mfaEnabled).toBe(true);
    });

    it('refuses a TOTP code that was already used', async () => {
      const e = await enrolled();
      const code = await nextCode(e.secret);
      expect((await second((await challenge(e.user)).mfaToken, code)).status).toBe(200);
      const replay = await second((await challenge(e.user)).mfaToken, code);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('INVALID_MFA_CODE');
    });

    it('refuses the code that confirmed the enrolment', async () => {
      const e = await enrolled();
      const confirmedWith = await generate({ secret: e.secret });
      const res = await second((await challenge(e.user)).mfaToken, confirmedWith);
      expect(res.status).toBe(401);
    });

    it('accepts each recovery code once', async () => {
      const e = await enrolled();
      const code = e.recoveryCodes[3];
      expect((await second((await challenge(e.user)).mfaToken, code)).status).toBe(200);
      const again = await second((await challenge(e.user)).mfaToken, code);
      expect(again.status).toBe(401);
      expect(
        (await second((await challenge(e.user)).mfaToken, e.recoveryCodes[4].toUpperCase())).status,
      ).toBe(200);
    });

    it('refuses a challenge token as an access token, and a forged one', async () => {
      const e = await enrolled();
      const { mfaToken } = await challenge(e.user);
      await request(t.server).get('/api/me').set(bearer(mfaToken)).expect(401);
      const forged = await second(`${mfaToken.slice(0, -3)}abc`, await nextCode(e.secret));
      expect(forged.status).toBe(401);
      expect(forged.body.code).toBe('INVALID_MFA_TOKEN');
    });

    it('locks the account after repeated wrong codes, even for the right code', async () => {
      const e = await enrolled();
      const { mfaToken } = await challenge(e.user);
      const statuses: number[] = [];
      for (let i = 0; i < 6 && !statuses.includes(429); i++)
        statuses.push((await second(mfaToken, '000000')).status);
      expect(statuses).toContain(429);
      const right = await second(mfaToken, await nextCode(e.secret));
      expect(right.status).toBe(429);
      expect(right.body.code).toBe('ACCOUNT_LOCKED');
    });

    it('ends the user’s other sessions when the second factor is turned on', async () => {
      const u = await createUser(t);
      const other = await login(t, u);
      const e = await enrolled(u);
      await request(t.server).get('/api/me').set(bearer(other.accessToken)).expect(401);
      await request(t.server).get('/api/me').set(bearer(e.tokens.accessToken)).expect(200);
    });

    it('turns off with a current code, not with a wrong one', async () => {
      const e = await enrolled();
      const wrong = await request(t.server)
        .delete('/api/me/mfa/totp')
        .set(bearer(e.tokens.accessToken))
        .send({ code: '123456' === (await nextCode(e.secret)) ? '654321' : '123456' });
      expect(wrong.status).toBe(403);
      expect(wrong.body.code).toBe('INVALID_MFA_CODE');
      await request(t.server)
        .delete('/api/me/mfa/totp')
        .set(bearer(e.tokens.accessToken))
        .send({ code: await nextCode(e.secret) })
        .expect(204);
      const res = await request(t.server)
        .post('/api/auth/login')
        .send({ email: e.user.email, password: e.user.password });
      expect(res.body).toMatchObject({ accessToken: expect.any(String) });
    });

    it('refuses a second enrolment while one is on', async () => {
      const e = await enrolled();
      const res = await request(t.server)
        .post('/api/me/mfa/totp')
        .set(bearer(e.tokens.accessToken));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('MFA_ALREADY_ENABLED');
    });

    it('keeps the secret encrypted and the recovery codes hashed at rest', async () => {
      const e = await enrolled();
      const { rows } = await t.db.superuser.query(
        `SELECT t.secret_ciphertext, array_agg(r.code_hash) AS hashes
           FROM mfa_totp t JOIN mfa_recovery_codes r ON r.totp_id = t.id
          WHERE t.user_id = (SELECT id FROM users WHERE email = $1) GROUP BY 1`,
        [e.user.email],
      );
      expect((rows[0].secret_ciphertext as Buffer).toString('latin1')).not.toContain(e.secret);
      for (const hash of rows[0].hashes as string[]) expect(hash).toMatch(/^\$argon2id\$/);
      expect(JSON.stringify(rows)).not.toContain(e.recoveryCodes[0]);
    });
  });

  describe('councils requiring a second factor', () => {
    it('refuses an MFA-required role with 403 MFA_REQUIRED until it enrols, and records it', async () => {
      const c = await createCouncil(t, ['coordinator', 'agency_staff'], {
        mfaRequiredRoles: ['coordinator'],
      });
      const [coordinator, agency] = c.staff;
      const tokens = await login(t, coordinator);
      const path = `/api/councils/${c.councilId}`;
      const refused = await request(t.server).get(path).set(bearer(tokens.accessToken));
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('MFA_REQUIRED');
      expect((await as(agency, 'get', path)).status).toBe(200);
      expect(await events(c.councilId, 'council.read')).toContainEqual(
        expect.objectContaining({
          actor_user_id: coordinator.id,
          outcome: 'denied',
          reason: 'mfa_required',
        }),
      );
      const started = await request(t.server)
        .post('/api/me/mfa/totp')
        .set(bearer(tokens.accessToken));
      await request(t.server)
        .post('/api/me/mfa/totp/confirm')
        .set(bearer(tokens.accessToken))
        .send({ code: await generate({ secret: started.body.secret }) })
        .expect(200);
      await request(t.server).get(path).set(bearer(tokens.accessToken)).expect(200);
    });

    it('requires a second factor of coordinators and auditors in a new council by default', async () => {
      const admin = await createUser(t, { isSystemAdmin: true });
      const res = await as(admin, 'post', '/api/councils', {
        name: `Default ${Date.now()}`,
        municipalities: ['m'],
        establishedOn: '2024-04-01',
      });
      expect(res.status).toBe(201);
      expect(res.body.mfaRequiredRoles).toEqual(['coordinator', 'auditor']);
    });

    it('lets a coordinator choose the roles, recorded in the council’s log', async () => {
      const c = await createCouncil(t, ['coordinator', 'agency_staff']);
      const path = `/api/councils/${c.councilId}`;
      const set = await as(c.staff[0], 'put', `${path}/security`, {
        mfaRequiredRoles: ['agency_staff'],
      });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ mfaRequiredRoles: ['agency_staff'] });
      expect((await as(c.staff[1], 'get', path)).body.code).toBe('MFA_REQUIRED');
      expect((await as(c.staff[0], 'get', `${path}/security`)).body).toEqual(set.body);
      expect(await events(c.councilId, 'council.security')).toEqual([
        expect.objectContaining({
          actor_user_id: c.staff[0].id,
          outcome: 'allowed',
          reason: 'mfa_required_roles=agency_staff',
        }),
      ]);
      expect(
        (await as(c.staff[0], 'put', `${path}/security`, { mfaRequiredRoles: ['system_admin'] }))
          .status,
      ).toBe(400);
    });
  });

  describe('the test factories', () => {
    it('create staff through invitations accepted with the invitee’s own password', async () => {
      const c = await createCouncil(t, ['coordinator', 'agency_staff']);
      const { rows } = await t.db.superuser.query(
        `SELECT st.accepted_at IS NOT NULL AS accepted, i.accepted_by = st.user_id AS by_self
           FROM staff st JOIN staff_invitations i ON i.council_id = st.council_id AND i.staff_id = st.id
          WHERE st.council_id = $1`,
        [c.councilId],
      );
      expect(rows).toEqual([
        { accepted: true, by_self: true },
        { accepted: true, by_self: true },
      ]);
      // The helper works for any 201 body, e.g. an invitation made over HTTP.
      const created = await invite(c.staff[0], c.councilId, {
        email: fresh('helper'),
        displayName: 'Helper',
        memberBodyId: c.memberBodyId,
        role: 'auditor',
      });
      expect(await acceptInvitation(t, created.body as CreatedStaff, PASSWORD)).toEqual(
        expect.any(String),
      );
    });
  });
});

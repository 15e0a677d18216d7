import { generate } from 'otplib';
import request from '../support/http';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil, createUser, login, TestCouncil } from '../support/factories';
import { Mailbox, startMailbox, tokenIn } from '../support/mailbox';

/**
 * Mail through a real SMTP server in the test process (smtp-server): with SMTP configured the
 * invitation and reset links go only by mail, never back to whoever caused them (issue 13).
 */
describe('mail: invitations and password resets over SMTP (e2e)', () => {
  let t: TestApp;
  let mailbox: Mailbox;
  let c: TestCouncil;
  const as = actingAs(() => t);

  beforeAll(async () => {
    mailbox = await startMailbox();
    t = await createTestApp({
      SMTP_URL: mailbox.url,
      MAIL_FROM: 'council@test.example',
      PUBLIC_URL: 'https://council.test.example',
    });
    t.mailbox = mailbox;
    c = await createCouncil(t, ['coordinator']);
  });
  afterAll(async () => {
    await t.close();
    await mailbox.close();
  });

  describe('invitations', () => {
    it('go by mail, naming nothing but the council, and the coordinator gets no link', async () => {
      const email = `mailed-${Date.now()}@test.example`;
      const res = await as(c.staff[0], 'post', `/api/councils/${c.councilId}/staff`, {
        email,
        displayName: '招待 された人',
        memberBodyId: c.memberBodyId,
        role: 'agency_staff',
      });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body.invitation).sort()).toEqual(['expiresAt', 'id']);
      const mail = await mailbox.next(email);
      expect(mail.headers).toMatch(/^from: council@test\.example/im);
      expect(mail.text).toContain('https://council.test.example/invitations/accept?token=');
      const council = await as(c.staff[0], 'get', `/api/councils/${c.councilId}`);
      expect(mail.text).toContain(council.body.name);
      expect(mail.text).not.toContain('招待 された人');
      expect(mail.text).not.toContain(c.staff[0].email);
      expect(mail.text).not.toContain('agency_staff');

      const accepted = await request(t.server)
        .post('/api/auth/invitations/accept')
        .send({
          token: tokenIn(mail),
          password: 'my very own password',
          displayName: 'Mailed',
        });
      expect(accepted.status).toBe(200);
    });
  });

  describe('password reset', () => {
    it('answers the same whether or not the address has an account', async () => {
      const user = await createUser(t);
      const known = await request(t.server)
        .post('/api/auth/password-reset')
        .send({ email: user.email });
      const unknown = await request(t.server)
        .post('/api/auth/password-reset')
        .send({ email: `nobody-${Date.now()}@test.example` });
      expect(known.status).toBe(202);
      expect(unknown.status).toBe(202);
      expect(known.body).toEqual(unknown.body);
    });

    it('sets a new password with the mailed link, once, and ends every session', async () => {
      const user = await createUser(t);
      const before = await login(t, user);
      await request(t.server)
        .post('/api/auth/password-reset')
        .send({ email: user.email })
        .expect(202);
      const mail = await mailbox.next(user.email, (m) => m.text.includes('/password-reset?token='));
      expect(mail.text).toContain('https://council.test.example/password-reset?token=');
      const token = tokenIn(mail);
      await request(t.server)
        .post('/api/auth/password-reset/confirm')
        .send({ token, newPassword: 'a brand new password' })
        .expect(204);
      await request(t.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${before.accessToken}`)
        .expect(401);
      await request(t.server)
        .post('/api/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(401);
      await login(t, { email: user.email, password: 'a brand new password' });
      const again = await request(t.server)
        .post('/api/auth/password-reset/confirm')
        .send({ token, newPassword: 'yet another password' });
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('RESET_TOKEN_INVALID');
    });

    it('refuses an expired link', async () => {
      const user = await createUser(t);
      await request(t.server).post('/api/auth/password-reset').send({ email: user.email });
      const token = tokenIn(await mailbox.next(user.email));
      await t.db.superuser.query(
        `UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = $1)`,
        [user.email],
      );
      const res = await request(t.server)
        .post('/api/auth/password-reset/confirm')
        .send({ token, newPassword: 'too late for a change' });
      expect(res.status).toBe(400);
    });

    it('leaves the second factor on: the next sign-in still asks for a code', async () => {
      const user = await createUser(t);
      const tokens = await login(t, user);
      const auth = { Authorization: `Bearer ${tokens.accessToken}` };
      const started = await request(t.server).post('/api/me/mfa/totp').set(auth);
      await request(t.server)
        .post('/api/me/mfa/totp/confirm')
        .set(auth)
        .send({ code: await generate({ secret: started.body.secret }) })
        .expect(200);
      await request(t.server).post('/api/auth/password-reset').send({ email: user.email });
      const token = tokenIn(await mailbox.next(user.email));
      await request(t.server)
        .post('/api/auth/password-reset/confirm')
        .send({ token, newPassword: 'reset but still two factors' })
        .expect(204);
      const res = await request(t.server)
        .post('/api/auth/login')
        .send({ email: user.email, password: 'reset but still two factors' });
      expect(res.body).toMatchObject({ mfaRequired: true });
    });
  });
});

import request from '../support/http';
import { createTestApp, TestApp } from '../support/app';
import { createUser, login, PASSWORD, TestUser } from '../support/factories';

describe('auth (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '5', LOGIN_LOCKOUT_SECONDS: '900' });
  });
  afterAll(async () => {
    await t.close();
  });

  const securityEvents = async (
    userId: string | null,
    action: string,
  ): Promise<{ outcome: string; reason: string | null }[]> => {
    const { rows } = await t.db.owner.query(
      `SELECT outcome, reason FROM security_events WHERE action = $1 AND user_id IS NOT DISTINCT FROM $2 ORDER BY id`,
      [action, userId],
    );
    return rows as { outcome: string; reason: string | null }[];
  };

  describe('login', () => {
    let user: TestUser;
    beforeEach(async () => {
      user = await createUser(t);
    });

    it('returns a bearer token pair for the right password', async () => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .send({ email: user.email, password: PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
      });
    });

    it('accepts the e-mail in any letter case', async () => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .send({ email: user.email.toUpperCase(), password: PASSWORD });
      expect(res.status).toBe(200);
    });

    it('answers a wrong password and an unknown e-mail identically', async () => {
      const wrong = await request(t.server)
        .post('/api/auth/login')
        .send({ email: user.email, password: 'not the password' });
      const unknown = await request(t.server)
        .post('/api/auth/login')
        .send({ email: 'nobody@test.example', password: 'not the password' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(strip(wrong.body)).toEqual(strip(unknown.body));
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    });

    it('records successes and failures in the security log', async () => {
      await request(t.server)
        .post('/api/auth/login')
        .send({ email: user.email, password: 'nope-nope' })
        .expect(401);
      await login(t, user);
      expect(await securityEvents(user.id, 'auth.login')).toEqual([
        { outcome: 'denied', reason: 'wrong_password' },
        { outcome: 'allowed', reason: null },
      ]);
    });

    it('locks the account with 429 after five failures, even for the right password', async () => {
      for (let i = 0; i < 5; i++) {
        await request(t.server)
          .post('/api/auth/login')
          .send({ email: user.email, password: `wrong ${i}` })
          .expect(401);
      }
      const locked = await request(t.server)
        .post('/api/auth/login')
        .send({ email: user.email, password: PASSWORD });
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe('ACCOUNT_LOCKED');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('holds the lockout against concurrent guesses: at most five passwords are ever checked', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          request(t.server)
            .post('/api/auth/login')
            .send({ email: user.email, password: `guess ${i}` }),
        ),
      );
      const statuses = attempts.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    });

    it('locks unknown e-mails the same way, so lockout does not reveal which accounts exist', async () => {
      const email = 'ghost@test.example';
      for (let i = 0; i < 5; i++) {
        await request(t.server)
          .post('/api/auth/login')
          .send({ email, password: `wrong ${i}` })
          .expect(401);
      }
      const res = await request(t.server)
        .post('/api/auth/login')
        .send({ email, password: 'wrong again' });
      expect(res.status).toBe(429);
    });

    it('forgets earlier failures after a successful login', async () => {
      for (let i = 0; i < 4; i++) {
        await request(t.server)
          .post('/api/auth/login')
          .send({ email: user.email, password: `wrong ${i}` })
          .expect(401);
      }
      await login(t, user);
      for (let i = 0; i < 4; i++) {
        await request(t.server)
          .post('/api/auth/login')
          .send({ email: user.email, password: `wrong ${i}` })
          .expect(401);
      }
      await login(t, user);
    });

    it.each([
      [{}, 'email'],
      [{ email: 'a@b.example' }, 'password'],
      [{ email: 42, password: 'x' }, 'email'],
      [{ email: 'a@b.example', password: 'x', role: 'system_admin' }, 'role'],
    ])('rejects a malformed body %j with 400 naming %s', async (body, field) => {
      const res = await request(t.server).post('/api/auth/login').send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });

  describe('tokens and sessions', () => {
    let user: TestUser;
    beforeEach(async () => {
      user = await createUser(t);
    });

    it('opens /api/me with the access token and refuses it without one', async () => {
      const { accessToken } = await login(t, user);
      const me = await request(t.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${accessToken}`);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        id: user.id,
        email: user.email,
        isSystemAdmin: false,
        memberships: [],
      });
      const anonymous = await request(t.server).get('/api/me');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    });

    it('rotates the refresh token: the new one works, the old one is dead', async () => {
      const first = await login(t, user);
      const second = await request(t.server)
        .post('/api/auth/refresh')
        .send({ refreshToken: first.refreshToken });
      expect(second.status).toBe(200);
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      const third = await request(t.server)
        .post('/api/auth/refresh')
        .send({ refreshToken: second.body.refreshToken });
      expect(third.status).toBe(200);
    });

    it('revokes the whole session family when a used refresh token comes back', async () => {
      const first = await login(t, user);
      const rotated = await request(t.server)
        .post('/api/auth/refresh')
        .send({ refreshToken: first.refreshToken })
        .expect(200);
      const replay = await request(t.server)
        .post('/api/auth/refresh')
        .send({ refreshToken: first.refreshToken });
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');
      // The legitimate holder's newer tokens are dead too.
      await request(t.server)
        .post('/api/auth/refresh')
        .send({ refreshToken: rotated.body.refreshToken })
        .expect(401);
      await request(t.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${rotated.body.accessToken}`)
        .expect(401);
      expect(await securityEvents(user.id, 'auth.refresh')).toContainEqual({
        outcome: 'denied',
        reason: 'reuse_detected',
      });
    });

    it('lets only one of two concurrent refreshes with the same token succeed', async () => {
      const { refreshToken } = await login(t, user);
      const results = await Promise.all(
        [1, 2].map(() => request(t.server).post('/api/auth/refresh').send({ refreshToken })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('refuses an unknown refresh token', async () => {
      const res = await request(t.server)
        .post('/api/auth/refresh')
        .send({ refreshToken: 'not-a-token' });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('logout kills the access token and the refresh token of that session at once', async () => {
      const tokens = await login(t, user);
      await request(t.server)
        .post('/api/auth/logout')
        .set('Authorization', `Bearer ${tokens.accessToken}`)
        .expect(204);
      await request(t.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${tokens.accessToken}`)
        .expect(401);
      await request(t.server)
        .post('/api/auth/refresh')
        .send({ refreshToken: tokens.refreshToken })
        .expect(401);
    });

    it('logout leaves the user’s other sessions alone', async () => {
      const a = await login(t, user);
      const b = await login(t, user);
      await request(t.server)
        .post('/api/auth/logout')
        .set('Authorization', `Bearer ${a.accessToken}`)
        .expect(204);
      await request(t.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${b.accessToken}`)
        .expect(200);
    });
  });

  describe('password change', () => {
    it('revokes every other session and keeps the current one', async () => {
      const user = await createUser(t);
      const current = await login(t, user);
      const other = await login(t, user);
      const newPassword = 'a brand new passphrase';
      await request(t.server)
        .post('/api/me/password')
        .set('Authorization', `Bearer ${current.accessToken}`)
        .send({ currentPassword: PASSWORD, newPassword })
        .expect(204);
      await request(t.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${other.accessToken}`)
        .expect(401);
      await request(t.server)
        .post('/api/auth/refresh')
        .send({ refreshToken: other.refreshToken })
        .expect(401);
      await request(t.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${current.accessToken}`)
        .expect(200);
      await request(t.server)
        .post('/api/auth/login')
        .send({ email: user.email, password: PASSWORD })
        .expect(401);
      await login(t, { email: user.email, password: newPassword });
    });

    it('refuses a wrong current password with 403 and changes nothing', async () => {
      const user = await createUser(t);
      const { accessToken } = await login(t, user);
      const res = await request(t.server)
        .post('/api/me/password')
        .set('Authorization', `Bearer ${accessToken}`)
        .send({ currentPassword: 'wrong wrong wrong', newPassword: 'another long passphrase' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CURRENT_PASSWORD_INCORRECT');
      await login(t, user);
    });

    it('refuses a new password shorter than 12 characters with 400', async () => {
      const user = await createUser(t);
      const { accessToken } = await login(t, user);
      const res = await request(t.server)
        .post('/api/me/password')
        .set('Authorization', `Bearer ${accessToken}`)
        .send({ currentPassword: PASSWORD, newPassword: 'short' });
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe('newPassword');
      await login(t, user);
    });
  });
});

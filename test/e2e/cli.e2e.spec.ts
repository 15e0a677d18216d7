import request from '../support/http';
import { councilRecover, createAdmin } from '../../src/cli/commands';
import {
  createTestApp,
  TEST_JWT_SECRET,
  TEST_MFA_KEY,
  TEST_DATA_KEK,
  TEST_SIGNING_KEY,
  TestApp,
} from '../support/app';
import {
  acceptInvitation,
  actingAs,
  createCouncil,
  createUser,
  login,
  PASSWORD,
} from '../support/factories';

/** `npm run cli -- create-admin` against DATABASE_URL: how a real deployment gets its first admin. */
describe('CLI create-admin (DATABASE_URL mode)', () => {
  let t: TestApp;
  const saved = { ...process.env };

  beforeAll(async () => {
    t = await createTestApp();
    process.env.DATABASE_URL = t.config.database.url;
    process.env.PLATFORM_DATABASE_URL = t.config.database.platformUrl;
    process.env.JWT_SECRET = TEST_JWT_SECRET;
    process.env.AUDIT_SIGNING_KEY = TEST_SIGNING_KEY;
    // The grant is made as the owner role: the application role cannot write is_system_admin.
    process.env.MIGRATION_DATABASE_URL = t.config.database.migrationUrl!;
    process.env.MFA_ENCRYPTION_KEY = TEST_MFA_KEY;
    process.env.DATA_KEK = TEST_DATA_KEK;
  });
  afterAll(async () => {
    process.env = saved;
    await t.close();
  });

  it('creates a system admin with a generated password printed once, which then logs in', async () => {
    const lines: string[] = [];
    await createAdmin('first-admin@test.example', undefined, (l) => lines.push(l));
    const printed = lines.find((l) => l.startsWith('password (shown once): '));
    expect(printed).toBeDefined();
    const password = printed!.replace('password (shown once): ', '');
    expect(password.length).toBeGreaterThanOrEqual(16);
    const tokens = await login(t, { email: 'first-admin@test.example', password });
    const me = await request(t.server)
      .get('/api/me')
      .set('Authorization', `Bearer ${tokens.accessToken}`)
      .expect(200);
    expect(me.body.isSystemAdmin).toBe(true);
  });

  it('promotes an existing user instead of duplicating them, keeping their password', async () => {
    const user = await createUser(t);
    const lines: string[] = [];
    await createAdmin(user.email, undefined, (l) => lines.push(l));
    expect(lines.join('\n')).toContain('promoted');
    expect(lines.join('\n')).not.toContain('password');
    const tokens = await login(t, { email: user.email, password: PASSWORD });
    const me = await request(t.server)
      .get('/api/me')
      .set('Authorization', `Bearer ${tokens.accessToken}`)
      .expect(200);
    expect(me.body.isSystemAdmin).toBe(true);
  });

  it('refuses without the owner role’s connection, leaving no administrator behind', async () => {
    const owner = process.env.MIGRATION_DATABASE_URL;
    delete process.env.MIGRATION_DATABASE_URL;
    try {
      await expect(
        createAdmin('no-owner@test.example', undefined, () => undefined),
      ).rejects.toThrow(/MIGRATION_DATABASE_URL/);
    } finally {
      process.env.MIGRATION_DATABASE_URL = owner;
    }
    const { rows } = await t.db.superuser.query(
      `SELECT count(*)::int AS n FROM users WHERE email = 'no-owner@test.example'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('makes the first sign-in change an operator-set password before anything else', async () => {
    const lines: string[] = [];
    await createAdmin('must-change@test.example', 'operator-chosen-password', (l) => lines.push(l));
    expect(lines.join('\n')).toContain('must change');
    const tokens = await login(t, {
      email: 'must-change@test.example',
      password: 'operator-chosen-password',
    });
    expect(tokens).toMatchObject({ passwordChangeRequired: true });
    const auth = { Authorization: `Bearer ${tokens.accessToken}` };
    const blocked = await request(t.server).get('/api/councils').set(auth);
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const me = await request(t.server).get('/api/me').set(auth).expect(200);
    expect(me.body.passwordChangeRequired).toBe(true);
    await request(t.server)
      .post('/api/me/password')
      .set(auth)
      .send({ currentPassword: 'operator-chosen-password', newPassword: 'my own password 2026' })
      .expect(204);
    await request(t.server).get('/api/councils').set(auth).expect(200);
  });

  it('refuses to make a system admin of someone who holds a staff record', async () => {
    const c = await createCouncil(t, ['coordinator']);
    await expect(createAdmin(c.staff[0].email, undefined, () => undefined)).rejects.toThrow(
      /staff record/,
    );
    const { rows } = await t.db.superuser.query(`SELECT is_system_admin FROM users WHERE id = $1`, [
      c.staff[0].id,
    ]);
    expect(rows).toEqual([{ is_system_admin: false }]);
  });

  it('refuses a missing e-mail and a short password', async () => {
    await expect(createAdmin(undefined, undefined, () => undefined)).rejects.toThrow(/--email/);
    await expect(createAdmin('x@test.example', 'short', () => undefined)).rejects.toThrow(
      /12 characters/,
    );
  });
});

/** `npm run cli -- council:recover`: the one way back into a council that lost its coordinators. */
describe('CLI council:recover (DATABASE_URL mode)', () => {
  let t: TestApp;
  const saved = { ...process.env };
  const as = actingAs(() => t);
  const today = (): string => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await createTestApp();
    process.env.DATABASE_URL = t.config.database.url;
    process.env.PLATFORM_DATABASE_URL = t.config.database.platformUrl;
    process.env.JWT_SECRET = TEST_JWT_SECRET;
    process.env.AUDIT_SIGNING_KEY = TEST_SIGNING_KEY;
    process.env.MFA_ENCRYPTION_KEY = TEST_MFA_KEY;
    process.env.DATA_KEK = TEST_DATA_KEK;
  });
  afterAll(async () => {
    process.env = saved;
    await t.close();
  });

  /** A council whose only coordinator's record has ended (the designated body stays). */
  async function orphaned() {
    const c = await createCouncil(t, ['coordinator']);
    const base = `/api/councils/${c.councilId}`;
    await as(c.staff[0], 'put', `${base}/coordinating-body`, { memberBodyId: c.memberBodyId }).then(
      (r) => expect(r.status).toBe(200),
    );
    const ended = await as(c.staff[0], 'post', `${base}/staff/${c.staff[0].staffId}/end`, {
      endedOn: today(),
    });
    expect(ended.status).toBe(200);
    return c;
  }

  it('invites a new coordinator, records council.recovered, and the invitee can run the council', async () => {
    const c = await orphaned();
    const lines: string[] = [];
    await councilRecover({ council: c.councilId, email: 'rescuer@test.example' }, (l) =>
      lines.push(l),
    );
    const link = lines.find((l) => l.startsWith('invitation link'))!;
    const token = /token=([A-Za-z0-9_-]+)/.exec(link)![1];
    const { rows } = await t.db.superuser.query(
      `SELECT actor_user_id, actor_role, resource_type, reason FROM audit_events
        WHERE council_id = $1 AND action = 'council.recovered'`,
      [c.councilId],
    );
    expect(rows).toEqual([
      {
        actor_user_id: null,
        actor_role: 'operator',
        resource_type: 'staff',
        reason: 'role=coordinator,invited',
      },
    ]);
    await acceptInvitation(
      t,
      { id: 'x', email: 'rescuer@test.example', invitation: { token, expiresAt: '' } },
      PASSWORD,
    );
    const rescuer = { email: 'rescuer@test.example', password: PASSWORD };
    const res = await as(rescuer, 'get', `/api/councils/${c.councilId}/staff`);
    expect(res.status).toBe(200);
  });

  it('refuses while the council has a coordinator in force', async () => {
    const c = await createCouncil(t, ['coordinator']);
    await expect(
      councilRecover(
        { council: c.councilId, email: 'usurper@test.example', memberBody: c.memberBodyId },
        () => undefined,
      ),
    ).rejects.toThrow(/coordinator in force/);
    const { rows } = await t.db.superuser.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE council_id = $1 AND action = 'council.recovered'`,
      [c.councilId],
    );
    expect(rows[0].n).toBe(0);
  });

  it('refuses a system admin as the new coordinator', async () => {
    const c = await orphaned();
    await expect(
      councilRecover({ council: c.councilId, email: c.admin.email }, () => undefined),
    ).rejects.toThrow(/system admin/);
  });
});

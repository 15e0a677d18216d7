import request from 'supertest';
import { createAdmin } from '../../src/cli/commands';
import { createTestApp, TEST_JWT_SECRET, TEST_SIGNING_KEY, TestApp } from '../support/app';
import { createUser, login, PASSWORD } from '../support/factories';

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

  it('refuses a missing e-mail and a short password', async () => {
    await expect(createAdmin(undefined, undefined, () => undefined)).rejects.toThrow(/--email/);
    await expect(createAdmin('x@test.example', 'short', () => undefined)).rejects.toThrow(
      /12 characters/,
    );
  });
});

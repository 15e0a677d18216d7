import { Pool } from 'pg';
import { assertLeastPrivilege, inspectRole } from '../../src/database/role-check';
import { createTestDatabase, TestDatabase } from '../support/database';

/** DESIGN.md §3.3 (roles) and §3.5 (append-only logs), checked on a real database. */
describe('database roles', () => {
  let db: TestDatabase;
  let app: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = new Pool({ connectionString: db.appUrl, max: 2 });
  });
  afterAll(async () => {
    await app.end();
    await db.drop();
  });

  it('connects the application as a role that is not superuser, not BYPASSRLS and owns nothing', async () => {
    const facts = await inspectRole(db.appUrl);
    expect(facts).toEqual({
      role: 'council_app',
      superuser: false,
      bypassRls: false,
      ownedRelations: 0,
    });
    await expect(assertLeastPrivilege(db.appUrl)).resolves.toBeUndefined();
  });

  it('refuses to serve as the owner role', async () => {
    await expect(assertLeastPrivilege(db.ownerUrl)).rejects.toThrow(/owns \d+ relation/);
  });

  it('refuses to serve as a superuser', async () => {
    await expect(assertLeastPrivilege(db.adminUrl)).rejects.toThrow(/superuser/);
  });

  it('gives the application role no DELETE on any table: who had access is never erased', async () => {
    for (const table of [
      'users',
      'auth_sessions',
      'refresh_tokens',
      'councils',
      'member_bodies',
      'staff',
      'security_events',
    ]) {
      await expect(app.query(`DELETE FROM ${table}`)).rejects.toThrow(/permission denied/);
    }
  });

  it('cannot create tables or change the schema', async () => {
    await expect(app.query('CREATE TABLE sneaky (id int)')).rejects.toThrow(/permission denied/);
    await expect(app.query('ALTER TABLE users ADD COLUMN sneaky int')).rejects.toThrow(
      /must be owner/,
    );
  });

  describe('security_events is append-only', () => {
    beforeAll(async () => {
      await app.query(
        `INSERT INTO security_events (action, outcome) VALUES ('auth.login', 'denied')`,
      );
    });

    it('lets the application insert and read', async () => {
      const { rows } = await app.query('SELECT count(*)::int AS n FROM security_events');
      expect(rows[0].n).toBeGreaterThan(0);
    });

    it.each([
      ['UPDATE', `UPDATE security_events SET reason = 'edited'`],
      ['DELETE', 'DELETE FROM security_events'],
      ['TRUNCATE', 'TRUNCATE security_events'],
    ])('refuses %s from the application role', async (_op, sql) => {
      await expect(app.query(sql)).rejects.toThrow(/permission denied|append-only/);
    });

    it.each([
      ['UPDATE', `UPDATE security_events SET reason = 'edited'`],
      ['DELETE', 'DELETE FROM security_events'],
      ['TRUNCATE', 'TRUNCATE security_events'],
    ])('refuses %s even from the owner role (the trigger)', async (_op, sql) => {
      await expect(db.owner.query(sql)).rejects.toThrow(/append-only/);
    });
  });
});

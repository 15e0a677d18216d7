import type { QueryRunner } from 'typeorm';
import {
  OLD_STANDARD_PLEDGE,
  upgradeStandardPledge,
} from '../../migrations/1763780760000-accounts';
import { STANDARD_PLEDGE } from '../../src/councils/pledge.service';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil } from '../support/factories';

/**
 * Migration 1763780760000 gives councils still on the old standard pledge (whose Japanese text
 * did not state the penalty) the corrected text as a new version — never rewriting a version
 * people accepted — and says so in each council's log. Run here as the migration runs: as the
 * owner role, bound by row-level security.
 */
describe('migration 1763780760000: the pledge states the penalty', () => {
  let t: TestApp;
  const as = actingAs(() => t);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function upgrade(): Promise<void> {
    const client = await t.db.owner.connect();
    try {
      await client.query('BEGIN');
      await upgradeStandardPledge({
        query: (sql: string) => client.query(sql),
      } as unknown as Pick<QueryRunner, 'query'>);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }

  const versions = async (councilId: string) =>
    (
      await t.db.superuser.query(
        `SELECT version, text FROM pledges WHERE council_id = $1 ORDER BY version`,
        [councilId],
      )
    ).rows as { version: number; text: string }[];

  it('publishes the corrected text as a new version where the old one is current, recorded in the log', async () => {
    const c = await createCouncil(t, ['coordinator']);
    // A council as it stood before: its current version is the old standard text.
    await t.db.superuser.query(
      `INSERT INTO pledges (council_id, version, text) VALUES ($1, 2, $2)`,
      [c.councilId, OLD_STANDARD_PLEDGE],
    );
    await upgrade();
    const after = await versions(c.councilId);
    expect(after.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(after[1].text).toBe(OLD_STANDARD_PLEDGE); // what was accepted stays as it was
    expect(after[2].text).toBe(STANDARD_PLEDGE);
    const { rows } = await t.db.superuser.query(
      `SELECT actor_user_id, actor_role, reason, request_id FROM audit_events
        WHERE council_id = $1 AND action = 'pledge.publish'`,
      [c.councilId],
    );
    expect(rows).toEqual([
      {
        actor_user_id: null,
        actor_role: 'operator',
        reason: 'version=3,penalty_stated',
        request_id: 'migration:1763780760000',
      },
    ]);
    const cases = await as(c.staff[0], 'get', `/api/councils/${c.councilId}/cases`);
    expect(cases.body.code).toBe('PLEDGE_REQUIRED');
  });

  it('leaves a council on the new text, or on a text of its own, as it is', async () => {
    const current = await createCouncil(t, ['coordinator']);
    const own = await createCouncil(t, ['coordinator']);
    const published = await as(own.staff[0], 'put', `/api/councils/${own.councilId}/pledge`, {
      text: '当協議会独自の誓約文',
    });
    expect(published.status).toBe(200);
    await upgrade();
    expect((await versions(current.councilId)).map((v) => v.version)).toEqual([1]);
    expect((await versions(own.councilId)).map((v) => v.version)).toEqual([1, 2]);
  });
});

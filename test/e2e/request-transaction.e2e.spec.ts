import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil, TestCouncil } from '../support/factories';

/**
 * One council transaction per request (issue 15): the guards open it (session check and
 * principal lookup), the access primitive takes it over. A request that never reaches the
 * primitive must give its connection back, or the pool (5 connections in tests) runs dry.
 */
describe('the request’s council transaction (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  const as = actingAs(() => t);

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator', 'agency_staff']);
  });
  afterAll(async () => {
    await t.close();
  });

  it('returns the connection of a request refused by validation after the guards', async () => {
    const [coordinator] = c.staff;
    for (let i = 0; i < 12; i++) {
      const bad = await as(coordinator, 'post', `/api/councils/${c.councilId}/cases`, {
        summary: 42,
      });
      expect(bad.status).toBe(400);
    }
    const sut = await as(coordinator, 'get', `/api/councils/${c.councilId}/cases`);
    expect(sut.status).toBe(200);
  });

  it('returns the connection of a request the guards refuse (pledge, policy, unknown council)', async () => {
    const [, agency] = c.staff;
    for (let i = 0; i < 4; i++) {
      expect((await as(agency, 'get', `/api/councils/${c.councilId}/audit/events`)).status).toBe(
        403,
      );
      expect(
        (await as(agency, 'get', `/api/councils/00000000-0000-4000-8000-000000000000/cases`))
          .status,
      ).toBe(404);
    }
    const sut = await as(agency, 'get', `/api/councils/${c.councilId}/cases`);
    expect(sut.status).toBe(200);
  });

  it('records a denial by the guard in the council’s audit log', async () => {
    const [, agency] = c.staff;
    await as(agency, 'post', `/api/councils/${c.councilId}/member-bodies`, {
      name: 'x',
      kind: 'npo',
      joinedOn: '2024-04-01',
    });
    const { rows } = await t.db.superuser.query(
      `SELECT outcome, reason FROM audit_events
        WHERE council_id = $1 AND actor_user_id = $2 AND action = 'member_body.create'`,
      [c.councilId, agency.id],
    );
    expect(rows).toEqual([{ outcome: 'denied', reason: 'forbidden' }]);
  });
});

import request from 'supertest';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil, memberBodyWithStaff, TestCouncil } from '../support/factories';

interface PublicEntry {
  id: string;
  name: string;
  coordinatingBody: { id: string; name: string } | null;
  memberBodies: { id: string; name: string }[];
}

/**
 * Council fit (issue 17 item 8): the public notice (公示) is an act — a council is on the public
 * register only once published, the register shows the latest published version, and every
 * version is kept; members of kind `individual` are never the coordinating body.
 */
describe('public notice publication and individual members (e2e)', () => {
  // Generous: eight engineers share two cores; no timing is asserted.
  jest.setTimeout(180_000);
  let t: TestApp;
  const as = actingAs(() => t);
  const base = (c: TestCouncil) => `/api/councils/${c.councilId}`;

  async function register(): Promise<PublicEntry[]> {
    const items: PublicEntry[] = [];
    let cursor: string | null = null;
    do {
      const res = await request(t.server).get(
        `/api/public/councils?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      items.push(...(res.body.items as PublicEntry[]));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    return items;
  }

  const entryOf = async (c: TestCouncil) => (await register()).find((e) => e.id === c.councilId);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('the public notice (公示)', () => {
    it('keeps a council off the public register until its notice is published', async () => {
      const sut = await createCouncil(t, ['coordinator']);
      expect(await entryOf(sut)).toBeUndefined();
    });

    it('lists the council once the coordinator publishes, with what was published', async () => {
      const sut = await createCouncil(t, ['coordinator']);
      const [coordinator] = sut.staff;
      await as(coordinator, 'put', `${base(sut)}/coordinating-body`, {
        memberBodyId: sut.memberBodyId,
      });
      const published = await as(coordinator, 'post', `${base(sut)}/public-notice/publish`);
      expect(published.status).toBe(201);
      expect(published.body.version).toBe(1);
      const entry = await entryOf(sut);
      expect(entry?.coordinatingBody?.id).toBe(sut.memberBodyId);
      expect(entry?.memberBodies.map((b) => b.id)).toEqual([sut.memberBodyId]);
      expect(published.body.content).toEqual(entry);
    });

    it('shows a change to the member bodies only after the next publication', async () => {
      const sut = await createCouncil(t, ['coordinator'], { publishNotice: true });
      const [coordinator] = sut.staff;
      const joined = await memberBodyWithStaff(t, sut.councilId, coordinator, 'Newcomer');
      expect((await entryOf(sut))?.memberBodies.map((b) => b.id)).not.toContain(
        joined.memberBodyId,
      );
      await as(coordinator, 'post', `${base(sut)}/public-notice/publish`);
      expect((await entryOf(sut))?.memberBodies.map((b) => b.id)).toContain(joined.memberBodyId);
    });

    it('keeps every published version in the history, newest first', async () => {
      const sut = await createCouncil(t, ['coordinator'], { publishNotice: true });
      const [coordinator] = sut.staff;
      const joined = await memberBodyWithStaff(t, sut.councilId, coordinator, 'Later');
      await as(coordinator, 'post', `${base(sut)}/public-notice/publish`);
      const history = await as(coordinator, 'get', `${base(sut)}/public-notice/history`);
      expect(history.status).toBe(200);
      const items = history.body.items as {
        version: number;
        publishedBy: string;
        content: PublicEntry;
      }[];
      expect(items.map((i) => i.version)).toEqual([2, 1]);
      expect(items[0].content.memberBodies.map((b) => b.id)).toContain(joined.memberBodyId);
      expect(items[1].content.memberBodies.map((b) => b.id)).not.toContain(joined.memberBodyId);
      expect(items[0].publishedBy).toBe(coordinator.id);
    });

    it('records the publication in the audit log with its version', async () => {
      const sut = await createCouncil(t, ['coordinator']);
      const [coordinator] = sut.staff;
      await as(coordinator, 'post', `${base(sut)}/public-notice/publish`);
      const events = await t.db.superuser.query(
        `SELECT actor_user_id, reason FROM audit_events WHERE council_id = $1 AND action = 'council.publish_notice'`,
        [sut.councilId],
      );
      expect(events.rows).toEqual([{ actor_user_id: coordinator.id, reason: 'version=1' }]);
    });

    it('refuses publication by the system admin (403) and by agency staff (403)', async () => {
      const sut = await createCouncil(t, ['coordinator']);
      const agency = await memberBodyWithStaff(t, sut.councilId, sut.staff[0], 'Agency');
      const byAdmin = await as(sut.admin, 'post', `${base(sut)}/public-notice/publish`);
      const byAgency = await as(agency, 'post', `${base(sut)}/public-notice/publish`);
      expect([byAdmin.status, byAgency.status]).toEqual([403, 403]);
      expect(await entryOf(sut)).toBeUndefined();
    });
  });

  describe('individual members', () => {
    it('accepts a member body of kind individual', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const sut = await as(c.staff[0], 'post', `${base(c)}/member-bodies`, {
        name: '弁護士 山田一郎',
        kind: 'individual',
        joinedOn: '2024-04-01',
      });
      expect(sut.status).toBe(201);
      expect(sut.body.kind).toBe('individual');
    });

    it('refuses to designate an individual as the coordinating body (422, stable code)', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const person = await as(c.staff[0], 'post', `${base(c)}/member-bodies`, {
        name: '社会福祉士 佐藤花子',
        kind: 'individual',
        joinedOn: '2024-04-01',
      });
      const sut = await as(c.staff[0], 'put', `${base(c)}/coordinating-body`, {
        memberBodyId: person.body.id,
      });
      expect(sut.status).toBe(422);
      expect(sut.body.code).toBe('INDIVIDUAL_CANNOT_COORDINATE');
      const council = await as(c.staff[0], 'get', base(c));
      expect(council.body.coordinatingBody).toBeNull();
    });

    it('has the database refuse an individual as coordinating body whatever writes it', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const person = await as(c.staff[0], 'post', `${base(c)}/member-bodies`, {
        name: '行政書士 鈴木',
        kind: 'individual',
        joinedOn: '2024-04-01',
      });
      await expect(
        t.db.superuser.query(
          `INSERT INTO coordinating_body_designations (council_id, member_body_id, designated_by) VALUES ($1, $2, $3)`,
          [c.councilId, person.body.id, c.staff[0].id],
        ),
      ).rejects.toThrow(/individual/);
    });
  });
});

import { statisticsPublish } from '../../src/cli/commands';
import { addMonths } from '../../src/platform/period';
import { StatisticsPublicationScheduler } from '../../src/statistics/statistics-publication.scheduler';
import {
  createTestApp,
  TEST_JWT_SECRET,
  TEST_MFA_KEY,
  TEST_DATA_KEK,
  TEST_SIGNING_KEY,
  TestApp,
} from '../support/app';
import { actingAs, createCouncil, TestCouncil, TestStaff } from '../support/factories';

/** Today's month in the council's calendar (Asia/Tokyo), YYYY-MM. */
const thisMonth = (): string => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 7);

/**
 * A council's own statistics and the publication of its months (DESIGN.md §3.12, issue 14):
 * coordinators see their figures unsuppressed and may hold a month back; a scheduled job (and
 * the CLI) publishes closed months once, each publication audited.
 */
describe('council statistics and publication (e2e)', () => {
  let t: TestApp;
  const as = actingAs(() => t);
  /** Publication waits 40 days after a month closes in this file (STATISTICS_PUBLISH_DELAY_DAYS). */
  const DELAY_DAYS = 40;

  beforeAll(async () => {
    t = await createTestApp({ STATISTICS_PUBLISH_DELAY_DAYS: String(DELAY_DAYS) });
  });
  afterAll(async () => {
    await t.close();
  });

  interface World {
    c: TestCouncil;
    coordinator: TestStaff;
    agency: TestStaff;
    auditor: TestStaff;
    base: string;
  }
  async function world(): Promise<World> {
    const c = await createCouncil(t, ['coordinator', 'agency_staff', 'auditor']);
    const [coordinator, agency, auditor] = c.staff;
    return { c, coordinator, agency, auditor, base: `/api/councils/${c.councilId}/statistics` };
  }

  const monthStatus = async (w: World, month: string): Promise<string> => {
    const res = await as(w.coordinator, 'get', `${w.base}?period=${month}`);
    expect(res.status).toBe(200);
    return res.body.status as string;
  };

  const events = async (councilId: string, prefix: string) =>
    (
      await t.db.superuser.query<{
        action: string;
        outcome: string;
        actorRole: string | null;
        reason: string | null;
      }>(
        `SELECT action, outcome, actor_role AS "actorRole", reason FROM audit_events
          WHERE council_id = $1 AND action LIKE $2 ORDER BY seq`,
        [councilId, `${prefix}%`],
      )
    ).rows;

  /** `statistics:publish` as an operator runs it, against this test database. */
  async function cliPublish(
    councilId: string,
    period: string,
  ): Promise<{ ok: boolean; lines: string[] }> {
    const saved = { ...process.env };
    Object.assign(process.env, {
      DATABASE_URL: t.config.database.url,
      PLATFORM_DATABASE_URL: t.config.database.platformUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      AUDIT_SIGNING_KEY: TEST_SIGNING_KEY,
      MFA_ENCRYPTION_KEY: TEST_MFA_KEY,
      DATA_KEK: TEST_DATA_KEK,
    });
    try {
      const lines: string[] = [];
      const ok = await statisticsPublish(councilId, period, (l) => lines.push(l));
      return { ok, lines };
    } finally {
      process.env = saved;
    }
  }

  describe('a coordinator’s own figures', () => {
    it('shows the council’s unsuppressed figures for the month still open, and says it is open', async () => {
      const w = await world();
      const created = await as(w.coordinator, 'post', `/api/councils/${w.c.councilId}/cases`, {
        subject: { familyName: '統計', givenName: '一件', birthDate: '1950-01-01' },
        summary: 's',
        concerns: ['abuse_violence'],
      });
      expect(created.status).toBe(201);

      const sut = await as(w.coordinator, 'get', `${w.base}?period=${thisMonth()}`);

      expect(sut.status).toBe(200);
      expect(sut.body).toMatchObject({
        councilId: w.c.councilId,
        period: { id: thisMonth(), kind: 'month' },
        status: 'open',
        published: null,
        months: [{ month: thisMonth(), status: 'open', publishedAt: null, hold: null }],
      });
      const figure = (d: string, v: string) =>
        (sut.body.figures as { dimension: string; value: string; count: number }[]).find(
          (f) => f.dimension === d && f.value === v,
        )?.count;
      expect(figure('cases_opened', 'all')).toBe(1); // a 1 the platform never sees
      expect(figure('concern', 'abuse_violence')).toBe(1);
      expect(figure('age_band', '65_plus')).toBe(1);
      expect(await events(w.c.councilId, 'statistics.council_read')).toEqual([
        {
          action: 'statistics.council_read',
          outcome: 'allowed',
          actorRole: 'coordinator',
          reason: `period=${thisMonth()}`,
        },
      ]);
    });

    it('answers 404 to another council’s coordinator and 403 to agency staff and auditors', async () => {
      const w = await world();
      const other = await world();
      const path = `${w.base}?period=${thisMonth()}`;
      expect((await as(other.coordinator, 'get', path)).status).toBe(404);
      expect((await as(w.agency, 'get', path)).status).toBe(403);
      expect((await as(w.auditor, 'get', path)).status).toBe(403);
      expect(
        (await as(w.agency, 'post', `${w.base}/holds`, { period: addMonths(thisMonth(), -1) }))
          .status,
      ).toBe(403);
    });

    it.each([
      ['a future month', () => addMonths(thisMonth(), 1), 'PERIOD_NOT_BEGUN'],
      ['a day', () => '2025-01-15', 'VALIDATION_FAILED'],
      ['a range', () => '2025-01-01/2025-01-31', 'VALIDATION_FAILED'],
    ])('refuses %s (400)', async (_what, period, code) => {
      const w = await world();
      const sut = await as(w.coordinator, 'get', `${w.base}?period=${period()}`);
      expect({ status: sut.status, code: sut.body.code }).toEqual({ status: 400, code });
    });
  });

  describe('publication', () => {
    it('publishes on schedule every month closed longer than the delay, and no later month', async () => {
      const w = await world();

      await t.app.get(StatisticsPublicationScheduler).publishDue();

      // Last month closed less than 40 days ago; three months back closed more than 62 days ago.
      expect(await monthStatus(w, addMonths(thisMonth(), -1))).toBe('pending');
      expect(await monthStatus(w, addMonths(thisMonth(), -3))).toBe('published');
      expect(await monthStatus(w, '2024-04')).toBe('published'); // the month it was established
      expect(await monthStatus(w, thisMonth())).toBe('open');
      const published = await events(w.c.councilId, 'statistics.publish');
      expect(published.length).toBeGreaterThan(10);
      expect(published[0]).toEqual({
        action: 'statistics.publish',
        outcome: 'allowed',
        actorRole: 'system',
        reason: 'period=2024-04 via=schedule',
      });
    });

    it('publishes each month once: a second run publishes nothing and records nothing', async () => {
      const w = await world();
      await t.app.get(StatisticsPublicationScheduler).publishDue();
      const first = (await events(w.c.councilId, 'statistics.publish')).length;

      const sut = await t.app.get(StatisticsPublicationScheduler).publishDue();

      expect(sut).toBe(0);
      expect((await events(w.c.councilId, 'statistics.publish')).length).toBe(first);
    });

    it('leaves a held month unpublished until the coordinator releases it', async () => {
      const w = await world();
      const month = addMonths(thisMonth(), -4);
      const held = await as(w.coordinator, 'post', `${w.base}/holds`, {
        period: month,
        reason: '登録内容の訂正中',
      });
      expect(held.status).toBe(201);
      expect(held.body).toMatchObject({ month, reason: '登録内容の訂正中', releasedAt: null });

      await t.app.get(StatisticsPublicationScheduler).publishDue();
      expect(await monthStatus(w, month)).toBe('held');
      expect(await monthStatus(w, addMonths(month, -1))).toBe('published');

      const released = await as(w.coordinator, 'post', `${w.base}/holds/${month}/release`);
      expect(released.status).toBe(200);
      expect(released.body.releasedBy).toBe(w.coordinator.id);
      await t.app.get(StatisticsPublicationScheduler).publishDue();

      expect(await monthStatus(w, month)).toBe('published');
      expect(
        (await events(w.c.councilId, 'statistics.')).filter((e) =>
          ['statistics.hold', 'statistics.release'].includes(e.action),
        ),
      ).toEqual([
        {
          action: 'statistics.hold',
          outcome: 'allowed',
          actorRole: 'coordinator',
          reason: `period=${month}`,
        },
        {
          action: 'statistics.release',
          outcome: 'allowed',
          actorRole: 'coordinator',
          reason: `period=${month}`,
        },
      ]);
    });

    it('refuses to hold a published month, a held one twice, a future one, and to release one not held', async () => {
      const w = await world();
      const month = addMonths(thisMonth(), -5);
      expect((await cliPublish(w.c.councilId, month)).ok).toBe(true);
      const held = addMonths(thisMonth(), -6);
      expect((await as(w.coordinator, 'post', `${w.base}/holds`, { period: held })).status).toBe(
        201,
      );

      const answers = [
        await as(w.coordinator, 'post', `${w.base}/holds`, { period: month }),
        await as(w.coordinator, 'post', `${w.base}/holds`, { period: held }),
        await as(w.coordinator, 'post', `${w.base}/holds`, { period: addMonths(thisMonth(), 2) }),
        await as(w.coordinator, 'post', `${w.base}/holds/${addMonths(thisMonth(), -7)}/release`),
        await as(w.coordinator, 'post', `${w.base}/holds/2025-1/release`),
      ].map((r) => [r.status, r.body.code]);

      expect(answers).toEqual([
        [409, 'ALREADY_PUBLISHED'],
        [409, 'ALREADY_HELD'],
        [400, 'PERIOD_NOT_BEGUN'],
        [409, 'NOT_HELD'],
        [404, 'NOT_FOUND'],
      ]);
    });

    it('publishes a closed quarter from the CLI, refusing the month a coordinator holds (exit 3)', async () => {
      const w = await world();
      await as(w.coordinator, 'post', `${w.base}/holds`, { period: '2025-05' });

      const sut = await cliPublish(w.c.councilId, '2025-Q1');

      expect(sut).toEqual({
        ok: false,
        lines: ['2025-04 published', '2025-05 held', '2025-06 published'],
      });
      expect(await events(w.c.councilId, 'statistics.publish')).toEqual([
        {
          action: 'statistics.publish',
          outcome: 'allowed',
          actorRole: 'system',
          reason: 'period=2025-04 via=cli',
        },
        {
          action: 'statistics.publish',
          outcome: 'denied',
          actorRole: 'system',
          reason: 'period=2025-05 via=cli held',
        },
        {
          action: 'statistics.publish',
          outcome: 'allowed',
          actorRole: 'system',
          reason: 'period=2025-06 via=cli',
        },
      ]);
    });

    it('refuses from the CLI a period that has not closed, publishing none of it', async () => {
      const w = await world();
      await expect(cliPublish(w.c.councilId, thisMonth())).rejects.toThrow(/has not closed/);
      expect(await events(w.c.councilId, 'statistics.publish')).toEqual([]);
    });
  });
});

import request from '../support/http';
import { StatisticsPublicationService } from '../../src/statistics/statistics-publication.service';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createUser, TestUser } from '../support/factories';

interface Cell {
  dimension: string;
  value: string;
  count: number | null;
  suppressed: boolean;
}

interface Statistics {
  councilId: string;
  k: number;
  cells: Cell[];
}

/** One case as a scenario needs it: when it was registered and what the figures count it in. */
interface SeedCase {
  openedAt: string;
  birthDate?: string | null;
  concerns?: string[];
  /** The closure, recorded at this time. */
  closedAt?: string;
  /** The kind of its lead body (active from registration on); none if absent. */
  leadKind?: string;
  /** Its first support plan, this many days after registration. */
  planAfterDays?: number;
}

interface Seed {
  cases: SeedCase[];
  /** The tiers of meetings held in the period. */
  meetings?: string[];
}

/** The period every scenario asks about (a closed, published month), and dates in and before it. */
const PERIOD = '2025-01';
const IN_PERIOD = '2025-01-10T12:00:00+09:00';
const BEFORE_PERIOD = '2024-11-15T12:00:00+09:00';

/** A birth date per age band, as of a registration in January 2025. */
const BIRTH_DATE_IN_BAND: Record<string, string | null> = {
  under_20: '2010-06-01',
  '20_39': '1995-06-01',
  '40_64': '1970-06-01',
  '65_plus': '1950-06-01',
  unknown: null,
};

/**
 * Groups of cells that add up to a published total (README, "The platform boundary"): the age
 * bands of the cases opened, the lead-body kinds of the cases open at the period's end.
 */
const ADDITIVE: { total: string; dimension: string }[] = [
  { total: 'cases_opened/all', dimension: 'age_band' },
  { total: 'cases_open/all', dimension: 'lead_body_kind' },
];

/** One case counted in `value` of an additive group and in nothing else of that group. */
const MEMBER: Record<string, (value: string) => SeedCase> = {
  age_band: (value) => {
    if (!(value in BIRTH_DATE_IN_BAND)) throw new Error(`no birth date for age band ${value}`);
    return { openedAt: IN_PERIOD, birthDate: BIRTH_DATE_IN_BAND[value] };
  },
  lead_body_kind: (value) =>
    value === 'none' ? { openedAt: BEFORE_PERIOD } : { openedAt: BEFORE_PERIOD, leadKind: value },
};

const times = <T>(n: number, make: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => make(i));

/**
 * For every dimension the API publishes: a council in which the group behind the cell
 * `value` has exactly `n` members. Members of an additive group get one more case in another
 * member of the group, so that a cell of k is not withheld only to protect zeros (the
 * complementary rule, tested on its own below).
 */
const SCENARIOS: Record<string, (value: string, n: number) => Seed> = {
  cases_opened: (_v, n) => ({ cases: times(n, () => ({ openedAt: IN_PERIOD })) }),
  cases_closed: (_v, n) => ({
    cases: times(n, () => ({ openedAt: BEFORE_PERIOD, closedAt: IN_PERIOD })),
  }),
  cases_open: (_v, n) => ({ cases: times(n, () => ({ openedAt: BEFORE_PERIOD })) }),
  concern: (value, n) => ({ cases: times(n, () => ({ openedAt: IN_PERIOD, concerns: [value] })) }),
  age_band: (value, n) => ({
    cases: [
      ...times(n, () => MEMBER.age_band(value)),
      MEMBER.age_band(value === 'unknown' ? '65_plus' : 'unknown'),
    ],
  }),
  lead_body_kind: (value, n) => ({
    cases: [
      ...times(n, () => MEMBER.lead_body_kind(value)),
      MEMBER.lead_body_kind(value === 'none' ? 'municipality' : 'none'),
    ],
  }),
  meetings_by_tier: (value, n) => ({ cases: [], meetings: times(n, () => value) }),
  // Plans 1, 2, …, n days after registration: the median is (n + 1) / 2.
  median_days_to_first_plan: (_v, n) => ({
    cases: times(n, (i) => ({ openedAt: '2025-01-02T12:00:00+09:00', planAfterDays: i + 1 })),
  }),
};

/** What the cell shows when it is published: the group's size, or the median of the days. */
const PUBLISHED_VALUE: Record<string, (n: number) => number> = {
  median_days_to_first_plan: (n) => (n + 1) / 2,
};

const key = (c: { dimension: string; value: string }): string => `${c.dimension}/${c.value}`;

/**
 * What must hold of every response (README, "The platform boundary"): no count below k, a cell
 * withheld exactly when its count is null, and in each additive group either nothing withheld or
 * at least two withheld cells adding up to more than zero (the total minus the visible cells
 * then gives only their sum, never one of them); a withheld total withholds its whole group.
 */
function recoverable(res: Statistics): string[] {
  const problems: string[] = [];
  for (const c of res.cells) {
    if (c.suppressed !== (c.count === null))
      problems.push(`${key(c)}: suppressed=${c.suppressed}, count=${c.count}`);
    if (c.dimension !== 'median_days_to_first_plan' && c.count !== null && c.count < res.k)
      problems.push(`${key(c)}: ${c.count} < k`);
  }
  for (const g of ADDITIVE) {
    const total = res.cells.find((c) => key(c) === g.total);
    const members = res.cells.filter((c) => c.dimension === g.dimension);
    if (!total || members.length === 0) {
      problems.push(`${g.total} or ${g.dimension} missing`);
      continue;
    }
    const hidden = members.filter((m) => m.count === null);
    if (total.count === null) {
      if (hidden.length !== members.length)
        problems.push(`${g.dimension}: total withheld, some members shown`);
      continue;
    }
    const residual = total.count - members.reduce((sum, m) => sum + (m.count ?? 0), 0);
    if (hidden.length === 1) problems.push(`${g.dimension}: one withheld cell = ${residual}`);
    if (hidden.length > 1 && residual <= 0)
      problems.push(`${g.dimension}: ${hidden.length} withheld cells, all zero`);
    if (hidden.length === 0 && residual !== 0)
      problems.push(`${g.dimension}: does not add up to ${g.total}`);
  }
  return problems;
}

/**
 * Small-number suppression of every published figure (DESIGN.md §3.6), driven by the cells the
 * API answers: each one is seeded with a group of 1, k−1 and k members in a council of its own
 * and must be withheld below k and shown at k.
 */
describe('small-number suppression of every published figure (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let token: string;
  let clientId: string;
  let k: number;
  /** Every cell the API publishes, in its order, read from an empty council. */
  let published: Cell[];

  const as = actingAs(() => t);

  /** Publishes the council's months (as the job would), then reads `period` as the platform. */
  async function statistics(
    councilId: string,
    period = PERIOD,
    months: string[] = [PERIOD],
  ): Promise<Statistics> {
    for (const month of months)
      await t.app.get(StatisticsPublicationService).publish(councilId, month, 'schedule');
    const res = await request(t.server)
      .get('/api/platform/statistics')
      .query({ councilId, period })
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const body = res.body as Statistics;
    // Every response of this suite, whatever the scenario: nothing small, nothing recoverable.
    expect(recoverable(body)).toEqual([]);
    return body;
  }

  /** The platform's read of `period`, with the council id exactly as given (no publication). */
  const read = (councilId: string, period = PERIOD) =>
    request(t.server)
      .get('/api/platform/statistics')
      .query({ councilId, period })
      .set('Authorization', `Bearer ${token}`);

  /** A council holding exactly `seed`, written as a database administrator would. */
  async function council(seed: Seed): Promise<string> {
    const db = await t.db.superuser.connect();
    try {
      await db.query('BEGIN');
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO councils (name, municipalities, established_on)
         VALUES ('抑制テスト協議会', '{桜ヶ丘市}', '2024-04-01') RETURNING id`,
      );
      const councilId = rows[0].id;
      const bodies = new Map<string, string>();
      const bodyOf = async (kind: string): Promise<string> => {
        if (!bodies.has(kind)) {
          const b = await db.query<{ id: string }>(
            `INSERT INTO member_bodies (council_id, name, kind, joined_on)
             VALUES ($1, $2, $2, '2024-04-01') RETURNING id`,
            [councilId, kind],
          );
          bodies.set(kind, b.rows[0].id);
        }
        return bodies.get(kind)!;
      };
      for (const [i, c] of seed.cases.entries()) {
        const inserted = await db.query<{ id: string }>(
          `INSERT INTO cases (council_id, case_number, family_name, given_name, birth_date, summary,
                              concerns, created_at, created_by)
           VALUES ($1, $2, '抑制', '太郎', $3, 's', $4, $5, $6) RETURNING id`,
          [
            councilId,
            `2025-${String(i + 1).padStart(4, '0')}`,
            c.birthDate ?? null,
            c.concerns ?? [],
            c.openedAt,
            admin.id,
          ],
        );
        const caseId = inserted.rows[0].id;
        if (c.leadKind !== undefined) {
          await db.query(
            `INSERT INTO case_assignments (council_id, case_id, member_body_id, role, scope, basis,
                                           basis_note, started_at, created_by)
             VALUES ($1, $2, $3, 'lead', 'full', 'statutory', '法令', $4, $5)`,
            [councilId, caseId, await bodyOf(c.leadKind), c.openedAt, admin.id],
          );
        }
        if (c.planAfterDays !== undefined) {
          await db.query(
            `INSERT INTO support_plans (council_id, case_id, version, goals, created_at, created_by)
             VALUES ($1, $2, 1, '[]', $3::timestamptz + make_interval(days => $4), $5)`,
            [councilId, caseId, c.openedAt, c.planAfterDays, admin.id],
          );
        }
        if (c.closedAt !== undefined) {
          await db.query(
            `INSERT INTO case_status_history (council_id, case_id, status, reason, changed_at, changed_by)
             VALUES ($1, $2, 'closed', '終結', $3, $4)`,
            [councilId, caseId, c.closedAt, admin.id],
          );
          await db.query(
            `UPDATE cases SET status = 'closed', closed_at = $3 WHERE council_id = $1 AND id = $2`,
            [councilId, caseId, c.closedAt],
          );
        }
      }
      for (const tier of seed.meetings ?? []) {
        await db.query(
          `INSERT INTO meetings (council_id, tier, title, held_at, created_by)
           VALUES ($1, $2, '会議', $3, $4)`,
          [councilId, tier, IN_PERIOD, admin.id],
        );
      }
      await db.query('COMMIT');
      return councilId;
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    } finally {
      db.release();
    }
  }

  const cellOf = (s: Statistics, k: string): Cell => {
    const cell = s.cells.find((c) => key(c) === k);
    if (!cell) throw new Error(`no cell ${k} in the response`);
    return cell;
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, { isSystemAdmin: true });
    const created = await as(admin, 'post', '/api/platform/clients', { name: '抑制テスト' });
    expect(created.status).toBe(201);
    const issued = await request(t.server)
      .post('/api/auth/token')
      .send({ clientId: created.body.clientId, clientSecret: created.body.clientSecret });
    expect(issued.status).toBe(200);
    token = issued.body.accessToken as string;
    clientId = created.body.clientId as string;
    const empty = await statistics(await council({ cases: [] }));
    k = empty.k;
    published = empty.cells;
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers k = 5 by default and withholds every cell of an empty council, zeros included', () => {
    expect(k).toBe(5);
    expect(published.length).toBeGreaterThan(30);
    for (const c of published) expect(c).toEqual({ ...c, count: null, suppressed: true });
  });

  it('has a scenario below for every dimension the API publishes', () => {
    const dimensions = [...new Set(published.map((c) => c.dimension))];
    expect(dimensions.filter((d) => !(d in SCENARIOS))).toEqual([]);
  });

  it.each(Object.keys(SCENARIOS))(
    '%s: withholds every value of a group of 1 or k−1 and shows a group of k',
    async (dimension) => {
      const values = published.filter((c) => c.dimension === dimension);
      expect(values.length).toBeGreaterThan(0);
      const seen: { cell: string; n: number; count: number | null; suppressed: boolean }[] = [];
      const expected: typeof seen = [];
      for (const { value } of values) {
        for (const n of [1, k - 1, k]) {
          const res = await statistics(await council(SCENARIOS[dimension](value, n)));
          const cell = cellOf(res, `${dimension}/${value}`);
          seen.push({ cell: key(cell), n, count: cell.count, suppressed: cell.suppressed });
          const shown = n >= k ? (PUBLISHED_VALUE[dimension]?.(n) ?? n) : null;
          expected.push({ cell: key(cell), n, count: shown, suppressed: shown === null });
        }
      }
      expect(seen).toEqual(expected);
    },
  );

  it('answers an upper-case council id exactly as its lower-case form, naming the council in lower case', async () => {
    const councilId = await council(SCENARIOS.cases_opened('all', k));
    const lower = await statistics(councilId);
    const asked = councilId.toUpperCase();
    expect(asked).not.toBe(councilId); // a UUID as PostgreSQL writes it has lower-case hex letters

    const sut = await read(asked);

    expect(sut.status).toBe(200);
    expect(sut.body).toEqual(lower);
    expect(sut.body.councilId).toBe(councilId);
    expect(cellOf(sut.body as Statistics, 'cases_opened/all').count).toBe(k);
  });

  it('records every read in the council’s audit log as the platform client, the refused one too (§3.10)', async () => {
    const councilId = await council({ cases: [] });
    await statistics(councilId);

    const refused = await read(councilId, '2030-01');

    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'PERIOD_NOT_PUBLISHED',
      message:
        'Only closed, published periods are answered: a month (YYYY-MM), a 年度 quarter (YYYY-Qn) or a 年度 year (FYYYYY)',
      details: [{ field: 'period', messages: ['2030-01 is not a published period'] }],
    });
    const { rows } = await t.db.superuser.query(
      `SELECT action, outcome, actor_user_id AS "actorUserId", actor_role AS "actorRole",
              member_body_id AS "memberBodyId", resource_type AS "resourceType",
              resource_id AS "resourceId", case_id AS "caseId", reason
         FROM audit_events WHERE council_id = $1 AND action = 'statistics.read' ORDER BY seq`,
      [councilId],
    );
    const recorded = {
      action: 'statistics.read',
      actorUserId: null,
      actorRole: 'platform_client',
      memberBodyId: null,
      resourceType: 'platform_client',
      resourceId: clientId,
      caseId: null,
    };
    expect(rows).toEqual([
      { ...recorded, outcome: 'allowed', reason: `period=${PERIOD}` },
      { ...recorded, outcome: 'denied', reason: 'period=2030-01 not_published' },
    ]);
  });

  describe('a 年度 quarter built from published months', () => {
    /** January–March 2025 is the fourth quarter of 年度 2024. */
    const QUARTER = '2024-Q4';
    const MONTHS = ['2025-01', '2025-02', '2025-03'];
    const FLOWS = ['cases_opened', 'cases_closed', 'concern', 'age_band', 'meetings_by_tier'];

    /** k−1, k and k+1 cases of the same kind in January, February and March. */
    async function threeMonths(): Promise<{ quarter: Statistics; months: Statistics[] }> {
      const cases = [1, 2, 3].flatMap((m, i) =>
        times(k - 1 + i, () => ({
          openedAt: `2025-0${m}-10T12:00:00+09:00`,
          birthDate: BIRTH_DATE_IN_BAND['65_plus'],
          concerns: ['isolation'],
        })),
      );
      const id = await council({ cases });
      const quarter = await statistics(id, QUARTER, MONTHS);
      const months = [];
      for (const month of MONTHS) months.push(await statistics(id, month, []));
      return { quarter, months };
    }

    it('withholds a flow cell when any of its months withheld it, so quarter − months reveals nothing', async () => {
      const { quarter, months } = await threeMonths();
      expect(months.map((m) => cellOf(m, 'cases_opened/all').count)).toEqual([null, k, k + 1]);
      expect(cellOf(quarter, 'cases_opened/all').count).toBeNull();
      for (const c of quarter.cells.filter((x) => FLOWS.includes(x.dimension))) {
        if (c.count === null) continue;
        const parts = months.map((m) => cellOf(m, key(c)).count);
        expect({ cell: key(c), parts: parts.includes(null) }).toEqual({
          cell: key(c),
          parts: false,
        });
        expect(c.count).toBe(parts.reduce((a, b) => a! + b!, 0));
      }
    });

    it('carries a stock cell over from its last month and withholds the median', async () => {
      const { quarter, months } = await threeMonths();
      expect(cellOf(quarter, 'cases_open/all').count).toBe(
        cellOf(months[2], 'cases_open/all').count,
      );
      expect(cellOf(quarter, 'cases_open/all').count).toBe(3 * k);
      expect(cellOf(quarter, 'median_days_to_first_plan/days')).toMatchObject({
        count: null,
        suppressed: true,
      });
    });
  });

  describe('complementary suppression: a total minus the visible cells reveals no withheld cell', () => {
    /** A council whose group `dimension` has these counts, by value in the API's order. */
    async function group(dimension: string, counts: number[]): Promise<Statistics> {
      const values = published.filter((c) => c.dimension === dimension).map((c) => c.value);
      expect(counts).toHaveLength(values.length);
      const cases = values.flatMap((v, i) => times(counts[i], () => MEMBER[dimension](v)));
      return statistics(await council({ cases }));
    }

    const membersOf = (s: Statistics, dimension: string): Cell[] =>
      s.cells.filter((c) => c.dimension === dimension);

    it.each(ADDITIVE)(
      '$dimension: with one small cell among large ones, the smallest large one is withheld too',
      async ({ total, dimension }) => {
        const size = published.filter((c) => c.dimension === dimension).length;
        // k, k+1, …, and 2 in the last cell: alone it could be recovered as total − the rest.
        const counts = [...times(size - 1, (i) => k + i), 2];
        const res = await group(dimension, counts);
        expect(cellOf(res, total).count).toBe(counts.reduce((a, b) => a + b, 0));
        const members = membersOf(res, dimension);
        expect(members.map((m) => m.count)).toEqual([null, ...counts.slice(1, -1), null]);
      },
    );

    it.each(ADDITIVE)(
      '$dimension: when the withheld cells could only all be zero, the smallest shown one is withheld too',
      async ({ total, dimension }) => {
        const size = published.filter((c) => c.dimension === dimension).length;
        // k in the first cell, k+1 in the second, 0 elsewhere: showing both would tell the zeros.
        const counts = [k, k + 1, ...times(size - 2, () => 0)];
        const res = await group(dimension, counts);
        expect(cellOf(res, total).count).toBe(2 * k + 1);
        expect(membersOf(res, dimension).map((m) => m.count)).toEqual([
          null,
          k + 1,
          ...times(size - 2, () => null),
        ]);
      },
    );
  });
});

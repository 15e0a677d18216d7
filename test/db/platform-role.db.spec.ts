import { Pool } from 'pg';
import { assertPlatformBoundary, inspectPlatformRole } from '../../src/database/role-check';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * DESIGN.md §3.6, checked on a real database: the platform role can run the aggregate
 * functions and nothing else, and the functions themselves can read only the columns an
 * aggregate needs, under row-level security.
 */
describe('the platform database role', () => {
  let db: TestDatabase;
  let platform: Pool;
  let tables: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = new Pool({ connectionString: db.platformUrl, max: 2 });
    const { rows } = await db.superuser.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    tables = rows.map((r) => r.name);
  });
  afterAll(async () => {
    await platform.end();
    await db.drop();
  });

  it('is not superuser or BYPASSRLS, owns nothing, belongs to no role and holds no privilege on any relation', async () => {
    const facts = await inspectPlatformRole(db.platformUrl);
    expect(facts).toEqual({
      role: 'council_platform',
      superuser: false,
      bypassRls: false,
      ownedRelations: 0,
      memberOf: [],
      privilegedRelations: [],
      canExecuteStatistics: true,
    });
    await expect(assertPlatformBoundary(db.platformUrl)).resolves.toBeUndefined();
  });

  it('is refused SELECT on every table, case, note, consent, assignment, audit and minutes tables included', async () => {
    for (const table of [
      'cases',
      'case_notes',
      'consents',
      'consent_bodies',
      'case_assignments',
      'case_status_history',
      'support_plans',
      'plan_actions',
      'info_requests',
      'audit_events',
      'meetings',
      'meeting_cases',
      'meeting_attendees',
      'meeting_external_attendees',
      'minutes',
      'minutes_decisions',
      'minutes_action_items',
      'minutes_case_reviews',
      'minutes_addenda',
    ]) {
      expect(tables).toContain(table);
    }
    expect(tables.length).toBeGreaterThan(30);
    for (const table of tables) {
      await expect(platform.query(`SELECT * FROM public.${table} LIMIT 1`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(platform.query(`SELECT count(*) FROM public.${table}`)).rejects.toThrow(
        /permission denied/,
      );
    }
  });

  it('cannot even resolve the tables, write anything, or create anything', async () => {
    await expect(platform.query('SELECT * FROM cases')).rejects.toThrow(
      /permission denied|does not exist/,
    );
    await expect(
      platform.query(
        `INSERT INTO public.security_events (action, outcome) VALUES ('x.y', 'denied')`,
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(platform.query('CREATE TABLE platform.sneaky (id int)')).rejects.toThrow(
      /permission denied/,
    );
    await expect(platform.query('CREATE TABLE public.sneaky (id int)')).rejects.toThrow(
      /permission denied/,
    );
    await expect(platform.query('CREATE TEMP TABLE sneaky (id int)')).rejects.toThrow(
      /permission denied/,
    );
    await expect(platform.query('SET ROLE council_statistics')).rejects.toThrow(
      /permission denied/,
    );
  });

  it('is refused by the start-up check when it is the application, owner or a superuser role', async () => {
    await expect(assertPlatformBoundary(db.appUrl)).rejects.toThrow(/holds privileges on/);
    await expect(assertPlatformBoundary(db.ownerUrl)).rejects.toThrow(/owns \d+ object/);
    await expect(assertPlatformBoundary(db.adminUrl)).rejects.toThrow(/superuser/);
  });

  it('lets the statistics functions read only aggregate columns: never a name, note, address or minutes text', async () => {
    const { rows } = await db.superuser.query<{ col: string }>(
      `SELECT c.relname || '.' || a.attname AS col
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
          AND has_column_privilege('council_statistics', c.oid, a.attnum, 'SELECT')
        ORDER BY 1`,
    );
    expect(rows.map((r) => r.col)).toEqual(
      [
        'case_assignments.case_id',
        'case_assignments.council_id',
        'case_assignments.ended_at',
        'case_assignments.member_body_id',
        'case_assignments.role',
        'case_assignments.started_at',
        'case_status_history.case_id',
        'case_status_history.changed_at',
        'case_status_history.council_id',
        'case_status_history.status',
        'cases.birth_date',
        'cases.concerns',
        'cases.council_id',
        'cases.created_at',
        'cases.id',
        'councils.id',
        'meetings.council_id',
        'meetings.held_at',
        'meetings.tier',
        'member_bodies.council_id',
        'member_bodies.id',
        'member_bodies.kind',
        // Whether a month is held (never who held it or why), and the snapshots it publishes.
        'statistics_holds.council_id',
        'statistics_holds.month',
        'statistics_holds.released_at',
        'statistics_snapshots.cells',
        'statistics_snapshots.council_id',
        'statistics_snapshots.k',
        'statistics_snapshots.month',
        'statistics_snapshots.published_at',
        'support_plans.case_id',
        'support_plans.council_id',
        'support_plans.created_at',
      ].sort(),
    );
    const { rows: role } = await db.superuser.query(
      `SELECT rolcanlogin, rolbypassrls, rolsuper FROM pg_roles WHERE rolname = 'council_statistics'`,
    );
    expect(role[0]).toEqual({ rolcanlogin: false, rolbypassrls: false, rolsuper: false });
  });

  it('runs the platform functions as the statistics role, with a fixed search path, executable by the platform role only', async () => {
    const { rows } = await db.superuser.query<{
      name: string;
      owner: string;
      definer: boolean;
      config: string[];
      app: boolean;
      platform: boolean;
    }>(
      `SELECT p.proname AS name, pg_get_userbyid(p.proowner) AS owner, p.prosecdef AS definer, p.proconfig AS config,
              has_function_privilege('council_app', p.oid, 'EXECUTE') AS app,
              has_function_privilege('council_platform', p.oid, 'EXECUTE') AS platform
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'platform' ORDER BY 1`,
    );
    expect(rows.map((r) => r.name)).toEqual(['council_exists', 'published_statistics']);
    for (const r of rows) {
      expect(r).toMatchObject({
        owner: 'council_statistics',
        definer: true,
        config: ['search_path=pg_catalog, public, pg_temp'],
        platform: true,
      });
    }
    // council_app has EXECUTE through no grant of its own, and no USAGE on the schema anyway.
    const { rows: usage } = await db.superuser.query(
      `SELECT has_schema_privilege('council_app', 'platform', 'USAGE') AS app,
              has_schema_privilege('council_platform', 'public', 'USAGE') AS platform_on_public,
              has_schema_privilege('council_platform', 'statistics', 'USAGE') AS platform_on_statistics`,
    );
    expect(usage[0]).toEqual({
      app: false,
      platform_on_public: false,
      platform_on_statistics: false,
    });
  });

  /**
   * DESIGN.md §3.12, issue 14: whatever the platform role calls, with whatever period, it never
   * receives a count between 1 and k−1, nor two different answers for the same period.
   */
  describe('published snapshots only', () => {
    const K = 5;
    const councilA = '11111111-1111-4111-8111-111111111111';
    const councilB = '22222222-2222-4222-8222-222222222222';
    let user: string;
    /** Today in the council's calendar (the server's TimeZone, as the API sets it). */
    let today: string;
    let app: Pool;

    /** Cases registered at `at` (as a database administrator would write them). */
    async function register(
      council: string,
      at: string,
      cases: { birthDate: string | null; concerns: string[] }[],
    ): Promise<void> {
      for (const c of cases) {
        await db.superuser.query(
          `INSERT INTO cases (council_id, case_number, family_name, given_name, birth_date, summary, concerns, created_at, created_by)
           VALUES ($1, gen_random_uuid()::text, '秘密', '太郎', $2, 'secret', $3, $4, $5)`,
          [council, c.birthDate, c.concerns, at, user],
        );
      }
    }

    /** statistics.publish_month as the application role, scoped to the council. */
    async function publish(council: string, month: string): Promise<string> {
      const client = await app.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.council_id', $1, true)`, [council]);
        const { rows } = await client.query<{ outcome: string }>(
          `SELECT statistics.publish_month($1, $2::date, $3) AS outcome`,
          [council, `${month}-01`, K],
        );
        await client.query('COMMIT');
        return rows[0].outcome;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    }

    /** What the platform role receives, as JSON text (NULL: nothing). */
    const read = async (council: string, period: string): Promise<string | null> =>
      (
        await platform.query<{ s: string | null }>(
          `SELECT platform.published_statistics($1, $2)::text AS s`,
          [council, period],
        )
      ).rows[0].s;

    const months = (fromYear: number, toYear: number): string[] =>
      Array.from(
        { length: (toYear - fromYear + 1) * 12 },
        (_, i) => `${fromYear + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
      );

    beforeAll(async () => {
      app = new Pool({ connectionString: db.appUrl, max: 2, options: '-c TimeZone=Asia/Tokyo' });
      const { rows } = await db.superuser.query<{ id: string }>(
        `INSERT INTO users (email, display_name, password_hash) VALUES ('stats@test.example', 'S', 'x') RETURNING id`,
      );
      user = rows[0].id;
      today = (await app.query<{ today: string }>(`SELECT current_date::text AS today`)).rows[0]
        .today;
      for (const council of [councilA, councilB]) {
        await db.superuser.query(
          `INSERT INTO councils (id, name, municipalities, established_on) VALUES ($1::uuid, $1::text, '{X}', '2024-04-01')`,
          [council],
        );
      }
      // January 2025: 6 people aged 65+ and 1 of unknown age with two sensitive concerns;
      // February: 3; March: 5; and some in the month still open. Council B: 2 in January.
      await register(councilA, '2025-01-10T12:00:00+09:00', [
        ...Array.from({ length: 6 }, () => ({ birthDate: '1950-05-05', concerns: ['isolation'] })),
        { birthDate: null, concerns: ['abuse_violence', 'mental_health', 'not_a_category'] },
      ]);
      await register(
        councilA,
        '2025-02-10T12:00:00+09:00',
        Array.from({ length: 3 }, () => ({ birthDate: '1990-01-01', concerns: ['poverty'] })),
      );
      await register(
        councilA,
        '2025-03-10T12:00:00+09:00',
        Array.from({ length: 5 }, () => ({ birthDate: '1990-01-01', concerns: ['isolation'] })),
      );
      await register(councilA, `${today}T00:00:00+09:00`, [
        { birthDate: '1970-01-01', concerns: ['hikikomori'] },
      ]);
      await register(
        councilB,
        '2025-01-20T12:00:00+09:00',
        Array.from({ length: 2 }, () => ({ birthDate: '1950-05-05', concerns: ['isolation'] })),
      );
      for (const month of ['2025-01', '2025-02', '2025-03'])
        for (const council of [councilA, councilB])
          expect(await publish(council, month)).toBe('published');
    });
    afterAll(async () => {
      await app.end();
    });

    it('can run two functions of its own and nothing else outside the system catalogue', async () => {
      const { rows } = await platform.query<{ fn: string }>(
        `SELECT p.oid::regprocedure::text AS fn
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND has_schema_privilege(n.oid, 'USAGE') AND has_function_privilege(p.oid, 'EXECUTE')
          ORDER BY 1`,
      );
      expect(rows.map((r) => r.fn)).toEqual([
        'platform.council_exists(uuid)',
        'platform.published_statistics(uuid,text)',
      ]);
    });

    it.each([
      [
        'the old ad-hoc count for a one-day period',
        `SELECT * FROM platform.council_statistics($1, '2025-01-10', '2025-01-10')`,
      ],
      [
        'the old ad-hoc count for overlapping periods',
        `SELECT * FROM platform.council_statistics($1, '2025-01-15', '2025-02-14')`,
      ],
      [
        'the old plan timing',
        `SELECT * FROM platform.council_plan_timing($1, '2025-01-01', '2025-01-31')`,
      ],
      [
        'the counting function',
        `SELECT * FROM statistics.council_counts($1, '2025-01-01', '2025-01-31')`,
      ],
      [
        'the plan timing function',
        `SELECT * FROM statistics.council_plan_timing($1, '2025-01-01', '2025-01-31')`,
      ],
      ['publication (with k = 2)', `SELECT statistics.publish_month($1, '2025-04-01', 2)`],
      ['suppression', `SELECT statistics.suppress('[]', '[]', 2) WHERE $1::uuid IS NOT NULL`],
      ['the snapshots without scope', `SELECT statistics.published($1, '2025-01')`],
      ['the snapshots table', `SELECT * FROM public.statistics_snapshots WHERE council_id = $1`],
    ])('is refused %s', async (_what, sql) => {
      await expect(platform.query(sql, [councilA])).rejects.toThrow(
        /permission denied|does not exist/,
      );
    });

    it.each([
      ['a day', '2025-01-10'],
      ['a day as a range', '2025-01-10/2025-01-10'],
      ['an overlapping range', '2025-01-15/2025-02-14'],
      ['a lower-case fiscal year', 'fy2024'],
      ['a quarter zero', '2024-Q0'],
      ['an injection', "2025-01' OR '1'='1"],
    ])('refuses %s as a period', async (_what, period) => {
      await expect(read(councilA, period)).rejects.toThrow(
        /a period is YYYY-MM, YYYY-Qn or FYYYYY/,
      );
    });

    it('answers nothing for a period that is open, in the future, or closed but not published', async () => {
      const month = today.slice(0, 7);
      const year = Number(today.slice(0, 4));
      const fiscal = Number(month.slice(5)) >= 4 ? year : year - 1;
      const quarter = Math.floor(((Number(month.slice(5)) + 8) % 12) / 3) + 1;
      for (const period of [
        month, // open
        `${fiscal}-Q${quarter}`, // open
        `FY${fiscal}`, // open
        `${year + 1}-01`, // future
        `${fiscal + 3}-Q2`, // future
        `FY${fiscal + 5}`, // future
        '2024-12', // closed, never published
        '2025-04', // closed, never published
        'FY2024', // three of its twelve months published
      ])
        expect({ period, answer: await read(councilA, period) }).toEqual({ period, answer: null });
    });

    it('never returns a count between 1 and k−1, for any month, quarter or year, in any council', async () => {
      const periods = [
        ...months(2023, 2027),
        ...[2023, 2024, 2025, 2026, 2027].flatMap((y) => [1, 2, 3, 4].map((q) => `${y}-Q${q}`)),
        ...[2023, 2024, 2025, 2026, 2027].map((y) => `FY${y}`),
      ];
      const seen: number[] = [];
      let answered = 0;
      for (const council of [councilA, councilB]) {
        for (const period of periods) {
          const text = await read(council, period);
          if (text === null) continue;
          answered++;
          const s = JSON.parse(text) as {
            k: number;
            cells: { dimension: string; count: number | null; suppressed: boolean }[];
          };
          expect(s.k).toBe(K);
          for (const c of s.cells) {
            expect(c.suppressed).toBe(c.count === null);
            if (c.count !== null && c.dimension !== 'median_days_to_first_plan') seen.push(c.count);
          }
        }
      }
      expect(answered).toBe(2 * 4); // three months and a quarter, in each council
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((n) => n > 0 && n < K)).toEqual([]);
    });

    it('withholds the small cells of a published month, zeros included', async () => {
      const january = JSON.parse((await read(councilA, '2025-01'))!) as {
        cells: { dimension: string; value: string; count: number | null }[];
      };
      const cell = (d: string, v: string) =>
        january.cells.find((c) => c.dimension === d && c.value === v)!.count;
      expect({
        opened: cell('cases_opened', 'all'),
        isolation: cell('concern', 'isolation'),
        abuse: cell('concern', 'abuse_violence'),
        mentalHealth: cell('concern', 'mental_health'),
        unknownAge: cell('age_band', 'unknown'),
        over65: cell('age_band', '65_plus'),
        // 7 − 6 = 1 person among four withheld bands (the zeros are withheld too): not which.
        under20: cell('age_band', 'under_20'),
      }).toEqual({
        opened: 7,
        isolation: 6,
        abuse: null,
        mentalHealth: null,
        unknownAge: null,
        over65: 6,
        under20: null,
      });
      expect(january.cells.map((c) => c.value)).not.toContain('not_a_category');
    });

    it('builds a quarter only from published monthly cells: a cell withheld in any month stays withheld', async () => {
      const q4 = JSON.parse((await read(councilA, '2024-Q4'))!) as {
        period: string;
        from: string;
        to: string;
        cells: { dimension: string; value: string; count: number | null }[];
      };
      expect({ period: q4.period, from: q4.from, to: q4.to }).toEqual({
        period: '2024-Q4',
        from: '2025-01-01',
        to: '2025-03-31',
      });
      const cell = (d: string, v: string) =>
        q4.cells.find((c) => c.dimension === d && c.value === v)!.count;
      // 7 + 3 + 5 = 15 cases, but February's 3 were withheld: so is the quarter's total, else
      // quarter − January − March would give February back.
      expect(cell('cases_opened', 'all')).toBeNull();
      expect(cell('concern', 'isolation')).toBeNull(); // 6, 0 (withheld), 5
      expect(cell('cases_open', 'all')).toBe(15); // a stock: March's end
      expect(cell('median_days_to_first_plan', 'days')).toBeNull();
    });

    it('answers the same bytes for a published month after a late registration and a correction', async () => {
      const before = {
        month: await read(councilA, '2025-01'),
        quarter: await read(councilA, '2024-Q4'),
      };
      await register(councilA, '2025-01-31T23:00:00+09:00', [
        { birthDate: '2000-01-01', concerns: ['abuse_violence'] },
      ]);
      await db.superuser.query(
        `UPDATE cases SET concerns = '{isolation,mental_health}' WHERE council_id = $1 AND birth_date IS NULL`,
        [councilA],
      );

      const after = {
        month: await read(councilA, '2025-01'),
        quarter: await read(councilA, '2024-Q4'),
      };

      expect(after).toEqual(before);
      expect(await publish(councilA, '2025-01')).toBe('already_published');
    });

    it('is refused publication of a month that has not closed, even by the application role', async () => {
      await expect(publish(councilA, today.slice(0, 7))).rejects.toThrow(/has not closed/);
    });

    it('keeps the snapshots append-only and refuses storing a small count, whoever writes', async () => {
      await expect(
        db.superuser.query(`UPDATE statistics_snapshots SET k = 2 WHERE council_id = $1`, [
          councilA,
        ]),
      ).rejects.toThrow(/append-only/);
      await expect(
        db.superuser.query(
          `INSERT INTO statistics_snapshots (council_id, month, k, cells)
           VALUES ($1, '2025-05-01', 5, '[{"dimension":"concern","value":"poverty","count":1,"suppressed":false}]')`,
          [councilA],
        ),
      ).rejects.toThrow(/check constraint/);
      await expect(
        app.query(
          `INSERT INTO statistics_snapshots (council_id, month, k, cells) VALUES ($1, '2025-05-01', 5, '[]')`,
          [councilA],
        ),
      ).rejects.toThrow(/permission denied/);
    });
  });
});

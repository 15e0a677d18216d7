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

  it('runs the functions as the statistics role, with a fixed search path, executable by the platform role only', async () => {
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
    expect(rows.map((r) => r.name)).toEqual([
      'council_exists',
      'council_plan_timing',
      'council_statistics',
    ]);
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
              has_schema_privilege('council_platform', 'public', 'USAGE') AS platform_on_public`,
    );
    expect(usage[0]).toEqual({ app: false, platform_on_public: false });
  });

  describe('with data in two councils', () => {
    const councilA = '11111111-1111-4111-8111-111111111111';
    const councilB = '22222222-2222-4222-8222-222222222222';

    beforeAll(async () => {
      const su = db.superuser;
      const { rows } = await su.query<{ id: string }>(
        `INSERT INTO users (email, display_name, password_hash) VALUES ('stats@test.example', 'S', 'x') RETURNING id`,
      );
      const user = rows[0].id;
      for (const [council, n] of [
        [councilA, 6],
        [councilB, 2],
      ] as const) {
        await su.query(
          `INSERT INTO councils (id, name, municipalities, established_on) VALUES ($1::uuid, $1::text, '{X}', '2024-04-01')`,
          [council],
        );
        for (let i = 0; i < n; i++) {
          await su.query(
            `INSERT INTO cases (council_id, case_number, family_name, given_name, birth_date, summary, concerns, created_by)
             VALUES ($1, $2, '秘密', '太郎', '1950-05-05', 'secret', '{isolation,not_a_category}', $3)`,
            [council, `2026-${String(i + 1).padStart(4, '0')}`, user],
          );
        }
      }
    });

    it('counts one council at a time, through row-level security', async () => {
      const counts = async (council: string) =>
        (
          await platform.query<{ dimension: string; value: string; n: number }>(
            `SELECT * FROM platform.council_statistics($1, current_date - 40, current_date + 1)`,
            [council],
          )
        ).rows;
      const a = await counts(councilA);
      const b = await counts(councilB);
      expect(a.find((r) => r.dimension === 'cases_opened')?.n).toBe(6);
      expect(b.find((r) => r.dimension === 'cases_opened')?.n).toBe(2);
      expect(a.find((r) => r.dimension === 'age_band' && r.value === '65_plus')?.n).toBe(6);
      // Values come from fixed lists only: stored text outside them never comes out.
      expect(a.map((r) => r.value)).not.toContain('not_a_category');
      const { rows } = await platform.query(`SELECT platform.council_exists($1) AS yes`, [
        '33333333-3333-4333-8333-333333333333',
      ]);
      expect(rows[0].yes).toBe(false);
    });

    it('leaves the statistics role itself bound by RLS and by its column grants', async () => {
      const client = await db.superuser.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL ROLE council_statistics');
        const { rows } = await client.query('SELECT count(id)::int AS n FROM cases');
        expect(rows[0].n).toBe(0); // no council set: no rows, like everyone else (§3.3)
        await client.query('SAVEPOINT s');
        await expect(client.query('SELECT family_name FROM cases')).rejects.toThrow(
          /permission denied/,
        );
        await client.query('ROLLBACK TO SAVEPOINT s');
        await expect(client.query('SELECT body FROM case_notes')).rejects.toThrow(
          /permission denied/,
        );
      } finally {
        await client.query('ROLLBACK');
        client.release();
      }
    });
  });
});

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Frozen copies (migrations never change) of the fixed vocabularies the statistics may name. */
const CONCERNS = [
  'isolation',
  'loneliness',
  'poverty',
  'housing',
  'employment',
  'health',
  'mental_health',
  'disability',
  'caregiving',
  'child_rearing',
  'abuse_violence',
  'hikikomori',
  'other',
];
const BODY_KINDS = [
  'municipality',
  'social_welfare_council',
  'npo',
  'public_health',
  'welfare_commissioner',
  'medical',
  'housing',
  'employment',
  'education',
  'police',
  'other',
];
const TIERS = ['representatives', 'practitioners', 'case_conference'];

const values = (list: string[]): string =>
  list.map((v, i) => `(${i + 1}, '${v.replace(/'/g, "''")}')`).join(', ');

/**
 * The platform boundary (DESIGN.md §3.6: nothing personal reaches the platform).
 *
 * The wider platform is not bound by the council's confidentiality duty, so the API's platform
 * module connects as its own role, `council_platform`, which can do exactly one kind of thing:
 * run the three functions of schema `platform`. It has no grant on any table (the server checks
 * this at start-up, role-check.ts) and not even USAGE on schema `public`, so it cannot name a
 * case table, let alone read one.
 *
 * The functions are the "aggregate views": a view cannot take the period as a parameter, so
 * they are set-returning functions instead. Each is SECURITY DEFINER, owned by
 * `council_statistics` — a NOLOGIN role without BYPASSRLS that holds SELECT on only the
 * columns an aggregate needs (ids, dates, concern categories, body kinds, meeting tiers, birth
 * dates to compute age bands; and three staff columns that a row-level policy of member_bodies
 * looks up). It cannot read a name, kana, address, phone, summary, note,
 * minutes text or audit event even by mistake: PostgreSQL refuses the column. It is still bound
 * by row-level security, so each function first scopes its transaction to the one council asked
 * about (`app.council_id`, as the API does, §3.3).
 *
 * What leaves the functions is counts over fixed vocabularies only: every `value` comes from a
 * list written below (never from stored text), so even an unexpected value in `cases.concerns`
 * cannot travel to the platform. Suppression of small counts (k) is applied by the API before
 * anything is answered (src/platform/suppression.ts); these functions give the API nothing that
 * is not already an aggregate.
 *
 * Also: platform clients (their secrets stored as argon2id hashes) and their id on the
 * security log.
 */
export class Platform1763780600000 implements MigrationInterface {
  name = 'Platform1763780600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'council_platform')
           OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'council_statistics') THEN
          RAISE EXCEPTION 'the roles council_platform and council_statistics must exist before this migration: run db:provision again (docs/operations.md, "Database roles")';
        END IF;
        -- The owner owns the database, so it can let the platform role connect (no TEMPORARY).
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO council_platform', current_database());
      END $$;

      -- Machine clients of the platform. Installation-wide (no council): they read every
      -- council's statistics and the public notice, nothing else. Never deleted; revoked.
      CREATE TABLE platform_clients (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        secret_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL REFERENCES users (id),
        revoked_at timestamptz,
        revoked_by uuid REFERENCES users (id),
        CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
      );
      GRANT SELECT, INSERT ON platform_clients TO council_app;
      GRANT UPDATE (revoked_at, revoked_by) ON platform_clients TO council_app;

      ALTER TABLE security_events ADD COLUMN platform_client_id uuid REFERENCES platform_clients (id);

      CREATE SCHEMA platform;
      REVOKE ALL ON SCHEMA platform FROM PUBLIC;

      -- What the statistics role may read: these columns, nothing else (DESIGN.md §3.6).
      GRANT USAGE ON SCHEMA public TO council_statistics;
      GRANT SELECT (id) ON councils TO council_statistics;
      GRANT SELECT (council_id, id, created_at, birth_date, concerns) ON cases TO council_statistics;
      GRANT SELECT (council_id, case_id, status, changed_at) ON case_status_history TO council_statistics;
      GRANT SELECT (council_id, case_id, member_body_id, role, started_at, ended_at) ON case_assignments TO council_statistics;
      GRANT SELECT (council_id, id, kind) ON member_bodies TO council_statistics;
      -- Not read by any function: member_bodies' row-level policy for staff reading their own
      -- bodies (own_member_bodies) looks these up, and PostgreSQL checks the policy's columns too.
      GRANT SELECT (council_id, member_body_id, user_id) ON staff TO council_statistics;
      GRANT SELECT (council_id, case_id, created_at) ON support_plans TO council_statistics;
      GRANT SELECT (council_id, tier, held_at) ON meetings TO council_statistics;

      CREATE FUNCTION platform.council_exists(p_council_id uuid) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
        AS $fn$ SELECT EXISTS (SELECT 1 FROM public.councils WHERE id = p_council_id) $fn$;

      -- Counts for one council and period [p_from, p_to] (whole days in the session's time zone,
      -- the API's TIME_ZONE). Rows: (dimension, value, n), value always from a fixed list.
      --   cases_opened/all     cases registered in the period
      --   cases_closed/all     cases closed in the period (each case once)
      --   cases_open/all       cases open at the end of the period
      --   concern/<category>   cases registered in the period with that concern (a case may have several)
      --   age_band/<band>      cases registered in the period by age at registration; sums to cases_opened
      --   lead_body_kind/<kind> cases open at the end of the period by the kind of their lead body
      --                        at that moment ('none': no lead); sums to cases_open
      --   meetings_by_tier/<tier> meetings held in the period
      CREATE FUNCTION platform.council_statistics(p_council_id uuid, p_from date, p_to date)
        RETURNS TABLE (dimension text, value text, n integer)
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
        AS $fn$
      DECLARE
        t_start timestamptz := p_from::timestamptz;
        t_end timestamptz := (p_to + 1)::timestamptz; -- exclusive: the day after the period begins
      BEGIN
        IF p_council_id IS NULL OR p_from IS NULL OR p_to IS NULL OR p_to < p_from THEN
          RAISE EXCEPTION 'a council and a period are required' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- Row-level security binds this function too: it sees the one council asked about.
        PERFORM set_config('app.council_id', p_council_id::text, true);
        RETURN QUERY
        WITH opened AS (
          SELECT c.id, c.birth_date, c.concerns, c.created_at::date AS opened_on
            FROM public.cases c
           WHERE c.council_id = p_council_id AND c.created_at >= t_start AND c.created_at < t_end
        ),
        last_status AS (
          SELECT DISTINCT ON (h.case_id) h.case_id, h.status
            FROM public.case_status_history h
           WHERE h.council_id = p_council_id AND h.changed_at < t_end
           ORDER BY h.case_id, h.changed_at DESC, h.status DESC
        ),
        open_at_end AS (
          SELECT c.id
            FROM public.cases c LEFT JOIN last_status s ON s.case_id = c.id
           WHERE c.council_id = p_council_id AND c.created_at < t_end
             AND coalesce(s.status, 'open') = 'open'
        ),
        lead_at_end AS (
          SELECT DISTINCT ON (a.case_id) a.case_id, b.kind
            FROM public.case_assignments a
            JOIN public.member_bodies b ON b.council_id = a.council_id AND b.id = a.member_body_id
           WHERE a.council_id = p_council_id AND a.role = 'lead'
             AND a.started_at < t_end AND (a.ended_at IS NULL OR a.ended_at >= t_end)
           ORDER BY a.case_id, a.started_at DESC
        ),
        bands AS (
          SELECT CASE
                   WHEN o.birth_date IS NULL OR o.birth_date > o.opened_on THEN 'unknown'
                   WHEN date_part('year', age(o.opened_on, o.birth_date)) < 20 THEN 'under_20'
                   WHEN date_part('year', age(o.opened_on, o.birth_date)) < 40 THEN '20_39'
                   WHEN date_part('year', age(o.opened_on, o.birth_date)) < 65 THEN '40_64'
                   ELSE '65_plus'
                 END AS band
            FROM opened o
        ),
        result (ord, dimension, value, n) AS (
          SELECT 1, 'cases_opened', 'all', (SELECT count(*)::int FROM opened)
          UNION ALL
          SELECT 2, 'cases_closed', 'all', (
            SELECT count(DISTINCT h.case_id)::int FROM public.case_status_history h
             WHERE h.council_id = p_council_id AND h.status = 'closed'
               AND h.changed_at >= t_start AND h.changed_at < t_end)
          UNION ALL
          SELECT 3, 'cases_open', 'all', (SELECT count(*)::int FROM open_at_end)
          UNION ALL
          SELECT 100 + v.pos, 'concern', v.name,
                 (SELECT count(*)::int FROM opened o WHERE v.name = ANY (o.concerns))
            FROM (VALUES ${values(CONCERNS)}) AS v (pos, name)
          UNION ALL
          SELECT 200 + v.pos, 'age_band', v.name,
                 (SELECT count(*)::int FROM bands b WHERE b.band = v.name)
            FROM (VALUES ${values(['under_20', '20_39', '40_64', '65_plus', 'unknown'])}) AS v (pos, name)
          UNION ALL
          SELECT 300 + v.pos, 'lead_body_kind', v.name,
                 (SELECT count(*)::int FROM open_at_end o LEFT JOIN lead_at_end l ON l.case_id = o.id
                   WHERE coalesce(l.kind, 'none') = v.name)
            FROM (VALUES ${values([...BODY_KINDS, 'none'])}) AS v (pos, name)
          UNION ALL
          SELECT 400 + v.pos, 'meetings_by_tier', v.name,
                 (SELECT count(*)::int FROM public.meetings m
                   WHERE m.council_id = p_council_id AND m.tier = v.name
                     AND m.held_at >= t_start AND m.held_at < t_end)
            FROM (VALUES ${values(TIERS)}) AS v (pos, name)
        )
        SELECT r.dimension, r.value, r.n FROM result r ORDER BY r.ord;
      END
      $fn$;

      -- Days from registration to the first support plan, for cases registered in the period
      -- whose first plan was made before the period ended: how many, and the median.
      CREATE FUNCTION platform.council_plan_timing(p_council_id uuid, p_from date, p_to date)
        RETURNS TABLE (cases integer, median_days double precision)
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
        AS $fn$
      DECLARE
        t_start timestamptz := p_from::timestamptz;
        t_end timestamptz := (p_to + 1)::timestamptz;
      BEGIN
        IF p_council_id IS NULL OR p_from IS NULL OR p_to IS NULL OR p_to < p_from THEN
          RAISE EXCEPTION 'a council and a period are required' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM set_config('app.council_id', p_council_id::text, true);
        RETURN QUERY
        WITH firsts AS (
          SELECT min(p.created_at)::date - c.created_at::date AS days
            FROM public.cases c
            JOIN public.support_plans p ON p.council_id = c.council_id AND p.case_id = c.id AND p.created_at < t_end
           WHERE c.council_id = p_council_id AND c.created_at >= t_start AND c.created_at < t_end
           GROUP BY c.id, c.created_at
        )
        SELECT count(*)::int, (percentile_cont(0.5) WITHIN GROUP (ORDER BY f.days))::float8 FROM firsts f;
      END
      $fn$;

      REVOKE ALL ON FUNCTION platform.council_exists(uuid), platform.council_statistics(uuid, date, date),
        platform.council_plan_timing(uuid, date, date) FROM PUBLIC;
      GRANT USAGE ON SCHEMA platform TO council_platform;
      GRANT EXECUTE ON FUNCTION platform.council_exists(uuid), platform.council_statistics(uuid, date, date),
        platform.council_plan_timing(uuid, date, date) TO council_platform;

      -- Hand the functions to the statistics role, so they run with its column grants rather
      -- than the owner's full rights. (PostgreSQL wants the new owner able to create in the
      -- schema for that; the permission is taken back at once.)
      GRANT CREATE ON SCHEMA platform TO council_statistics;
      ALTER FUNCTION platform.council_exists(uuid) OWNER TO council_statistics;
      ALTER FUNCTION platform.council_statistics(uuid, date, date) OWNER TO council_statistics;
      ALTER FUNCTION platform.council_plan_timing(uuid, date, date) OWNER TO council_statistics;
      REVOKE CREATE ON SCHEMA platform FROM council_statistics;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP SCHEMA platform CASCADE;
      REVOKE SELECT (id) ON councils FROM council_statistics;
      REVOKE SELECT (council_id, id, created_at, birth_date, concerns) ON cases FROM council_statistics;
      REVOKE SELECT (council_id, case_id, status, changed_at) ON case_status_history FROM council_statistics;
      REVOKE SELECT (council_id, case_id, member_body_id, role, started_at, ended_at) ON case_assignments FROM council_statistics;
      REVOKE SELECT (council_id, id, kind) ON member_bodies FROM council_statistics;
      REVOKE SELECT (council_id, member_body_id, user_id) ON staff FROM council_statistics;
      REVOKE SELECT (council_id, case_id, created_at) ON support_plans FROM council_statistics;
      REVOKE SELECT (council_id, tier, held_at) ON meetings FROM council_statistics;
      REVOKE USAGE ON SCHEMA public FROM council_statistics;
      ALTER TABLE security_events DROP COLUMN platform_client_id;
      DROP TABLE platform_clients;
    `);
  }
}

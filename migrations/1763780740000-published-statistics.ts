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
const AGE_BANDS = ['under_20', '20_39', '40_64', '65_plus', 'unknown'];
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

/** Groups of cells that add up to a published total (complementary suppression). */
const ADDITIVE_GROUPS = JSON.stringify([
  { total: { dimension: 'cases_opened', value: 'all' }, dimension: 'age_band' },
  { total: { dimension: 'cases_open', value: 'all' }, dimension: 'lead_body_kind' },
]);

/** Stock figures: counted at the end of a period (a quarter's is its last month's). */
const STOCKS = `ARRAY['cases_open', 'lead_body_kind']`;

const CURRENT_COUNCIL = `NULLIF(pg_catalog.current_setting('app.council_id', true), '')::uuid`;

/**
 * Published statistics (DESIGN.md §3.12, issue 14): the platform reads only snapshots of closed,
 * fixed, non-overlapping periods, each computed once, suppressed in the database and stored.
 *
 * Before this migration the platform role could call platform.council_statistics(council, from,
 * to) for any period (a single day too) and receive raw counts; the API suppressed them. Two
 * answers for the same period, before and after one registration, differed by exactly that
 * person. Now:
 *
 * - `statistics.council_counts` / `statistics.council_plan_timing` count (SECURITY INVOKER: the
 *   caller's own rights and row-level security, and only for the council its transaction is
 *   scoped to). The application calls them for a coordinator's own, unsuppressed figures.
 * - `statistics.suppress` applies k and complementary suppression to a table of counts.
 * - `statistics.publish_month` (SECURITY DEFINER, as council_statistics) computes a closed month
 *   once, suppresses it and stores it in `statistics_snapshots`, unless a coordinator holds the
 *   month (`statistics_holds`). It never replaces a snapshot: the table is append-only.
 * - `statistics.published` answers a month, a 年度 quarter (YYYY-Qn, Q1 = April–June of fiscal
 *   year YYYY) or a 年度 year (FYYYYY) from stored snapshots only. A quarter or year is built
 *   from its months' *published* cells: a flow cell is the sum of its months' cells when every
 *   one of them was published and is withheld otherwise; a stock cell (open cases, lead-body
 *   kinds, counted at the end of the period) is its last month's cell; the median is withheld
 *   (it cannot be built from published months). So a quarter says nothing its months have not
 *   already said, and cannot be differenced against them (docs/security.md).
 * - `platform.published_statistics` is the platform role's only way in: it scopes to the council
 *   and returns `statistics.published`. The old ad-hoc functions are dropped, so the platform
 *   role cannot obtain an unsuppressed or ad-hoc count at all.
 */
export class PublishedStatistics1763780740000 implements MigrationInterface {
  name = 'PublishedStatistics1763780740000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SCHEMA statistics;
      REVOKE ALL ON SCHEMA statistics FROM PUBLIC;

      -- A coordinator keeps a month from publication (e.g. while a registration is corrected);
      -- released, never deleted. One active hold per month.
      CREATE TABLE public.statistics_holds (
        council_id uuid NOT NULL REFERENCES public.councils (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        month date NOT NULL CHECK (month = date_trunc('month', month)::date),
        reason text CHECK (length(reason) BETWEEN 1 AND 500),
        held_at timestamptz NOT NULL DEFAULT now(),
        held_by uuid NOT NULL REFERENCES public.users (id),
        released_at timestamptz,
        released_by uuid REFERENCES public.users (id),
        PRIMARY KEY (council_id, id),
        CHECK ((released_at IS NULL) = (released_by IS NULL))
      );
      CREATE UNIQUE INDEX statistics_holds_one_active ON public.statistics_holds (council_id, month)
        WHERE released_at IS NULL;

      CREATE FUNCTION public.statistics_hold_release_only() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $fn$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.released_at IS NULL AND NEW.released_at IS NOT NULL
           AND (NEW.council_id, NEW.id, NEW.month, NEW.reason, NEW.held_at, NEW.held_by)
               IS NOT DISTINCT FROM (OLD.council_id, OLD.id, OLD.month, OLD.reason, OLD.held_at, OLD.held_by) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION '% on statistics_holds is not allowed: a hold is only ever released', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $fn$;
      CREATE TRIGGER statistics_holds_release_only BEFORE UPDATE OR DELETE ON public.statistics_holds
        FOR EACH ROW EXECUTE FUNCTION public.statistics_hold_release_only();
      CREATE TRIGGER statistics_holds_no_truncate BEFORE TRUNCATE ON public.statistics_holds
        FOR EACH STATEMENT EXECUTE FUNCTION public.reject_modification();

      -- One row per council and published month: the cells exactly as the platform receives
      -- them. Append-only; the CHECKs make a small count unstorable whatever wrote the row.
      CREATE TABLE public.statistics_snapshots (
        council_id uuid NOT NULL REFERENCES public.councils (id),
        month date NOT NULL CHECK (month = date_trunc('month', month)::date),
        k integer NOT NULL CHECK (k BETWEEN 2 AND 100),
        cells jsonb NOT NULL CHECK (jsonb_typeof(cells) = 'array'),
        published_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (council_id, month),
        CHECK (NOT jsonb_path_exists(cells,
          '$[*] ? (@.dimension != "median_days_to_first_plan" && @.count != null && @.count < $k)',
          jsonb_build_object('k', k))),
        CHECK (NOT jsonb_path_exists(cells,
          '$[*] ? ((@.suppressed == true && @.count != null) || (@.suppressed == false && @.count == null))'))
      );
      CREATE TRIGGER statistics_snapshots_append_only BEFORE UPDATE OR DELETE ON public.statistics_snapshots
        FOR EACH ROW EXECUTE FUNCTION public.reject_modification();
      CREATE TRIGGER statistics_snapshots_no_truncate BEFORE TRUNCATE ON public.statistics_snapshots
        FOR EACH STATEMENT EXECUTE FUNCTION public.reject_modification();
    `);
    for (const table of ['statistics_holds', 'statistics_snapshots']) {
      await q.query(`
        ALTER TABLE public.${table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE public.${table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY council_isolation ON public.${table}
          USING (council_id = ${CURRENT_COUNCIL}) WITH CHECK (council_id = ${CURRENT_COUNCIL});
      `);
    }

    await q.query(`
      -- Counts for one council and period [p_from, p_to] (whole days in the session's time zone,
      -- the API's TIME_ZONE), with the caller's rights, for the council its transaction is scoped
      -- to only. Rows (dimension, value, n), value always from a fixed list, in publication order:
      --   cases_opened/all, cases_closed/all, cases_open/all (at the end of the period),
      --   concern/<category> and age_band/<band> (of the cases opened; age at registration),
      --   lead_body_kind/<kind> (of the cases open at the end; 'none': no lead),
      --   meetings_by_tier/<tier> (held in the period).
      CREATE FUNCTION statistics.council_counts(p_council_id uuid, p_from date, p_to date)
        RETURNS TABLE (dimension text, value text, n integer)
        LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp
        AS $fn$
      DECLARE
        t_start timestamptz := p_from::timestamptz;
        t_end timestamptz := (p_to + 1)::timestamptz; -- exclusive: the day after the period
      BEGIN
        IF p_council_id IS NULL OR p_from IS NULL OR p_to IS NULL OR p_to < p_from THEN
          RAISE EXCEPTION 'a council and a period are required' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF p_council_id IS DISTINCT FROM ${CURRENT_COUNCIL} THEN
          RAISE EXCEPTION 'counts are computed only for the council of the transaction' USING ERRCODE = 'insufficient_privilege';
        END IF;
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
            FROM (VALUES ${values(AGE_BANDS)}) AS v (pos, name)
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
      -- whose first plan was made before it ended: how many, and the median.
      CREATE FUNCTION statistics.council_plan_timing(p_council_id uuid, p_from date, p_to date)
        RETURNS TABLE (cases integer, median_days double precision)
        LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp
        AS $fn$
      DECLARE
        t_start timestamptz := p_from::timestamptz;
        t_end timestamptz := (p_to + 1)::timestamptz;
      BEGIN
        IF p_council_id IS NULL OR p_from IS NULL OR p_to IS NULL OR p_to < p_from THEN
          RAISE EXCEPTION 'a council and a period are required' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF p_council_id IS DISTINCT FROM ${CURRENT_COUNCIL} THEN
          RAISE EXCEPTION 'counts are computed only for the council of the transaction' USING ERRCODE = 'insufficient_privilege';
        END IF;
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

      -- Small-cell suppression of a table of counts [{dimension, value, count}], in order:
      -- 1. every count below k, zero included, is withheld (count null, suppressed true);
      -- 2. for each group [{total: {dimension, value}, dimension}] whose cells add up to a
      --    published total: a withheld total withholds the whole group; otherwise, if exactly one
      --    cell of the group is withheld, or the withheld cells add up to zero, the smallest cell
      --    still shown (first in order on a tie) is withheld too. After that a group hides
      --    nothing, or at least two cells adding up to more than zero: the total minus the
      --    visible cells gives only their sum, never one of them.
      CREATE FUNCTION statistics.suppress(p_cells jsonb, p_groups jsonb, p_k integer) RETURNS jsonb
        LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, public, pg_temp
        AS $fn$
      DECLARE
        sep constant text := chr(31);
        hidden text[];
        g jsonb;
        total_key text;
        n_hidden integer;
        hidden_sum bigint;
        next_key text;
      BEGIN
        IF p_k IS NULL OR p_k < 2 THEN
          RAISE EXCEPTION 'k must be at least 2' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT coalesce(array_agg((c->>'dimension') || sep || (c->>'value')), '{}') INTO hidden
          FROM jsonb_array_elements(p_cells) c
         WHERE (c->>'count')::bigint < p_k;
        FOR g IN SELECT x FROM jsonb_array_elements(coalesce(p_groups, '[]')) x LOOP
          total_key := (g->'total'->>'dimension') || sep || (g->'total'->>'value');
          CONTINUE WHEN NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_cells) c
                                     WHERE (c->>'dimension') || sep || (c->>'value') = total_key)
                   OR NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_cells) c
                                   WHERE c->>'dimension' = g->>'dimension');
          IF total_key = ANY (hidden) THEN
            hidden := hidden || ARRAY(SELECT (c->>'dimension') || sep || (c->>'value')
                                        FROM jsonb_array_elements(p_cells) c WHERE c->>'dimension' = g->>'dimension');
            CONTINUE;
          END IF;
          SELECT count(*), coalesce(sum((c->>'count')::bigint), 0) INTO n_hidden, hidden_sum
            FROM jsonb_array_elements(p_cells) c
           WHERE c->>'dimension' = g->>'dimension' AND (c->>'dimension') || sep || (c->>'value') = ANY (hidden);
          CONTINUE WHEN n_hidden = 0 OR (n_hidden > 1 AND hidden_sum > 0);
          SELECT (c->>'dimension') || sep || (c->>'value') INTO next_key
            FROM jsonb_array_elements(p_cells) WITH ORDINALITY AS e (c, ord)
           WHERE c->>'dimension' = g->>'dimension' AND NOT ((c->>'dimension') || sep || (c->>'value') = ANY (hidden))
           ORDER BY (c->>'count')::bigint, ord
           LIMIT 1;
          IF next_key IS NOT NULL THEN
            hidden := hidden || next_key;
          END IF;
        END LOOP;
        RETURN coalesce((
          SELECT jsonb_agg(
                   CASE WHEN (c->>'dimension') || sep || (c->>'value') = ANY (hidden)
                        THEN jsonb_build_object('dimension', c->>'dimension', 'value', c->>'value', 'count', NULL, 'suppressed', true)
                        ELSE jsonb_build_object('dimension', c->>'dimension', 'value', c->>'value', 'count', (c->>'count')::bigint, 'suppressed', false)
                   END ORDER BY ord)
            FROM jsonb_array_elements(p_cells) WITH ORDINALITY AS e (c, ord)), '[]');
      END
      $fn$;

      -- Publishes one closed month of the council the transaction is scoped to: computed once,
      -- suppressed here, stored; never recomputed. Answers 'published', 'already_published' or
      -- 'held' (a coordinator holds the month). Concurrent publishers and holds of the same month
      -- are serialised by a transaction-level advisory lock (class 1763780740).
      CREATE FUNCTION statistics.publish_month(p_council_id uuid, p_month date, p_k integer) RETURNS text
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
        AS $fn$
      DECLARE
        v_to date;
        v_raw jsonb;
        v_cells jsonb;
        v_timing record;
        v_inserted integer;
      BEGIN
        IF p_council_id IS NULL OR p_month IS NULL OR p_month <> date_trunc('month', p_month)::date THEN
          RAISE EXCEPTION 'a council and the first day of a month are required' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF p_k IS NULL OR p_k NOT BETWEEN 2 AND 100 THEN
          RAISE EXCEPTION 'k must be between 2 and 100' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF p_council_id IS DISTINCT FROM ${CURRENT_COUNCIL} THEN
          RAISE EXCEPTION 'a month is published only for the council of the transaction' USING ERRCODE = 'insufficient_privilege';
        END IF;
        v_to := (p_month + interval '1 month')::date - 1;
        IF v_to >= current_date THEN
          RAISE EXCEPTION 'the month has not closed yet' USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        PERFORM pg_advisory_xact_lock(1763780740, hashtext(p_council_id::text || p_month::text));
        IF EXISTS (SELECT 1 FROM public.statistics_snapshots s WHERE s.council_id = p_council_id AND s.month = p_month) THEN
          RETURN 'already_published';
        END IF;
        IF EXISTS (SELECT 1 FROM public.statistics_holds h
                    WHERE h.council_id = p_council_id AND h.month = p_month AND h.released_at IS NULL) THEN
          RETURN 'held';
        END IF;
        SELECT jsonb_agg(jsonb_build_object('dimension', s.dimension, 'value', s.value, 'count', s.n) ORDER BY s.ord)
          INTO v_raw
          FROM statistics.council_counts(p_council_id, p_month, v_to) WITH ORDINALITY AS s (dimension, value, n, ord);
        v_cells := statistics.suppress(v_raw, '${ADDITIVE_GROUPS}'::jsonb, p_k);
        SELECT * INTO v_timing FROM statistics.council_plan_timing(p_council_id, p_month, v_to);
        -- A median of fewer than k cases says too much about each of them: withheld like a count.
        v_cells := v_cells || jsonb_build_array(
          CASE WHEN v_timing.cases >= p_k AND v_timing.median_days IS NOT NULL
               THEN jsonb_build_object('dimension', 'median_days_to_first_plan', 'value', 'days',
                                       'count', round(v_timing.median_days::numeric, 1), 'suppressed', false)
               ELSE jsonb_build_object('dimension', 'median_days_to_first_plan', 'value', 'days',
                                       'count', NULL, 'suppressed', true)
          END);
        INSERT INTO public.statistics_snapshots (council_id, month, k, cells)
        VALUES (p_council_id, p_month, p_k, v_cells)
        ON CONFLICT (council_id, month) DO NOTHING;
        GET DIAGNOSTICS v_inserted = ROW_COUNT;
        RETURN CASE WHEN v_inserted = 1 THEN 'published' ELSE 'already_published' END;
      END
      $fn$;

      -- What the platform may know of a period, from stored snapshots only, for the council the
      -- transaction is scoped to: {period, kind, from, to, k, publishedAt, cells}, or NULL when
      -- not every month of it is published. A period is YYYY-MM, YYYY-Qn (年度 quarter) or FYYYYY
      -- (年度 year, April to March); anything else is refused.
      CREATE FUNCTION statistics.published(p_council_id uuid, p_period text) RETURNS jsonb
        LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp
        AS $fn$
      DECLARE
        v_kind text;
        v_first date;
        v_months integer;
        v_found integer;
        v_result jsonb;
      BEGIN
        IF p_council_id IS NULL OR p_period IS NULL THEN
          RAISE EXCEPTION 'a council and a period are required' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF p_council_id IS DISTINCT FROM ${CURRENT_COUNCIL} THEN
          RAISE EXCEPTION 'statistics are read only for the council of the transaction' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF p_period ~ '^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])$' THEN
          v_kind := 'month'; v_months := 1;
          v_first := make_date(substr(p_period, 1, 4)::int, substr(p_period, 6, 2)::int, 1);
        ELSIF p_period ~ '^(19|20|21)[0-9]{2}-Q[1-4]$' THEN
          v_kind := 'quarter'; v_months := 3;
          v_first := (make_date(substr(p_period, 1, 4)::int, 4, 1)
                      + make_interval(months => 3 * (substr(p_period, 7, 1)::int - 1)))::date;
        ELSIF p_period ~ '^FY(19|20|21)[0-9]{2}$' THEN
          v_kind := 'year'; v_months := 12;
          v_first := make_date(substr(p_period, 3, 4)::int, 4, 1);
        ELSE
          RAISE EXCEPTION 'a period is YYYY-MM, YYYY-Qn or FYYYYY' USING ERRCODE = 'invalid_parameter_value';
        END IF;

        SELECT count(*) INTO v_found FROM public.statistics_snapshots s
         WHERE s.council_id = p_council_id AND s.month >= v_first
           AND s.month < v_first + make_interval(months => v_months);
        IF v_found < v_months THEN
          RETURN NULL;
        END IF;

        WITH months AS (
          SELECT s.month, s.k, s.published_at, s.cells FROM public.statistics_snapshots s
           WHERE s.council_id = p_council_id AND s.month >= v_first
             AND s.month < v_first + make_interval(months => v_months)
        ),
        cells AS (
          SELECT m.month, e.ord, e.c->>'dimension' AS dimension, e.c->>'value' AS value,
                 (e.c->>'count')::numeric AS n
            FROM months m, jsonb_array_elements(m.cells) WITH ORDINALITY AS e (c, ord)
        ),
        combined AS (
          SELECT c.dimension, c.value,
                 (array_agg(c.ord ORDER BY c.month DESC))[1] AS ord,
                 CASE
                   WHEN v_months = 1 THEN min(c.n)
                   WHEN c.dimension = 'median_days_to_first_plan' THEN NULL
                   WHEN c.dimension = ANY (${STOCKS})
                     THEN (array_agg(c.n ORDER BY c.month DESC))[1]
                   WHEN count(*) < v_months OR bool_or(c.n IS NULL) THEN NULL
                   ELSE sum(c.n)
                 END AS n
            FROM cells c
           GROUP BY c.dimension, c.value
        )
        SELECT jsonb_build_object(
                 'period', p_period,
                 'kind', v_kind,
                 'from', v_first,
                 'to', (v_first + make_interval(months => v_months))::date - 1,
                 'k', (SELECT max(m.k) FROM months m),
                 'publishedAt', (SELECT max(m.published_at) FROM months m),
                 'cells', (SELECT jsonb_agg(jsonb_build_object('dimension', x.dimension, 'value', x.value,
                                                                'count', x.n, 'suppressed', x.n IS NULL)
                                            ORDER BY x.ord)
                             FROM combined x))
          INTO v_result;
        RETURN v_result;
      END
      $fn$;

      -- The platform role's only door to statistics: scoped to the council asked about (row-level
      -- security binds this function too), and answering stored snapshots only.
      CREATE FUNCTION platform.published_statistics(p_council_id uuid, p_period text) RETURNS jsonb
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
        AS $fn$
      BEGIN
        IF p_council_id IS NULL THEN
          RAISE EXCEPTION 'a council is required' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM pg_catalog.set_config('app.council_id', p_council_id::text, true);
        RETURN statistics.published(p_council_id, p_period);
      END
      $fn$;

      -- The ad-hoc functions the platform could call for any period: gone.
      DROP FUNCTION platform.council_statistics(uuid, date, date);
      DROP FUNCTION platform.council_plan_timing(uuid, date, date);

      -- Who may do what.
      REVOKE ALL ON FUNCTION statistics.council_counts(uuid, date, date), statistics.council_plan_timing(uuid, date, date),
        statistics.suppress(jsonb, jsonb, integer), statistics.publish_month(uuid, date, integer),
        statistics.published(uuid, text), platform.published_statistics(uuid, text) FROM PUBLIC;
      REVOKE ALL ON FUNCTION public.statistics_hold_release_only() FROM PUBLIC;

      -- The statistics role computes, suppresses, publishes and reads snapshots.
      GRANT USAGE ON SCHEMA statistics TO council_statistics;
      GRANT EXECUTE ON FUNCTION statistics.council_counts(uuid, date, date), statistics.council_plan_timing(uuid, date, date),
        statistics.suppress(jsonb, jsonb, integer), statistics.published(uuid, text) TO council_statistics;
      GRANT SELECT, INSERT ON public.statistics_snapshots TO council_statistics;
      GRANT SELECT (council_id, month, released_at) ON public.statistics_holds TO council_statistics;

      -- The application: a coordinator's own figures, holds, and publication through the
      -- function only (no INSERT on snapshots: it cannot store cells the function did not make).
      GRANT USAGE ON SCHEMA statistics TO council_app;
      GRANT EXECUTE ON FUNCTION statistics.council_counts(uuid, date, date), statistics.council_plan_timing(uuid, date, date),
        statistics.publish_month(uuid, date, integer), statistics.published(uuid, text) TO council_app;
      GRANT SELECT ON public.statistics_snapshots TO council_app;
      GRANT SELECT, INSERT ON public.statistics_holds TO council_app;
      GRANT UPDATE (released_at, released_by) ON public.statistics_holds TO council_app;

      -- The platform: this one function (and council_exists, as before).
      GRANT EXECUTE ON FUNCTION platform.published_statistics(uuid, text) TO council_platform;

      -- Hand the definer functions to the statistics role, so they run with its grants only.
      GRANT CREATE ON SCHEMA platform, statistics TO council_statistics;
      ALTER FUNCTION statistics.publish_month(uuid, date, integer) OWNER TO council_statistics;
      ALTER FUNCTION platform.published_statistics(uuid, text) OWNER TO council_statistics;
      REVOKE CREATE ON SCHEMA platform, statistics FROM council_statistics;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION platform.published_statistics(uuid, text);
      DROP SCHEMA statistics CASCADE;
      DROP TABLE public.statistics_snapshots, public.statistics_holds;
      DROP FUNCTION public.statistics_hold_release_only();
    `);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** The path every trigger and SECURITY DEFINER function runs with (pg_temp last: see below). */
const PATH = 'pg_catalog, public, pg_temp';

/**
 * Database hardening (issue 14 item 5, DESIGN.md §3.3, §3.5):
 *
 * - `users`: the application role inserts and updates only the columns it writes. It can
 *   never set `is_system_admin` — not by UPDATE, not by INSERT (the column takes its default,
 *   false). System administrators are made by the owner role (`npm run cli -- create-admin`,
 *   which needs MIGRATION_DATABASE_URL), so a bug or an injection in the API cannot make one.
 * - No temporary tables for the application and platform roles (nor PUBLIC): nothing they do
 *   needs one, and a temporary object is the classic way to shadow a name in a function that
 *   runs with someone else's rights.
 * - Every trigger function and SECURITY DEFINER function runs with a fixed search_path and
 *   names its tables and its own helper functions with their schema, so a caller who sets
 *   `search_path` (or creates an object of the same name) cannot make it run something else.
 *   pg_temp is listed, last: left out, PostgreSQL would search it *first* for relations.
 *   The functions written before this migration are replaced with schema-qualified bodies
 *   (same logic); any other trigger or definer function found in the catalogue gets the path.
 */
export class DatabaseHardening1763780741000 implements MigrationInterface {
  name = 'DatabaseHardening1763780741000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- users: column-level grants only.
      REVOKE INSERT, UPDATE ON public.users FROM council_app;
      DO $$
      DECLARE cols text;
      BEGIN
        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
          FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = 'public.users'::regclass AND a.attnum > 0 AND NOT a.attisdropped
           AND a.attname NOT IN ('is_system_admin');
        EXECUTE format('GRANT INSERT (%s) ON public.users TO council_app', cols);
        EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC, council_app, council_platform', current_database());
      END $$;
      GRANT UPDATE (password_hash, password_changed_at, updated_at) ON public.users TO council_app;

      -- The append-only rule and the audit chain, schema-qualified and on a fixed path.
      CREATE OR REPLACE FUNCTION public.reject_modification() RETURNS trigger
        LANGUAGE plpgsql SET search_path = ${PATH} AS $$
      BEGIN
        RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$;

      CREATE OR REPLACE FUNCTION public.audit_field(v text) RETURNS text
        LANGUAGE sql IMMUTABLE SET search_path = ${PATH} AS $$
        SELECT CASE WHEN v IS NULL THEN '\\N' ELSE pg_catalog.replace(pg_catalog.replace(v, '\\', '\\\\'), E'\\n', '\\n') END
      $$;
      CREATE OR REPLACE FUNCTION public.audit_canonical(e public.audit_events) RETURNS text
        LANGUAGE sql IMMUTABLE SET search_path = ${PATH} AS $$
        SELECT pg_catalog.concat_ws(E'\\n',
          public.audit_field(e.council_id::text), public.audit_field(e.seq::text),
          public.audit_field(pg_catalog.to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
          public.audit_field(e.actor_user_id::text), public.audit_field(e.actor_role), public.audit_field(e.member_body_id::text),
          public.audit_field(e.action), public.audit_field(e.resource_type), public.audit_field(e.resource_id::text),
          public.audit_field(pg_catalog.array_to_string(e.resource_ids, ',')), public.audit_field(e.case_id::text),
          public.audit_field(e.outcome), public.audit_field(e.reason), public.audit_field(e.rule_id),
          public.audit_field(e.basis), public.audit_field(e.request_id))
      $$;

      CREATE OR REPLACE FUNCTION public.audit_chain() RETURNS trigger
        LANGUAGE plpgsql SET search_path = ${PATH} AS $$
      DECLARE head public.audit_chain_heads%ROWTYPE;
      BEGIN
        INSERT INTO public.audit_chain_heads (council_id) VALUES (NEW.council_id) ON CONFLICT (council_id) DO NOTHING;
        SELECT * INTO head FROM public.audit_chain_heads WHERE council_id = NEW.council_id FOR UPDATE;
        NEW.seq := head.seq + 1;
        NEW.at := pg_catalog.clock_timestamp();
        NEW.prev_hash := head.hash;
        NEW.hash := pg_catalog.sha256(head.hash || pg_catalog.convert_to(public.audit_canonical(NEW), 'UTF8'));
        UPDATE public.audit_chain_heads SET seq = NEW.seq, hash = NEW.hash WHERE council_id = NEW.council_id;
        RETURN NEW;
      END $$;

      -- Case notes, meetings and minutes: the same rules, schema-qualified.
      CREATE OR REPLACE FUNCTION public.case_notes_only_raise_sensitivity() RETURNS trigger
        LANGUAGE plpgsql SET search_path = ${PATH} AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NOT OLD.sensitive AND NEW.sensitive
           AND (pg_catalog.to_jsonb(NEW) - 'sensitive' - 'sensitive_raised_at' - 'sensitive_raised_by')
             = (pg_catalog.to_jsonb(OLD) - 'sensitive' - 'sensitive_raised_at' - 'sensitive_raised_by') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION '% on case_notes is not allowed: notes are append-only (only raising sensitivity is)', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$;

      CREATE OR REPLACE FUNCTION public.meeting_case_allowed() RETURNS trigger
        LANGUAGE plpgsql SET search_path = ${PATH} AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM public.meetings m WHERE m.council_id = NEW.council_id AND m.id = NEW.meeting_id
                     AND m.tier = 'representatives') THEN
          RAISE EXCEPTION 'a representatives'' meeting cannot name a case' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;

      CREATE OR REPLACE FUNCTION public.minutes_final_is_immutable() RETURNS trigger
        LANGUAGE plpgsql SET search_path = ${PATH} AS $$
      BEGIN
        IF OLD.status = 'final' THEN
          RAISE EXCEPTION 'the minutes of meeting % are final: add an addendum instead', OLD.meeting_id
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$;

      CREATE OR REPLACE FUNCTION public.minutes_content_insert_allowed() RETURNS trigger
        LANGUAGE plpgsql SET search_path = ${PATH} AS $$
      DECLARE
        m record;
      BEGIN
        SELECT status, revision INTO m FROM public.minutes WHERE council_id = NEW.council_id AND meeting_id = NEW.meeting_id;
        IF m.status = 'final' THEN
          RAISE EXCEPTION 'the minutes of meeting % are final: add an addendum instead', NEW.meeting_id
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF m.revision IS DISTINCT FROM NEW.revision THEN
          RAISE EXCEPTION 'minutes content must belong to the current revision' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;

      CREATE OR REPLACE FUNCTION public.minutes_action_item_status_only() RETURNS trigger
        LANGUAGE plpgsql SET search_path = ${PATH} AS $$
      BEGIN
        IF (NEW.council_id, NEW.id, NEW.meeting_id, NEW.revision, NEW.position, NEW.text, NEW.member_body_id, NEW.due_on, NEW.case_id)
           IS DISTINCT FROM
           (OLD.council_id, OLD.id, OLD.meeting_id, OLD.revision, OLD.position, OLD.text, OLD.member_body_id, OLD.due_on, OLD.case_id) THEN
          RAISE EXCEPTION 'only the status of an action item may change' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$;

      -- Whatever else is a trigger or SECURITY DEFINER function (added by a migration this one
      -- does not know): pinned to the same path.
      DO $$
      DECLARE f regprocedure;
      BEGIN
        FOR f IN
          SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
            JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
             AND (p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype OR p.prosecdef)
             AND NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(p.proconfig) c WHERE c LIKE 'search_path=%')
        LOOP
          EXECUTE format('ALTER FUNCTION %s SET search_path = ${PATH}', f);
        END LOOP;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      GRANT INSERT, UPDATE ON public.users TO council_app;
      DO $$ BEGIN
        EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO council_app', current_database());
      END $$;
    `);
  }
}

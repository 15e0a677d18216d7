import { MigrationInterface, QueryRunner } from 'typeorm';

/** The user a directory function is reading for, set by the function itself (transaction-local). */
const DIRECTORY_USER = `NULLIF(current_setting('app.directory_user_id', true), '')::uuid`;

/**
 * Cheap row-level security (issue 15). Until now `staff` and `member_bodies` carried a second
 * permissive policy for the application role (`own_staff_records`, `own_member_bodies`, keyed on
 * `app.user_id`), so that /api/me, GET /api/councils and the login fan-out could find a person's
 * staff records across councils. PostgreSQL ORs every permissive policy into every reference to
 * the table, so each query planned that EXISTS over `staff` — on every request, for every
 * member body a case's coverage joined. Now the application role sees one permissive policy per
 * table, `council_isolation`, and the few lookups that run before a council is chosen go through
 * one SECURITY DEFINER function:
 *
 *   directory_memberships(user) → that user's staff records in every council (with whether each
 *   is in force), and nothing else. EXECUTE for council_app only.
 *
 * The function runs as the migration role, which FORCE binds too; it reads through a policy
 * `directory_lookup` that applies to that role alone (TO CURRENT_USER, the owner) and only shows
 * the rows of the user the function has put in `app.directory_user_id` for the length of its
 * own call. The application role's queries never see that policy.
 */
export class DirectoryFunctions1763780770000 implements MigrationInterface {
  name = 'DirectoryFunctions1763780770000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP POLICY own_staff_records ON staff;
      DROP POLICY own_member_bodies ON member_bodies;

      CREATE POLICY directory_lookup ON staff FOR SELECT TO CURRENT_USER
        USING (user_id = ${DIRECTORY_USER});
      CREATE POLICY directory_lookup ON member_bodies FOR SELECT TO CURRENT_USER
        USING (EXISTS (SELECT 1 FROM staff s WHERE s.council_id = member_bodies.council_id
                          AND s.member_body_id = member_bodies.id AND s.user_id = ${DIRECTORY_USER}));

      -- A person's own staff records across councils: /api/me, GET /api/councils, the login
      -- fan-out into each council's audit log. "Active" is in-force.ts's definition (the record
      -- accepted and not ended, its body joined and not left, as of current_date in the
      -- session's time zone). A pending record has no user yet, so it is never returned.
      CREATE FUNCTION directory_memberships(p_user_id uuid)
        RETURNS TABLE (staff_id uuid, council_id uuid, member_body_id uuid, role text,
                       pledged_at timestamptz, ended_on date, active boolean, created_at timestamptz)
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
        AS $fn$
      BEGIN
        IF p_user_id IS NULL THEN
          RETURN;
        END IF;
        PERFORM set_config('app.directory_user_id', p_user_id::text, true);
        RETURN QUERY
          SELECT st.id, st.council_id, st.member_body_id, st.role, st.pledged_at, st.ended_on,
                 (st.accepted_at IS NOT NULL AND (st.ended_on IS NULL OR st.ended_on > current_date)
                  AND mb.joined_on <= current_date AND (mb.left_on IS NULL OR mb.left_on > current_date)),
                 st.created_at
            FROM public.staff st
            JOIN public.member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
           WHERE st.user_id = p_user_id
           ORDER BY st.created_at, st.id;
        PERFORM set_config('app.directory_user_id', '', true);
      END $fn$;
      REVOKE ALL ON FUNCTION directory_memberships(uuid) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION directory_memberships(uuid) TO council_app;

      -- The accounts migration's guard read a user's staff records through own_staff_records
      -- (app.user_id); it asks the directory function now (callable by the function's owner,
      -- who alone may make a system admin, and by the application role).
      CREATE OR REPLACE FUNCTION users_admin_holds_no_staff() RETURNS trigger LANGUAGE plpgsql
        SET search_path = pg_catalog, public, pg_temp
        AS $fn$
      BEGIN
        IF NEW.is_system_admin AND NOT OLD.is_system_admin
           AND EXISTS (SELECT 1 FROM public.directory_memberships(NEW.id)) THEN
          RAISE EXCEPTION 'a user who holds or held a staff record cannot become a system admin'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'users_admin_holds_no_staff';
        END IF;
        RETURN NEW;
      END $fn$;

      -- Only own_member_bodies needed these (PostgreSQL checks a policy's columns as the reader).
      REVOKE SELECT (council_id, member_body_id, user_id) ON staff FROM council_statistics;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      GRANT SELECT (council_id, member_body_id, user_id) ON staff TO council_statistics;
      CREATE OR REPLACE FUNCTION users_admin_holds_no_staff() RETURNS trigger LANGUAGE plpgsql
        SET search_path = pg_catalog, public, pg_temp
        AS $fn$
      DECLARE
        previous text := current_setting('app.user_id', true);
        holds boolean;
      BEGIN
        IF NEW.is_system_admin AND NOT OLD.is_system_admin THEN
          PERFORM set_config('app.user_id', NEW.id::text, true);
          SELECT EXISTS (SELECT 1 FROM staff WHERE user_id = NEW.id) INTO holds;
          PERFORM set_config('app.user_id', COALESCE(previous, ''), true);
          IF holds THEN
            RAISE EXCEPTION 'a user who holds or held a staff record cannot become a system admin'
              USING ERRCODE = 'check_violation', CONSTRAINT = 'users_admin_holds_no_staff';
          END IF;
        END IF;
        RETURN NEW;
      END $fn$;
      DROP FUNCTION directory_memberships(uuid);
      DROP POLICY directory_lookup ON member_bodies;
      DROP POLICY directory_lookup ON staff;
      CREATE POLICY own_staff_records ON staff FOR SELECT
        USING (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid);
      CREATE POLICY own_member_bodies ON member_bodies FOR SELECT USING (EXISTS (
        SELECT 1 FROM staff s WHERE s.council_id = member_bodies.council_id AND s.member_body_id = member_bodies.id
          AND s.user_id = NULLIF(current_setting('app.user_id', true), '')::uuid));
    `);
  }
}

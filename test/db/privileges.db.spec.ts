import { Client, Pool } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * Every privilege the connected role holds outside the system catalogue, one line each:
 * `database <priv>`, `schema <name> <priv>`, `<schema>.<table> <priv>` for a table-level
 * privilege, `<schema>.<table>.<column> <priv>` for a column-level one the table-level grant does
 * not already give, `<schema>.<sequence> <priv>`, and `function <signature> EXECUTE` outside
 * schema public (PostgreSQL lets everyone execute functions by default; ours in public are pure
 * helpers and trigger functions).
 */
const PRIVILEGES_SQL = `
  WITH rels AS (
    SELECT c.oid, n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       AND n.nspname NOT LIKE 'pg_temp%' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
  ),
  table_privs AS (
    SELECT format('%s.%s %s', r.nspname, r.relname, p) AS privilege
      FROM rels r, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
     WHERE r.relkind <> 'S' AND has_table_privilege(r.oid, p)
  ),
  column_privs AS (
    SELECT format('%s.%s.%s %s', r.nspname, r.relname, a.attname, p) AS privilege
      FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped,
           unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) p
     WHERE r.relkind <> 'S' AND has_column_privilege(r.oid, a.attnum, p) AND NOT has_table_privilege(r.oid, p)
  ),
  sequence_privs AS (
    SELECT format('%s.%s %s', r.nspname, r.relname, p) AS privilege
      FROM rels r, unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) p
     WHERE r.relkind = 'S' AND has_sequence_privilege(r.oid, p)
  ),
  schema_privs AS (
    SELECT format('schema %s %s', n.nspname, p) AS privilege
      FROM pg_namespace n, unnest(ARRAY['USAGE', 'CREATE']) p
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       AND n.nspname NOT LIKE 'pg_temp%' AND has_schema_privilege(n.oid, p)
  ),
  database_privs AS (
    SELECT format('database %s', p) AS privilege
      FROM unnest(ARRAY['CONNECT', 'CREATE', 'TEMPORARY']) p WHERE has_database_privilege(current_database(), p)
  ),
  function_privs AS (
    SELECT format('function %s EXECUTE', f.oid::regprocedure) AS privilege
      FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public')
       AND has_schema_privilege(n.oid, 'USAGE') AND has_function_privilege(f.oid, 'EXECUTE')
  )
  SELECT privilege FROM (
    SELECT * FROM database_privs UNION ALL SELECT * FROM schema_privs UNION ALL SELECT * FROM table_privs
    UNION ALL SELECT * FROM column_privs UNION ALL SELECT * FROM sequence_privs UNION ALL SELECT * FROM function_privs
  ) x ORDER BY 1`;

/**
 * The application role's privileges, exactly (issue 14 item 5, DESIGN.md §3.3): every grant it
 * holds is listed here on purpose. A migration that grants more fails this test until the
 * grant is added below, in review. Column-level lines are the columns it may write where it
 * writes only some: never users.is_system_admin, never an audit event once written.
 */
const APP_ALLOWED = [
  'database CONNECT',
  'function statistics.council_counts(uuid,date,date) EXECUTE',
  'function statistics.council_plan_timing(uuid,date,date) EXECUTE',
  'function statistics.publish_month(uuid,date,integer) EXECUTE',
  'function statistics.published(uuid,text) EXECUTE',
  'public.audit_chain_heads INSERT',
  'public.audit_chain_heads SELECT',
  'public.audit_chain_heads UPDATE',
  'public.audit_checkpoints INSERT',
  'public.audit_checkpoints SELECT',
  'public.audit_events INSERT',
  'public.audit_events SELECT',
  'public.auth_sessions INSERT',
  'public.auth_sessions SELECT',
  'public.auth_sessions UPDATE',
  'public.case_assignments INSERT',
  'public.case_assignments SELECT',
  'public.case_assignments UPDATE',
  // Attachments (issue 18): files are added, never changed; a consent form is confirmed once.
  'public.attachments INSERT',
  'public.attachments SELECT',
  'public.attachments.confirmed_at UPDATE',
  'public.attachments.confirmed_by UPDATE',
  // The daily digest (issue 18): one delivery per council, person and day; the opt-out.
  'public.digest_deliveries INSERT',
  'public.digest_deliveries SELECT',
  'public.users.daily_digest UPDATE',
  'public.case_notes INSERT',
  'public.case_notes SELECT',
  'public.case_notes.body UPDATE',
  'public.case_notes.body_sealed UPDATE',
  'public.case_notes.sensitive UPDATE',
  'public.case_notes.sensitive_raised_at UPDATE',
  'public.case_notes.sensitive_raised_by UPDATE',
  'public.case_number_counters INSERT',
  'public.case_number_counters SELECT',
  'public.case_number_counters UPDATE',
  'public.case_status_history INSERT',
  'public.case_status_history SELECT',
  'public.cases INSERT',
  'public.cases SELECT',
  'public.cases UPDATE',
  'public.consent_bodies INSERT',
  'public.consent_bodies SELECT',
  'public.consents INSERT',
  'public.consents SELECT',
  'public.consents UPDATE',
  'public.coordinating_body_designations INSERT',
  'public.coordinating_body_designations SELECT',
  'public.coordinating_body_designations UPDATE',
  // Envelope encryption, retention, legal holds, subject requests (issue 19): data keys are
  // re-wrapped or destroyed, never deleted; holds are released, never deleted.
  'public.data_keys INSERT',
  'public.data_keys SELECT',
  'public.data_keys.destroyed_at UPDATE',
  'public.data_keys.kek_id UPDATE',
  'public.data_keys.rewrapped_at UPDATE',
  'public.data_keys.wrapped UPDATE',
  'public.legal_holds INSERT',
  'public.legal_holds SELECT',
  'public.legal_holds.release_reason UPDATE',
  'public.legal_holds.released_at UPDATE',
  'public.legal_holds.released_by UPDATE',
  'public.retention_schedules INSERT',
  'public.retention_schedules SELECT',
  'public.retention_schedules.updated_at UPDATE',
  'public.retention_schedules.updated_by UPDATE',
  'public.retention_schedules.years UPDATE',
  'public.subject_requests INSERT',
  'public.subject_requests SELECT',
  'public.subject_requests.decided_on UPDATE',
  'public.subject_requests.decision UPDATE',
  'public.subject_requests.decision_reason_sealed UPDATE',
  'public.subject_requests.extended_until UPDATE',
  'public.subject_requests.extension_reason_sealed UPDATE',
  'public.subject_requests.note_sealed UPDATE',
  'public.subject_requests.status UPDATE',
  'public.subject_requests.updated_at UPDATE',
  'public.councils INSERT',
  'public.councils SELECT',
  'public.councils UPDATE',
  // Accounts (issue 13): invitations, TOTP secrets and recovery codes, password resets; a
  // password set by an operator must be changed.
  'public.mfa_recovery_codes INSERT',
  'public.mfa_recovery_codes SELECT',
  'public.mfa_recovery_codes UPDATE',
  'public.mfa_totp INSERT',
  'public.mfa_totp SELECT',
  'public.mfa_totp UPDATE',
  'public.password_resets INSERT',
  'public.password_resets SELECT',
  'public.password_resets UPDATE',
  'public.staff_invitations INSERT',
  'public.staff_invitations SELECT',
  'public.staff_invitations UPDATE',
  'public.users.must_change_password INSERT',
  'public.users.must_change_password UPDATE',
  // Intake (issue 17): case links (undone, never deleted), referrals (decided once), the
  // published versions of the public notice (append-only).
  'public.case_links INSERT',
  'public.case_links SELECT',
  'public.case_links.unlink_reason UPDATE',
  'public.case_links.unlinked_at UPDATE',
  'public.case_links.unlinked_by UPDATE',
  'public.referrals INSERT',
  'public.referrals SELECT',
  'public.referrals.assignment_outcome UPDATE',
  'public.referrals.case_id UPDATE',
  'public.referrals.decided_at UPDATE',
  'public.referrals.decided_by UPDATE',
  'public.referrals.decision_reason UPDATE',
  'public.referrals.status UPDATE',
  'public.public_notice_publications INSERT',
  'public.public_notice_publications SELECT',
  // The periodic-job leader's record of runs (one per job and interval; never changed).
  'public.job_runs INSERT',
  'public.job_runs SELECT',
  'public.info_requests INSERT',
  'public.info_requests SELECT',
  'public.info_requests UPDATE',
  'public.login_failure_windows INSERT',
  'public.login_failure_windows SELECT',
  'public.login_failure_windows UPDATE',
  'public.login_lockouts INSERT',
  'public.login_lockouts SELECT',
  'public.login_lockouts UPDATE',
  'public.meeting_attendees INSERT',
  'public.meeting_attendees SELECT',
  'public.meeting_cases INSERT',
  'public.meeting_cases SELECT',
  'public.meeting_external_attendees INSERT',
  'public.meeting_external_attendees SELECT',
  'public.meetings INSERT',
  'public.meetings SELECT',
  'public.member_bodies INSERT',
  'public.member_bodies SELECT',
  'public.member_bodies UPDATE',
  'public.minutes INSERT',
  'public.minutes SELECT',
  'public.minutes UPDATE',
  'public.minutes_action_item_history INSERT',
  'public.minutes_action_item_history SELECT',
  'public.minutes_action_items INSERT',
  'public.minutes_action_items SELECT',
  'public.minutes_action_items UPDATE',
  'public.minutes_addenda INSERT',
  'public.minutes_addenda SELECT',
  'public.minutes_case_reviews INSERT',
  'public.minutes_case_reviews SELECT',
  'public.minutes_decisions INSERT',
  'public.minutes_decisions SELECT',
  'public.plan_action_history INSERT',
  'public.plan_action_history SELECT',
  'public.plan_actions INSERT',
  'public.plan_actions SELECT',
  'public.plan_actions UPDATE',
  'public.platform_clients INSERT',
  'public.platform_clients SELECT',
  'public.platform_clients.revoked_at UPDATE',
  'public.platform_clients.revoked_by UPDATE',
  'public.pledge_acceptances INSERT',
  'public.pledge_acceptances SELECT',
  'public.pledges INSERT',
  'public.pledges SELECT',
  'public.refresh_tokens INSERT',
  'public.refresh_tokens SELECT',
  'public.refresh_tokens UPDATE',
  'public.security_events INSERT',
  'public.security_events SELECT',
  'public.staff INSERT',
  'public.staff SELECT',
  'public.staff UPDATE',
  'public.statistics_holds INSERT',
  'public.statistics_holds SELECT',
  'public.statistics_holds.released_at UPDATE',
  'public.statistics_holds.released_by UPDATE',
  'public.statistics_snapshots SELECT',
  'public.support_plans INSERT',
  'public.support_plans SELECT',
  'public.users SELECT',
  'public.users.created_at INSERT',
  'public.users.display_name INSERT',
  'public.users.email INSERT',
  'public.users.id INSERT',
  'public.users.password_changed_at INSERT',
  'public.users.password_changed_at UPDATE',
  'public.users.password_hash INSERT',
  'public.users.password_hash UPDATE',
  'public.users.updated_at INSERT',
  'public.users.updated_at UPDATE',
  'schema public USAGE',
  'schema statistics USAGE',
  // Intake facts (issue 17): related persons and their consents (corrected, never removed);
  // risk history, contacts and statutory-basis renewals (append-only).
  'public.assignment_basis_reviews INSERT',
  'public.assignment_basis_reviews SELECT',
  'public.case_contacts INSERT',
  'public.case_contacts SELECT',
  'public.case_related_persons INSERT',
  'public.case_related_persons SELECT',
  'public.case_related_persons UPDATE',
  'public.case_risk_assessments INSERT',
  'public.case_risk_assessments SELECT',
  'public.related_person_consents INSERT',
  'public.related_person_consents SELECT',
  'public.related_person_consents UPDATE',
  // Sealing (issue 19): data:seal moves a legacy contact note / risk reason into its sealed
  // column and disposal blanks both (a trigger allows exactly these); a legacy file moves to a
  // sealed copy, and disposal blanks a file's name and records its bytes destroyed.
  'public.case_contacts.note UPDATE',
  'public.case_contacts.note_sealed UPDATE',
  'public.case_risk_assessments.reason UPDATE',
  'public.case_risk_assessments.reason_sealed UPDATE',
  'public.attachments.content_destroyed_at UPDATE',
  'public.attachments.content_sealed UPDATE',
  'public.attachments.file_name UPDATE',
  'public.attachments.storage_key UPDATE',
];

describe('database privileges', () => {
  let db: TestDatabase;
  let app: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = new Pool({ connectionString: db.appUrl, max: 2 });
  });
  afterAll(async () => {
    await app.end();
    await db.drop();
  });

  it('gives the application role exactly the privileges of the allow-list', async () => {
    const { rows } = await app.query<{ privilege: string }>(PRIVILEGES_SQL);

    const held = rows.map((r) => r.privilege);

    expect({ notAllowed: held.filter((p) => !APP_ALLOWED.includes(p)) }).toEqual({
      notAllowed: [],
    });
    expect({ missing: APP_ALLOWED.filter((p) => !held.includes(p)) }).toEqual({ missing: [] });
  });

  describe('users.is_system_admin', () => {
    let userId: string;

    beforeAll(async () => {
      const { rows } = await app.query<{ id: string }>(
        `INSERT INTO users (email, display_name, password_hash) VALUES ('plain@test.example', 'P', 'x') RETURNING id`,
      );
      userId = rows[0].id;
    });

    it('cannot be set by the application role with an UPDATE', async () => {
      await expect(
        app.query(`UPDATE users SET is_system_admin = true WHERE id = $1`, [userId]),
      ).rejects.toThrow(/permission denied/);
    });

    it('cannot be set by the application role when it creates a user', async () => {
      await expect(
        app.query(
          `INSERT INTO users (email, display_name, password_hash, is_system_admin) VALUES ('admin@test.example', 'A', 'x', true)`,
        ),
      ).rejects.toThrow(/permission denied/);
    });

    it('leaves the application role the columns it does write: the password', async () => {
      const { rowCount } = await app.query(
        `UPDATE users SET password_hash = 'y', password_changed_at = now(), updated_at = now() WHERE id = $1`,
        [userId],
      );
      expect(rowCount).toBe(1);
      await expect(
        app.query(`UPDATE users SET email = 'other@test.example' WHERE id = $1`, [userId]),
      ).rejects.toThrow(/permission denied/);
    });
  });

  it('refuses temporary tables to the application and platform roles', async () => {
    for (const url of [db.appUrl, db.platformUrl]) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await expect(client.query('CREATE TEMP TABLE sneaky (id int)')).rejects.toThrow(
          /permission denied/,
        );
      } finally {
        await client.end();
      }
    }
  });

  it('runs every trigger and SECURITY DEFINER function on a fixed search path', async () => {
    const { rows } = await db.superuser.query<{ fn: string; config: string[] | null }>(
      `SELECT p.oid::regprocedure::text AS fn, p.proconfig AS config
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND (p.prorettype = 'trigger'::regtype OR p.prosecdef)
        ORDER BY 1`,
    );
    expect(rows.length).toBeGreaterThan(10);
    expect(
      rows.filter((r) => !(r.config ?? []).includes('search_path=pg_catalog, public, pg_temp')),
    ).toEqual([]);
  });

  it('chains an audit event with its own functions whatever search_path the writer sets', async () => {
    const council = '33333333-3333-4333-8333-333333333333';
    await db.superuser.query(
      `INSERT INTO councils (id, name, municipalities, established_on) VALUES ($1, 'S', '{X}', '2024-04-01')`,
      [council],
    );
    // Someone able to create objects puts look-alikes first on their own search path.
    const owner = await db.owner.connect();
    try {
      await owner.query(`CREATE SCHEMA evil`);
      await owner.query(
        `CREATE FUNCTION evil.audit_canonical(e public.audit_events) RETURNS text LANGUAGE sql AS $$ SELECT 'forged' $$`,
      );
      await owner.query(
        `CREATE FUNCTION evil.audit_field(v text) RETURNS text LANGUAGE sql AS $$ SELECT 'forged' $$`,
      );
      await owner.query('BEGIN');
      await owner.query(`SET LOCAL search_path = evil, public`);
      await owner.query(`SELECT set_config('app.council_id', $1, true)`, [council]);
      await owner.query(
        `INSERT INTO public.audit_events (council_id, action, outcome) VALUES ($1, 'test.path', 'allowed')`,
        [council],
      );
      await owner.query('COMMIT');
    } catch (error) {
      await owner.query('ROLLBACK');
      throw error;
    } finally {
      await owner.query('DROP SCHEMA IF EXISTS evil CASCADE');
      owner.release();
    }

    const { rows } = await db.superuser.query<{ ok: boolean }>(
      `SELECT e.hash = sha256(e.prev_hash || convert_to(public.audit_canonical(e), 'UTF8')) AS ok
         FROM audit_events e WHERE council_id = $1`,
      [council],
    );

    expect(rows).toEqual([{ ok: true }]);
  });
});

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Append-only tables whose row triggers do not cover TRUNCATE (the minutes got theirs in 1763780705000). */
const APPEND_ONLY = [
  'case_notes',
  'case_status_history',
  'support_plans',
  'plan_action_history',
  'audit_checkpoints',
];

/**
 * Need to know inside a case (issue 12, DESIGN.md §3.9):
 * - notes carry a sensitivity flag (要配慮個人情報): set by the author, raised (never lowered) by a
 *   coordinator; a body with `limited` scope never receives a sensitive note. The note stays
 *   append-only otherwise: the trigger lets exactly that one change through;
 * - a case closed "at a meeting" names a meeting of this council that discussed the case — a
 *   foreign key to the meeting's case list (NOT VALID: rows written before this rule stay);
 * - TRUNCATE is refused on the remaining append-only tables, as on the audit log.
 */
export class CaseNeedToKnow1763780730000 implements MigrationInterface {
  name = 'CaseNeedToKnow1763780730000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE case_notes
        ADD COLUMN sensitive boolean NOT NULL DEFAULT false,
        ADD COLUMN sensitive_raised_at timestamptz,
        ADD COLUMN sensitive_raised_by uuid REFERENCES users (id);

      DROP TRIGGER case_notes_append_only ON case_notes;
      CREATE FUNCTION case_notes_only_raise_sensitivity() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NOT OLD.sensitive AND NEW.sensitive
           AND (to_jsonb(NEW) - 'sensitive' - 'sensitive_raised_at' - 'sensitive_raised_by')
             = (to_jsonb(OLD) - 'sensitive' - 'sensitive_raised_at' - 'sensitive_raised_by') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION '% on case_notes is not allowed: notes are append-only (only raising sensitivity is)', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER case_notes_append_only BEFORE UPDATE OR DELETE ON case_notes
        FOR EACH ROW EXECUTE FUNCTION case_notes_only_raise_sensitivity();
      GRANT UPDATE (sensitive, sensitive_raised_at, sensitive_raised_by) ON case_notes TO council_app;

      ALTER TABLE case_status_history
        ADD CONSTRAINT case_status_history_meeting_discussed
        FOREIGN KEY (council_id, meeting_id, case_id) REFERENCES meeting_cases (council_id, meeting_id, case_id) NOT VALID;
      ALTER TABLE cases
        ADD CONSTRAINT cases_closed_meeting_discussed
        FOREIGN KEY (council_id, closed_meeting_id, id) REFERENCES meeting_cases (council_id, meeting_id, case_id) NOT VALID;
    `);
    for (const table of APPEND_ONLY) {
      await q.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION reject_modification()`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of APPEND_ONLY) await q.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
    await q.query(`
      ALTER TABLE cases DROP CONSTRAINT cases_closed_meeting_discussed;
      ALTER TABLE case_status_history DROP CONSTRAINT case_status_history_meeting_discussed;
      REVOKE UPDATE (sensitive, sensitive_raised_at, sensitive_raised_by) ON case_notes FROM council_app;
      DROP TRIGGER case_notes_append_only ON case_notes;
      DROP FUNCTION case_notes_only_raise_sensitivity();
      CREATE TRIGGER case_notes_append_only BEFORE UPDATE OR DELETE ON case_notes FOR EACH ROW EXECUTE FUNCTION reject_modification();
      ALTER TABLE case_notes DROP COLUMN sensitive_raised_by, DROP COLUMN sensitive_raised_at, DROP COLUMN sensitive;
    `);
  }
}

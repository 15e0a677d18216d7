import { MigrationInterface, QueryRunner } from 'typeorm';

const NEW_TENANT_TABLES = [
  'case_status_history',
  'case_notes',
  'support_plans',
  'plan_actions',
  'plan_action_history',
  'info_requests',
];
const CURRENT_COUNCIL = `NULLIF(current_setting('app.council_id', true), '')::uuid`;

/**
 * The daily work on a case: status history (closure and reopening), notes, versioned support
 * plans with actions owned by member bodies, and information requests (Art. 16).
 */
export class CaseWork1763780300000 implements MigrationInterface {
  name = 'CaseWork1763780300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cases ADD COLUMN closed_at timestamptz, ADD COLUMN closed_meeting_id uuid;

      CREATE TABLE case_status_history (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'closed')),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
        meeting_id uuid,
        changed_at timestamptz NOT NULL DEFAULT now(),
        changed_by uuid NOT NULL REFERENCES users (id),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id)
      );
      CREATE INDEX case_status_history_by_case ON case_status_history (council_id, case_id, changed_at);

      -- Contact and progress records: immutable; a correction is a new note that refers to the old one.
      CREATE TABLE case_notes (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
        corrects_note_id uuid,
        author_user_id uuid NOT NULL REFERENCES users (id),
        author_role text NOT NULL,
        member_body_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        FOREIGN KEY (council_id, corrects_note_id) REFERENCES case_notes (council_id, id),
        FOREIGN KEY (council_id, member_body_id) REFERENCES member_bodies (council_id, id)
      );
      CREATE INDEX case_notes_by_case ON case_notes (council_id, case_id, created_at);

      -- 個別支援計画: every save is a new version; earlier versions stay.
      CREATE TABLE support_plans (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        goals jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL REFERENCES users (id),
        PRIMARY KEY (council_id, id),
        UNIQUE (council_id, case_id, version),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id)
      );

      CREATE TABLE plan_actions (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        plan_id uuid NOT NULL,
        case_id uuid NOT NULL,
        position integer NOT NULL,
        text text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
        member_body_id uuid NOT NULL,
        due_on date NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES users (id),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, plan_id) REFERENCES support_plans (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        FOREIGN KEY (council_id, member_body_id) REFERENCES member_bodies (council_id, id)
      );
      CREATE INDEX plan_actions_by_plan ON plan_actions (council_id, plan_id, position);
      CREATE INDEX plan_actions_by_body ON plan_actions (council_id, member_body_id, status);

      CREATE TABLE plan_action_history (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        action_id uuid NOT NULL,
        from_status text NOT NULL,
        to_status text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        changed_by uuid NOT NULL REFERENCES users (id),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, action_id) REFERENCES plan_actions (council_id, id)
      );

      -- 情報提供等協力依頼 (Art. 16): answered once.
      CREATE TABLE info_requests (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        member_body_id uuid NOT NULL,
        question text NOT NULL CHECK (length(question) BETWEEN 1 AND 5000),
        due_on date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL REFERENCES users (id),
        answer text CHECK (length(answer) BETWEEN 1 AND 20000),
        answered_at timestamptz,
        answered_by uuid REFERENCES users (id),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        FOREIGN KEY (council_id, member_body_id) REFERENCES member_bodies (council_id, id),
        CHECK ((answer IS NULL) = (answered_at IS NULL))
      );
      CREATE INDEX info_requests_by_body ON info_requests (council_id, member_body_id, due_on);

      CREATE TRIGGER case_notes_append_only BEFORE UPDATE OR DELETE ON case_notes FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER case_status_history_append_only BEFORE UPDATE OR DELETE ON case_status_history FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER plan_action_history_append_only BEFORE UPDATE OR DELETE ON plan_action_history FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER support_plans_append_only BEFORE UPDATE OR DELETE ON support_plans FOR EACH ROW EXECUTE FUNCTION reject_modification();

      GRANT SELECT, INSERT ON case_status_history, case_notes, support_plans, plan_action_history TO council_app;
      GRANT SELECT, INSERT, UPDATE ON plan_actions, info_requests TO council_app;
    `);
    for (const table of NEW_TENANT_TABLES) {
      await q.query(`
        ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY council_isolation ON ${table}
          USING (council_id = ${CURRENT_COUNCIL}) WITH CHECK (council_id = ${CURRENT_COUNCIL});
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE info_requests, plan_action_history, plan_actions, support_plans, case_notes, case_status_history;
      ALTER TABLE cases DROP COLUMN closed_at, DROP COLUMN closed_meeting_id;
    `);
  }
}

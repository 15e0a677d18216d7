import { MigrationInterface, QueryRunner } from 'typeorm';

const NEW_TENANT_TABLES = [
  'meetings',
  'meeting_cases',
  'meeting_attendees',
  'meeting_external_attendees',
  'minutes',
  'minutes_decisions',
  'minutes_action_items',
  'minutes_action_item_history',
  'minutes_case_reviews',
  'minutes_addenda',
];
const CURRENT_COUNCIL = `NULLIF(current_setting('app.council_id', true), '')::uuid`;

/**
 * The council's meetings (代表者会議 / 実務者会議 / 個別ケース検討会議) and their minutes (議事録).
 *
 * Minutes are records (DESIGN.md §3.7), and the database says so, not only the application:
 * - a draft is saved as a new *revision*: decisions, action items and review outcomes are
 *   inserted under the new revision number and never edited or deleted (the application role has
 *   no DELETE anyway), so even drafts keep their history;
 * - once the minutes row is `final`, a trigger rejects any UPDATE of it and any new decision,
 *   action item or review outcome; an action item's text, owner, due date and case can never
 *   change, only its status (the owning body works through it);
 * - corrections are addenda: append-only rows with a reason and an author.
 * A representatives' meeting can never name a case (§3.7): meeting_cases refuses it, and every
 * case reference in the minutes must point at a case of the meeting (composite foreign keys).
 */
export class Meetings1763780500000 implements MigrationInterface {
  name = 'Meetings1763780500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE meetings (
        council_id uuid NOT NULL REFERENCES councils (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        tier text NOT NULL CHECK (tier IN ('representatives', 'practitioners', 'case_conference')),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        held_at timestamptz NOT NULL,
        place text CHECK (length(place) <= 500),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL REFERENCES users (id),
        PRIMARY KEY (council_id, id)
      );
      CREATE INDEX meetings_by_held_at ON meetings (council_id, held_at, id);

      -- Cases discussed: named by the coordinator, or pulled in from the case ledger as due for review.
      CREATE TABLE meeting_cases (
        council_id uuid NOT NULL,
        meeting_id uuid NOT NULL,
        case_id uuid NOT NULL,
        source text NOT NULL CHECK (source IN ('named', 'due_for_review')),
        PRIMARY KEY (council_id, meeting_id, case_id),
        FOREIGN KEY (council_id, meeting_id) REFERENCES meetings (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id)
      );
      CREATE INDEX meeting_cases_by_case ON meeting_cases (council_id, case_id);

      CREATE FUNCTION meeting_case_allowed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM meetings m WHERE m.council_id = NEW.council_id AND m.id = NEW.meeting_id
                     AND m.tier = 'representatives') THEN
          RAISE EXCEPTION 'a representatives'' meeting cannot name a case' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER meeting_cases_tier BEFORE INSERT ON meeting_cases FOR EACH ROW EXECUTE FUNCTION meeting_case_allowed();

      -- Staff of this council who attended; attendance is what lets agency staff see a meeting.
      CREATE TABLE meeting_attendees (
        council_id uuid NOT NULL,
        meeting_id uuid NOT NULL,
        staff_id uuid NOT NULL,
        PRIMARY KEY (council_id, meeting_id, staff_id),
        FOREIGN KEY (council_id, meeting_id) REFERENCES meetings (council_id, id),
        FOREIGN KEY (council_id, staff_id) REFERENCES staff (council_id, id)
      );
      -- Visibility is decided per attendee: start from the caller's own attendance.
      CREATE INDEX meeting_attendees_by_staff ON meeting_attendees (council_id, staff_id, meeting_id);

      -- People from outside the council (e.g. a specialist), each with their own confidentiality acknowledgement.
      CREATE TABLE meeting_external_attendees (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        meeting_id uuid NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        organisation text NOT NULL CHECK (length(organisation) BETWEEN 1 AND 200),
        acknowledged_at timestamptz NOT NULL,
        recorded_by uuid NOT NULL REFERENCES users (id),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, meeting_id) REFERENCES meetings (council_id, id)
      );
      CREATE INDEX meeting_external_attendees_by_meeting ON meeting_external_attendees (council_id, meeting_id);

      -- 議事録: one per meeting, created empty with it (revision 0).
      CREATE TABLE minutes (
        council_id uuid NOT NULL,
        meeting_id uuid NOT NULL,
        revision integer NOT NULL DEFAULT 0 CHECK (revision >= 0),
        body text NOT NULL DEFAULT '' CHECK (length(body) <= 100000),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'final')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES users (id),
        finalized_at timestamptz,
        finalized_by uuid REFERENCES users (id),
        PRIMARY KEY (council_id, meeting_id),
        FOREIGN KEY (council_id, meeting_id) REFERENCES meetings (council_id, id),
        CHECK ((status = 'final') = (finalized_at IS NOT NULL AND finalized_by IS NOT NULL))
      );

      CREATE TABLE minutes_decisions (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        meeting_id uuid NOT NULL,
        revision integer NOT NULL CHECK (revision >= 1),
        position integer NOT NULL,
        text text NOT NULL CHECK (length(text) BETWEEN 1 AND 5000),
        case_id uuid,
        -- The case's status change this decision made (e.g. closure decided at this meeting).
        status_change_id uuid,
        -- The support plan version this decision produced.
        support_plan_version integer,
        PRIMARY KEY (council_id, id),
        UNIQUE (council_id, meeting_id, revision, position),
        FOREIGN KEY (council_id, meeting_id) REFERENCES minutes (council_id, meeting_id),
        FOREIGN KEY (council_id, meeting_id, case_id) REFERENCES meeting_cases (council_id, meeting_id, case_id),
        FOREIGN KEY (council_id, status_change_id) REFERENCES case_status_history (council_id, id),
        FOREIGN KEY (council_id, case_id, support_plan_version) REFERENCES support_plans (council_id, case_id, version),
        CHECK (case_id IS NOT NULL OR (status_change_id IS NULL AND support_plan_version IS NULL))
      );
      CREATE INDEX minutes_decisions_by_case ON minutes_decisions (council_id, case_id) WHERE case_id IS NOT NULL;

      CREATE TABLE minutes_action_items (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        meeting_id uuid NOT NULL,
        revision integer NOT NULL CHECK (revision >= 1),
        position integer NOT NULL,
        text text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
        member_body_id uuid NOT NULL,
        due_on date NOT NULL,
        case_id uuid,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES users (id),
        PRIMARY KEY (council_id, id),
        UNIQUE (council_id, meeting_id, revision, position),
        FOREIGN KEY (council_id, meeting_id) REFERENCES minutes (council_id, meeting_id),
        FOREIGN KEY (council_id, member_body_id) REFERENCES member_bodies (council_id, id),
        FOREIGN KEY (council_id, meeting_id, case_id) REFERENCES meeting_cases (council_id, meeting_id, case_id)
      );
      -- A body's to-do list across meetings.
      CREATE INDEX minutes_action_items_by_body ON minutes_action_items (council_id, member_body_id, due_on);
      CREATE INDEX minutes_action_items_by_case ON minutes_action_items (council_id, case_id) WHERE case_id IS NOT NULL;
      CREATE INDEX minutes_action_items_by_meeting ON minutes_action_items (council_id, meeting_id, revision);

      CREATE TABLE minutes_action_item_history (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        action_item_id uuid NOT NULL,
        from_status text NOT NULL,
        to_status text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        changed_by uuid NOT NULL REFERENCES users (id),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, action_item_id) REFERENCES minutes_action_items (council_id, id)
      );

      -- 実務者会議: the outcome of each case's progress review.
      CREATE TABLE minutes_case_reviews (
        council_id uuid NOT NULL,
        meeting_id uuid NOT NULL,
        revision integer NOT NULL CHECK (revision >= 1),
        case_id uuid NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('continue', 'revise_plan', 'propose_closure', 'refer_to_case_conference')),
        note text CHECK (length(note) <= 5000),
        next_review_on date,
        PRIMARY KEY (council_id, meeting_id, revision, case_id),
        FOREIGN KEY (council_id, meeting_id) REFERENCES minutes (council_id, meeting_id),
        FOREIGN KEY (council_id, meeting_id, case_id) REFERENCES meeting_cases (council_id, meeting_id, case_id)
      );

      -- Corrections to final minutes: never edited, never deleted.
      CREATE TABLE minutes_addenda (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        meeting_id uuid NOT NULL,
        text text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
        author_user_id uuid NOT NULL REFERENCES users (id),
        author_staff_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, meeting_id) REFERENCES minutes (council_id, meeting_id),
        FOREIGN KEY (council_id, author_staff_id) REFERENCES staff (council_id, id)
      );
      CREATE INDEX minutes_addenda_by_meeting ON minutes_addenda (council_id, meeting_id, created_at);

      CREATE FUNCTION minutes_final_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'final' THEN
          RAISE EXCEPTION 'the minutes of meeting % are final: add an addendum instead', OLD.meeting_id
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER minutes_final BEFORE UPDATE ON minutes FOR EACH ROW EXECUTE FUNCTION minutes_final_is_immutable();
      CREATE TRIGGER minutes_no_delete BEFORE DELETE ON minutes FOR EACH ROW EXECUTE FUNCTION reject_modification();

      -- New content goes into the current draft revision only, never into final minutes.
      CREATE FUNCTION minutes_content_insert_allowed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        m record;
      BEGIN
        SELECT status, revision INTO m FROM minutes WHERE council_id = NEW.council_id AND meeting_id = NEW.meeting_id;
        IF m.status = 'final' THEN
          RAISE EXCEPTION 'the minutes of meeting % are final: add an addendum instead', NEW.meeting_id
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF m.revision IS DISTINCT FROM NEW.revision THEN
          RAISE EXCEPTION 'minutes content must belong to the current revision' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER minutes_decisions_insert BEFORE INSERT ON minutes_decisions FOR EACH ROW EXECUTE FUNCTION minutes_content_insert_allowed();
      CREATE TRIGGER minutes_action_items_insert BEFORE INSERT ON minutes_action_items FOR EACH ROW EXECUTE FUNCTION minutes_content_insert_allowed();
      CREATE TRIGGER minutes_case_reviews_insert BEFORE INSERT ON minutes_case_reviews FOR EACH ROW EXECUTE FUNCTION minutes_content_insert_allowed();

      -- What an action item says and who owns it is part of the record; only its progress moves.
      CREATE FUNCTION minutes_action_item_status_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW.council_id, NEW.id, NEW.meeting_id, NEW.revision, NEW.position, NEW.text, NEW.member_body_id, NEW.due_on, NEW.case_id)
           IS DISTINCT FROM
           (OLD.council_id, OLD.id, OLD.meeting_id, OLD.revision, OLD.position, OLD.text, OLD.member_body_id, OLD.due_on, OLD.case_id) THEN
          RAISE EXCEPTION 'only the status of an action item may change' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER minutes_action_items_status_only BEFORE UPDATE ON minutes_action_items FOR EACH ROW EXECUTE FUNCTION minutes_action_item_status_only();

      CREATE TRIGGER meetings_append_only BEFORE UPDATE OR DELETE ON meetings FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER meeting_cases_append_only BEFORE UPDATE OR DELETE ON meeting_cases FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER meeting_attendees_append_only BEFORE UPDATE OR DELETE ON meeting_attendees FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER meeting_external_attendees_append_only BEFORE UPDATE OR DELETE ON meeting_external_attendees FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER minutes_decisions_append_only BEFORE UPDATE OR DELETE ON minutes_decisions FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER minutes_action_items_no_delete BEFORE DELETE ON minutes_action_items FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER minutes_action_item_history_append_only BEFORE UPDATE OR DELETE ON minutes_action_item_history FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER minutes_case_reviews_append_only BEFORE UPDATE OR DELETE ON minutes_case_reviews FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER minutes_addenda_append_only BEFORE UPDATE OR DELETE ON minutes_addenda FOR EACH ROW EXECUTE FUNCTION reject_modification();

      GRANT SELECT, INSERT ON meetings, meeting_cases, meeting_attendees, meeting_external_attendees,
        minutes_decisions, minutes_action_item_history, minutes_case_reviews, minutes_addenda TO council_app;
      GRANT SELECT, INSERT, UPDATE ON minutes, minutes_action_items TO council_app;
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
      DROP TABLE minutes_addenda, minutes_case_reviews, minutes_action_item_history, minutes_action_items,
        minutes_decisions, minutes, meeting_external_attendees, meeting_attendees, meeting_cases, meetings;
      DROP FUNCTION minutes_action_item_status_only(), minutes_content_insert_allowed(),
        minutes_final_is_immutable(), meeting_case_allowed();
    `);
  }
}

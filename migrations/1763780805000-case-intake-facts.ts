import { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_COUNCIL = `NULLIF(current_setting('app.council_id', true), '')::uuid`;

/** New tenant tables: council_id leads every key; RLS ENABLEd and FORCEd, one permissive policy. */
const NEW_TENANT_TABLES = [
  'case_related_persons',
  'related_person_consents',
  'case_risk_assessments',
  'case_contacts',
  'assignment_basis_reviews',
];

/** Append-only history: rows are never changed or removed (nor truncated). */
const APPEND_ONLY = ['case_risk_assessments', 'case_contacts', 'assignment_basis_reviews'];

/** The closed list of legal bases a statutory assignment names (issue 17 item 7). */
export const STATUTORY_BASIS_CODES = [
  'act_art16',
  'swa_106_6',
  'scsa_9',
  'cwa_25_2',
  'appi_69_2',
  'appi_27_1',
  'other',
] as const;

/**
 * Intake facts about a case (issue 17 items 5–8):
 *
 * - related persons (当事者等: family, carers, close third parties) with their own restricted
 *   (`address`, `phone`) and 要配慮 (`sensitive`) fields in named columns, and the related
 *   person's own consent (`related_person_consents`), which never covers any body on the case:
 *   coverage rests on the case subject's consent only;
 * - the risk level, history kept (`case_risk_assessments`, append-only) and the current level on
 *   the case (`cases.risk_level`) so lists filter and sort by it in SQL;
 * - the contact log (`case_contacts`, append-only; `note` is free text, `sensitive` its 要配慮
 *   flag) and the last reached contact on the case (`cases.last_contact_at`);
 * - the statutory basis with a code, the meeting that decided it (a meeting about that case:
 *   composite foreign key to its case list) and a review date after which it lapses unless
 *   renewed (`assignment_basis_reviews`); v1 statutory assignments become `other` with their
 *   note as the text, and no review date (they do not lapse until one is set by a renewal);
 * - case numbers by 年度 (April–March, in Asia/Tokyo): `case_fiscal_year(timestamptz)` is the one
 *   definition, and the council chooses the format (`2025-0001` or `R7-0001`). The counter row's
 *   `year` is the 年度 from now on; numbers already issued stay as they are, and a counter that
 *   already exists for a year continues, so no number is ever issued twice.
 */
export class CaseIntakeFacts1763780805000 implements MigrationInterface {
  name = 'CaseIntakeFacts1763780805000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE councils
        ADD COLUMN case_number_format text NOT NULL DEFAULT 'western'
          CHECK (case_number_format IN ('western', 'reiwa'));

      CREATE FUNCTION case_fiscal_year(at timestamptz) RETURNS integer
        LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog
        AS $$ SELECT extract(year FROM (at AT TIME ZONE 'Asia/Tokyo') - interval '3 months')::integer $$;

      ALTER TABLE cases
        ADD COLUMN risk_level text CHECK (risk_level IN ('low', 'medium', 'high', 'urgent')),
        ADD COLUMN last_contact_at timestamptz;
      CREATE INDEX cases_risk ON cases (council_id, risk_level) WHERE risk_level IS NOT NULL;

      ALTER TABLE case_assignments
        ADD COLUMN basis_code text CHECK (basis_code IN (${STATUTORY_BASIS_CODES.map((c) => `'${c}'`).join(', ')})),
        ADD COLUMN basis_text text CHECK (length(basis_text) BETWEEN 1 AND 500),
        ADD COLUMN basis_meeting_id uuid,
        ADD COLUMN review_on date,
        ADD CONSTRAINT case_assignments_basis_meeting_discussed
          FOREIGN KEY (council_id, basis_meeting_id, case_id) REFERENCES meeting_cases (council_id, meeting_id, case_id);
    `);
    // v1 statutory assignments: basis "other" with their note (per council: RLS binds the owner too).
    const councils = (await q.query(`SELECT id FROM councils`)) as { id: string }[];
    for (const { id } of councils) {
      await q.query(`SELECT set_config('app.council_id', $1, true)`, [id]);
      await q.query(
        `UPDATE case_assignments SET basis_code = 'other', basis_text = left(basis_note, 500)
          WHERE council_id = $1 AND basis = 'statutory'`,
        [id],
      );
    }
    await q.query(`SELECT set_config('app.council_id', '', true)`);
    await q.query(`
      ALTER TABLE case_assignments
        -- A statutory row written without a code (a v1 writer) reads as "other" with its note.
        ADD CONSTRAINT case_assignments_basis_code CHECK (basis = 'statutory' OR basis_code IS NULL),
        ADD CONSTRAINT case_assignments_basis_other_text CHECK (basis_code IS DISTINCT FROM 'other' OR basis_text IS NOT NULL),
        ADD CONSTRAINT case_assignments_review_statutory CHECK (review_on IS NULL OR basis = 'statutory'),
        ADD CONSTRAINT case_assignments_meeting_statutory CHECK (basis_meeting_id IS NULL OR basis = 'statutory');
      -- The worklist's lapsing bases and the coverage check read this.
      CREATE INDEX case_assignments_review ON case_assignments (council_id, review_on) WHERE ended_at IS NULL AND review_on IS NOT NULL;

      CREATE TABLE assignment_basis_reviews (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        assignment_id uuid NOT NULL,
        case_id uuid NOT NULL,
        previous_review_on date,
        review_on date NOT NULL,
        renewed_at timestamptz NOT NULL DEFAULT now(),
        renewed_by uuid NOT NULL REFERENCES users (id),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, assignment_id) REFERENCES case_assignments (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id)
      );
      CREATE INDEX assignment_basis_reviews_by_assignment ON assignment_basis_reviews (council_id, assignment_id, renewed_at);

      -- 当事者等: family, carers, close third parties of the case subject.
      CREATE TABLE case_related_persons (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        relation text NOT NULL CHECK (relation IN ('spouse', 'parent', 'child', 'sibling', 'grandparent',
          'grandchild', 'other_relative', 'carer', 'neighbour', 'friend', 'other')),
        relation_text text CHECK (length(relation_text) BETWEEN 1 AND 200),
        family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
        given_name text CHECK (length(given_name) BETWEEN 1 AND 100),
        family_name_kana text CHECK (length(family_name_kana) <= 100),
        given_name_kana text CHECK (length(given_name_kana) <= 100),
        birth_date date,
        -- Restricted like the subject's: coordinators and full-scope bodies only.
        address text CHECK (length(address) <= 500),
        phone text CHECK (length(phone) <= 50),
        -- 要配慮個人情報 (never to limited scope); to be encrypted with the case's key (issue 19).
        sensitive jsonb,
        supported boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL REFERENCES users (id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid NOT NULL REFERENCES users (id),
        PRIMARY KEY (council_id, id),
        UNIQUE (council_id, case_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        CHECK (relation <> 'other' OR relation_text IS NOT NULL)
      );
      CREATE INDEX case_related_persons_by_case ON case_related_persons (council_id, case_id, created_at);

      -- A related person's own consent, when they are supported too. It names the bodies it
      -- allows sharing *their* information with; it never covers a body on the case.
      CREATE TABLE related_person_consents (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        related_person_id uuid NOT NULL,
        member_body_ids uuid[] NOT NULL CHECK (cardinality(member_body_ids) BETWEEN 1 AND 50),
        method text NOT NULL CHECK (method IN ('written', 'verbal')),
        obtained_on date NOT NULL,
        expires_on date CHECK (expires_on >= obtained_on),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        recorded_by uuid NOT NULL REFERENCES users (id),
        withdrawn_on date CHECK (withdrawn_on >= obtained_on),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, case_id, related_person_id) REFERENCES case_related_persons (council_id, case_id, id)
      );
      CREATE INDEX related_person_consents_by_person ON related_person_consents (council_id, related_person_id);

      -- Risk level history; the current level is copied onto the case.
      CREATE TABLE case_risk_assessments (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        level text NOT NULL CHECK (level IN ('low', 'medium', 'high', 'urgent')),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
        set_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        set_by uuid NOT NULL REFERENCES users (id),
        set_by_body_id uuid,
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        FOREIGN KEY (council_id, set_by_body_id) REFERENCES member_bodies (council_id, id)
      );
      CREATE INDEX case_risk_assessments_by_case ON case_risk_assessments (council_id, case_id, set_at);

      -- The contact log. \`note\` is free text (to be encrypted with the case's key, issue 19);
      -- \`sensitive\` marks it 要配慮 (never to limited scope).
      CREATE TABLE case_contacts (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        member_body_id uuid NOT NULL,
        at timestamptz NOT NULL,
        channel text NOT NULL CHECK (channel IN ('visit', 'phone', 'message', 'meeting', 'other')),
        reached boolean NOT NULL,
        note text CHECK (length(note) BETWEEN 1 AND 10000),
        sensitive boolean NOT NULL DEFAULT false,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        recorded_by uuid NOT NULL REFERENCES users (id),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        FOREIGN KEY (council_id, member_body_id) REFERENCES member_bodies (council_id, id)
      );
      CREATE INDEX case_contacts_by_case ON case_contacts (council_id, case_id, at);

      GRANT SELECT, INSERT, UPDATE ON case_related_persons, related_person_consents TO council_app;
      GRANT SELECT, INSERT ON case_risk_assessments, case_contacts, assignment_basis_reviews TO council_app;
    `);
    for (const table of NEW_TENANT_TABLES) {
      await q.query(`
        ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY council_isolation ON ${table}
          USING (council_id = ${CURRENT_COUNCIL}) WITH CHECK (council_id = ${CURRENT_COUNCIL});
      `);
    }
    for (const table of APPEND_ONLY) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION reject_modification();
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE case_contacts, case_risk_assessments, related_person_consents, case_related_persons,
                 assignment_basis_reviews;
      DROP INDEX case_assignments_review;
      ALTER TABLE case_assignments
        DROP CONSTRAINT case_assignments_meeting_statutory, DROP CONSTRAINT case_assignments_review_statutory,
        DROP CONSTRAINT case_assignments_basis_other_text, DROP CONSTRAINT case_assignments_basis_code,
        DROP CONSTRAINT case_assignments_basis_meeting_discussed,
        DROP COLUMN review_on, DROP COLUMN basis_meeting_id, DROP COLUMN basis_text, DROP COLUMN basis_code;
      DROP INDEX cases_risk;
      ALTER TABLE cases DROP COLUMN last_contact_at, DROP COLUMN risk_level;
      DROP FUNCTION case_fiscal_year(timestamptz);
      ALTER TABLE councils DROP COLUMN case_number_format;
    `);
  }
}

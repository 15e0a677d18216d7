import { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_COUNCIL = `NULLIF(pg_catalog.current_setting('app.council_id', true), '')::uuid`;

const KINDS_BEFORE = `'municipality', 'social_welfare_council', 'npo', 'public_health',
  'welfare_commissioner', 'medical', 'housing', 'employment', 'education', 'police', 'other'`;

/**
 * Intake (issue 17, part A):
 *
 * - member bodies of kind `individual` (a professional who belongs as a person, 施行規則 Art. 1
 *   "関係機関等"); a trigger refuses designating one as the coordinating body (Art. 17(1) names a
 *   body, never a person), so the rule holds whatever writes the row;
 * - case links: a coordinator records that two cases are the same person. A link never merges
 *   the records (HMIS's lesson); undoing it keeps the row with who undid it and why;
 * - referrals: a member body brings a person to the council. The subject is personal data with
 *   the same fields as a case; triage decides it once (accepted → a new case, merged → an
 *   existing case, declined with a reason);
 * - the public notice (公示) as an act: every publication is a frozen version of what was
 *   published, append-only; `councils.notice_published_at` marks a council that has published
 *   (the register lists councils across tenants, so the mark lives on the council row).
 */
export class IntakeLinksNotice1763780800000 implements MigrationInterface {
  name = 'IntakeLinksNotice1763780800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE member_bodies DROP CONSTRAINT member_bodies_kind_check;
      ALTER TABLE member_bodies ADD CONSTRAINT member_bodies_kind_check
        CHECK (kind IN (${KINDS_BEFORE}, 'individual'));

      CREATE FUNCTION public.coordinating_body_not_individual() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $fn$
      BEGIN
        IF EXISTS (SELECT 1 FROM public.member_bodies mb
                    WHERE mb.council_id = NEW.council_id AND mb.id = NEW.member_body_id AND mb.kind = 'individual') THEN
          RAISE EXCEPTION 'an individual member cannot be the coordinating body' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
      END $fn$;
      CREATE TRIGGER coordinating_body_not_individual BEFORE INSERT ON coordinating_body_designations
        FOR EACH ROW EXECUTE FUNCTION public.coordinating_body_not_individual();

      CREATE TABLE case_links (
        council_id uuid NOT NULL REFERENCES councils (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        other_case_id uuid NOT NULL,
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL REFERENCES users (id),
        unlinked_at timestamptz,
        unlinked_by uuid REFERENCES users (id),
        unlink_reason text CHECK (length(unlink_reason) BETWEEN 1 AND 2000),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        FOREIGN KEY (council_id, other_case_id) REFERENCES cases (council_id, id),
        CHECK (case_id <> other_case_id),
        CHECK ((unlinked_at IS NULL) = (unlinked_by IS NULL) AND (unlinked_at IS NULL) = (unlink_reason IS NULL))
      );
      -- One active link per pair, whichever case it was made from.
      CREATE UNIQUE INDEX case_links_one_active_per_pair
        ON case_links (council_id, LEAST(case_id, other_case_id), GREATEST(case_id, other_case_id))
        WHERE unlinked_at IS NULL;
      CREATE INDEX case_links_by_case ON case_links (council_id, case_id);
      CREATE INDEX case_links_by_other_case ON case_links (council_id, other_case_id);

      CREATE TABLE referrals (
        council_id uuid NOT NULL REFERENCES councils (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        member_body_id uuid NOT NULL,
        submitted_by uuid NOT NULL REFERENCES users (id),
        submitted_at timestamptz NOT NULL DEFAULT now(),
        family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
        given_name text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
        family_name_kana text CHECK (length(family_name_kana) <= 100),
        given_name_kana text CHECK (length(given_name_kana) <= 100),
        birth_date date,
        gender text CHECK (gender IN ('female', 'male', 'other', 'unknown')),
        address text CHECK (length(address) <= 500),
        phone text CHECK (length(phone) <= 50),
        sensitive jsonb,
        summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 10000),
        concerns text[] NOT NULL CHECK (cardinality(concerns) >= 1),
        urgency text NOT NULL CHECK (urgency IN ('low', 'medium', 'high', 'urgent')),
        consent_method text CHECK (consent_method IN ('written', 'verbal')),
        consent_obtained_on date,
        consent_body_ids uuid[],
        status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'declined', 'merged')),
        decided_at timestamptz,
        decided_by uuid REFERENCES users (id),
        decision_reason text CHECK (length(decision_reason) <= 2000),
        case_id uuid,
        -- Accepted: whether the submitting body was assigned, or why not.
        assignment_outcome text CHECK (assignment_outcome IN ('assigned', 'no_consent', 'consent_not_naming_body', 'body_not_current')),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, member_body_id) REFERENCES member_bodies (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        CHECK ((consent_method IS NULL) = (consent_obtained_on IS NULL)),
        CHECK ((consent_method IS NULL) = (consent_body_ids IS NULL)),
        CHECK ((status = 'submitted') = (decided_at IS NULL)),
        CHECK ((decided_at IS NULL) = (decided_by IS NULL)),
        CHECK ((status IN ('accepted', 'merged')) = (case_id IS NOT NULL)),
        CHECK ((status = 'accepted') = (assignment_outcome IS NOT NULL)),
        CHECK (status <> 'declined' OR decision_reason IS NOT NULL)
      );
      CREATE INDEX referrals_by_body ON referrals (council_id, member_body_id, submitted_at);
      CREATE INDEX referrals_awaiting ON referrals (council_id, submitted_at) WHERE status = 'submitted';

      CREATE TABLE public_notice_publications (
        council_id uuid NOT NULL REFERENCES councils (id),
        version integer NOT NULL CHECK (version >= 1),
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by uuid NOT NULL REFERENCES users (id),
        content jsonb NOT NULL,
        PRIMARY KEY (council_id, version)
      );
      CREATE TRIGGER public_notice_publications_append_only BEFORE UPDATE OR DELETE ON public_notice_publications
        FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER public_notice_publications_no_truncate BEFORE TRUNCATE ON public_notice_publications
        FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();

      ALTER TABLE councils ADD COLUMN notice_published_at timestamptz;
      CREATE INDEX councils_published ON councils (created_at, id) WHERE notice_published_at IS NOT NULL;

      GRANT SELECT, INSERT ON case_links TO council_app;
      GRANT UPDATE (unlinked_at, unlinked_by, unlink_reason) ON case_links TO council_app;
      GRANT SELECT, INSERT ON referrals TO council_app;
      GRANT UPDATE (status, decided_at, decided_by, decision_reason, case_id, assignment_outcome) ON referrals TO council_app;
      GRANT SELECT, INSERT ON public_notice_publications TO council_app;
    `);
    for (const table of ['case_links', 'referrals', 'public_notice_publications']) {
      await q.query(`
        ALTER TABLE public.${table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE public.${table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY council_isolation ON public.${table}
          USING (council_id = ${CURRENT_COUNCIL}) WITH CHECK (council_id = ${CURRENT_COUNCIL});
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX councils_published;
      ALTER TABLE councils DROP COLUMN notice_published_at;
      DROP TABLE public_notice_publications, referrals, case_links;
      DROP TRIGGER coordinating_body_not_individual ON coordinating_body_designations;
      DROP FUNCTION public.coordinating_body_not_individual();
      ALTER TABLE member_bodies DROP CONSTRAINT member_bodies_kind_check;
      ALTER TABLE member_bodies ADD CONSTRAINT member_bodies_kind_check CHECK (kind IN (${KINDS_BEFORE}));
    `);
  }
}

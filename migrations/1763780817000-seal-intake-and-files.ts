import { MigrationInterface, QueryRunner } from 'typeorm';

/** The related person's personal fields sealed under the case's data key, each in `<col>_sealed`. */
export const RELATED_PERSON_SEALED = [
  'family_name',
  'given_name',
  'family_name_kana',
  'given_name_kana',
  'birth_date',
  'address',
  'phone',
  'sensitive',
] as const;

/**
 * The rest of issue 19's encryption at rest (docs/security.md "Encryption at rest"):
 *
 * - `case_contacts.note_sealed`, `case_risk_assessments.reason_sealed` and the related person's
 *   personal fields (`case_related_persons.<col>_sealed`: names, kana, birth date, address,
 *   phone, `sensitive`; nothing searches them) under the case's data key. New rows are written
 *   only sealed; the plain columns stay for rows written before, read when the sealed one is
 *   NULL, until `data:seal` seals them.
 * - The contact log and the risk history stay append-only (a trigger), with two exceptions:
 *   moving a legacy row's plain text to its sealed column (`data:seal`), and blanking both once
 *   the case was disposed of.
 * - The same for note bodies (`case_notes`), whose trigger already allowed the blanking.
 * - `attachments.content_sealed`: the stored bytes are sealed (chunked AES-256-GCM under the
 *   case's data key, or the meeting's for a meeting's files); false for files stored before.
 *   `content_destroyed_at`: the case was disposed of and its files removed from the storage.
 */
export class SealIntakeAndFiles1763780817000 implements MigrationInterface {
  name = 'SealIntakeAndFiles1763780817000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION sealed_log_guard() RETURNS trigger LANGUAGE plpgsql
        SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE
        plain text := TG_ARGV[0];
        sealed text := TG_ARGV[1];
        o jsonb := to_jsonb(OLD);
        n jsonb;
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          n := to_jsonb(NEW);
          IF (n - plain - sealed) = (o - plain - sealed) THEN
            -- data:seal: a row written before envelope encryption gets its text sealed (issue 19).
            IF o ->> plain IS NOT NULL AND o ->> sealed IS NULL
               AND n ->> plain IS NULL AND n ->> sealed IS NOT NULL THEN
              RETURN NEW;
            END IF;
            -- Disposal: the text of a disposed case's row may be blanked, nothing else.
            IF n ->> plain IS NULL AND n ->> sealed IS NULL
               AND EXISTS (SELECT 1 FROM public.cases c WHERE c.council_id = OLD.council_id
                              AND c.id = OLD.case_id AND c.disposed_at IS NOT NULL) THEN
              RETURN NEW;
            END IF;
          END IF;
        END IF;
        RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$;

      ALTER TABLE case_contacts ADD COLUMN note_sealed bytea;
      DROP TRIGGER case_contacts_append_only ON case_contacts;
      CREATE TRIGGER case_contacts_append_only BEFORE UPDATE OR DELETE ON case_contacts
        FOR EACH ROW EXECUTE FUNCTION sealed_log_guard('note', 'note_sealed');
      GRANT UPDATE (note, note_sealed) ON case_contacts TO council_app;

      ALTER TABLE case_risk_assessments
        ADD COLUMN reason_sealed bytea,
        ALTER COLUMN reason DROP NOT NULL;
      DROP TRIGGER case_risk_assessments_append_only ON case_risk_assessments;
      CREATE TRIGGER case_risk_assessments_append_only BEFORE UPDATE OR DELETE ON case_risk_assessments
        FOR EACH ROW EXECUTE FUNCTION sealed_log_guard('reason', 'reason_sealed');
      GRANT UPDATE (reason, reason_sealed) ON case_risk_assessments TO council_app;

      ALTER TABLE case_related_persons
        ${RELATED_PERSON_SEALED.map((c) => `ADD COLUMN ${c}_sealed bytea,`).join('\n        ')}
        ALTER COLUMN family_name DROP NOT NULL,
        ADD CONSTRAINT case_related_persons_named CHECK (family_name IS NOT NULL OR family_name_sealed IS NOT NULL);

      CREATE OR REPLACE FUNCTION case_notes_only_raise_sensitivity() RETURNS trigger LANGUAGE plpgsql
        SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NOT OLD.sensitive AND NEW.sensitive
           AND (to_jsonb(NEW) - 'sensitive' - 'sensitive_raised_at' - 'sensitive_raised_by')
             = (to_jsonb(OLD) - 'sensitive' - 'sensitive_raised_at' - 'sensitive_raised_by') THEN
          RETURN NEW;
        END IF;
        -- data:seal (issue 19): a body written before envelope encryption moves to body_sealed.
        IF TG_OP = 'UPDATE' AND OLD.body IS NOT NULL AND OLD.body_sealed IS NULL
           AND NEW.body IS NULL AND NEW.body_sealed IS NOT NULL
           AND (to_jsonb(NEW) - 'body' - 'body_sealed') = (to_jsonb(OLD) - 'body' - 'body_sealed') THEN
          RETURN NEW;
        END IF;
        -- Disposal (issue 19): the body of a note of a disposed case may be blanked, nothing else.
        IF TG_OP = 'UPDATE' AND NEW.body IS NULL AND NEW.body_sealed IS NULL
           AND (to_jsonb(NEW) - 'body' - 'body_sealed') = (to_jsonb(OLD) - 'body' - 'body_sealed')
           AND EXISTS (SELECT 1 FROM public.cases c WHERE c.council_id = OLD.council_id AND c.id = OLD.case_id
                          AND c.disposed_at IS NOT NULL) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION '% on case_notes is not allowed: notes are append-only (only raising sensitivity is)', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$;

      ALTER TABLE attachments
        ADD COLUMN content_sealed boolean NOT NULL DEFAULT false,
        ADD COLUMN content_destroyed_at timestamptz;
      -- data:seal moves a legacy file to a sealed copy under a new key; disposal blanks the name.
      GRANT UPDATE (storage_key, content_sealed, content_destroyed_at, file_name) ON attachments TO council_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      REVOKE UPDATE (storage_key, content_sealed, content_destroyed_at, file_name) ON attachments FROM council_app;
      ALTER TABLE attachments DROP COLUMN content_destroyed_at, DROP COLUMN content_sealed;
      ALTER TABLE case_related_persons
        DROP CONSTRAINT case_related_persons_named,
        ${RELATED_PERSON_SEALED.map((c) => `DROP COLUMN ${c}_sealed`).join(', ')};
      REVOKE UPDATE (reason, reason_sealed) ON case_risk_assessments FROM council_app;
      DROP TRIGGER case_risk_assessments_append_only ON case_risk_assessments;
      CREATE TRIGGER case_risk_assessments_append_only BEFORE UPDATE OR DELETE ON case_risk_assessments
        FOR EACH ROW EXECUTE FUNCTION reject_modification();
      ALTER TABLE case_risk_assessments DROP COLUMN reason_sealed;
      REVOKE UPDATE (note, note_sealed) ON case_contacts FROM council_app;
      DROP TRIGGER case_contacts_append_only ON case_contacts;
      CREATE TRIGGER case_contacts_append_only BEFORE UPDATE OR DELETE ON case_contacts
        FOR EACH ROW EXECUTE FUNCTION reject_modification();
      ALTER TABLE case_contacts DROP COLUMN note_sealed;
      DROP FUNCTION sealed_log_guard();
    `);
  }
}

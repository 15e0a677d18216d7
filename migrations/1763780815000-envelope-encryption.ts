import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Envelope encryption, retention and disposal (issue 19; docs/security.md "Encryption at rest").
 *
 * - `data_keys`: one random AES-256 data key per case (and per meeting, for its minutes), stored
 *   only wrapped by the key-encryption key (KEK) from configuration, with the KEK's id. Rotation
 *   re-wraps (`kek_id`, `wrapped` change); disposal destroys (`wrapped` → NULL), and a destroyed
 *   key can never come back (trigger). No DELETE: the row stays as the record that it existed.
 * - Sealed columns beside the plain ones: `cases.sensitive_sealed`, `case_notes.body_sealed`,
 *   `minutes.body_sealed`. New content is written only sealed (the plain column stays NULL or
 *   empty); rows written before this migration stay readable until `data:seal` seals them.
 * - Disposal keeps the skeleton: `cases.disposed_at/by/rule`; notes may lose their body (plain
 *   and sealed) once their case is disposed of, and nothing else (the append-only trigger).
 * - Legal holds and per-council retention schedules.
 */
export class EnvelopeEncryption1763780815000 implements MigrationInterface {
  name = 'EnvelopeEncryption1763780815000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE data_keys (
        council_id uuid NOT NULL REFERENCES councils (id),
        owner_type text NOT NULL CHECK (owner_type IN ('case', 'meeting')),
        owner_id uuid NOT NULL,
        kek_id text CHECK (kek_id ~ '^[0-9a-f]{16}$'),
        wrapped bytea CHECK (length(wrapped) BETWEEN 29 AND 128),
        created_at timestamptz NOT NULL DEFAULT now(),
        rewrapped_at timestamptz,
        destroyed_at timestamptz,
        PRIMARY KEY (council_id, owner_type, owner_id),
        CHECK ((destroyed_at IS NULL) = (wrapped IS NOT NULL AND kek_id IS NOT NULL))
      );
      CREATE INDEX data_keys_by_kek ON data_keys (kek_id) WHERE kek_id IS NOT NULL;
      ALTER TABLE data_keys ENABLE ROW LEVEL SECURITY;
      ALTER TABLE data_keys FORCE ROW LEVEL SECURITY;
      CREATE POLICY council_isolation ON data_keys
        USING (council_id = NULLIF(current_setting('app.council_id', true), '')::uuid)
        WITH CHECK (council_id = NULLIF(current_setting('app.council_id', true), '')::uuid);
      CREATE FUNCTION data_keys_no_resurrection() RETURNS trigger LANGUAGE plpgsql
        SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR OLD.destroyed_at IS NOT NULL
           OR NEW.council_id <> OLD.council_id OR NEW.owner_type <> OLD.owner_type
           OR NEW.owner_id <> OLD.owner_id OR NEW.created_at <> OLD.created_at THEN
          RAISE EXCEPTION 'a data key may be re-wrapped or destroyed, nothing else (and never restored)'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER data_keys_guard BEFORE UPDATE OR DELETE ON data_keys
        FOR EACH ROW EXECUTE FUNCTION data_keys_no_resurrection();
      CREATE TRIGGER data_keys_no_truncate BEFORE TRUNCATE ON data_keys
        FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();
      GRANT SELECT, INSERT ON data_keys TO council_app;
      GRANT UPDATE (kek_id, wrapped, rewrapped_at, destroyed_at) ON data_keys TO council_app;

      ALTER TABLE cases
        ADD COLUMN sensitive_sealed bytea,
        ADD COLUMN disposed_at timestamptz,
        ADD COLUMN disposed_by uuid REFERENCES users (id),
        ADD COLUMN disposal_rule text CHECK (length(disposal_rule) <= 200);

      ALTER TABLE case_notes
        ADD COLUMN body_sealed bytea,
        ALTER COLUMN body DROP NOT NULL;
      CREATE OR REPLACE FUNCTION case_notes_only_raise_sensitivity() RETURNS trigger LANGUAGE plpgsql
        SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NOT OLD.sensitive AND NEW.sensitive
           AND (to_jsonb(NEW) - 'sensitive' - 'sensitive_raised_at' - 'sensitive_raised_by')
             = (to_jsonb(OLD) - 'sensitive' - 'sensitive_raised_at' - 'sensitive_raised_by') THEN
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
      GRANT UPDATE (body, body_sealed) ON case_notes TO council_app;

      ALTER TABLE minutes ADD COLUMN body_sealed bytea;

      -- 訴訟ホールド: blocks disposal while in force (released_at NULL and until not passed).
      CREATE TABLE legal_holds (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
        until date,
        placed_by uuid NOT NULL REFERENCES users (id),
        placed_at timestamptz NOT NULL DEFAULT now(),
        released_by uuid REFERENCES users (id),
        released_at timestamptz,
        release_reason text CHECK (length(release_reason) <= 2000),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        CHECK ((released_at IS NULL) = (released_by IS NULL))
      );
      CREATE INDEX legal_holds_by_case ON legal_holds (council_id, case_id);
      ALTER TABLE legal_holds ENABLE ROW LEVEL SECURITY;
      ALTER TABLE legal_holds FORCE ROW LEVEL SECURITY;
      CREATE POLICY council_isolation ON legal_holds
        USING (council_id = NULLIF(current_setting('app.council_id', true), '')::uuid)
        WITH CHECK (council_id = NULLIF(current_setting('app.council_id', true), '')::uuid);
      GRANT SELECT, INSERT ON legal_holds TO council_app;
      GRANT UPDATE (released_by, released_at, release_reason) ON legal_holds TO council_app;

      -- 文書管理規程: how many 年度 after the one a record closed in it is kept, per record class.
      CREATE TABLE retention_schedules (
        council_id uuid NOT NULL REFERENCES councils (id),
        record_class text NOT NULL
          CHECK (record_class IN ('closed_cases', 'minutes', 'audit_events', 'attachments', 'login_history')),
        years integer NOT NULL CHECK (years BETWEEN 1 AND 100),
        updated_by uuid NOT NULL REFERENCES users (id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (council_id, record_class)
      );
      ALTER TABLE retention_schedules ENABLE ROW LEVEL SECURITY;
      ALTER TABLE retention_schedules FORCE ROW LEVEL SECURITY;
      CREATE POLICY council_isolation ON retention_schedules
        USING (council_id = NULLIF(current_setting('app.council_id', true), '')::uuid)
        WITH CHECK (council_id = NULLIF(current_setting('app.council_id', true), '')::uuid);
      GRANT SELECT, INSERT ON retention_schedules TO council_app;
      GRANT UPDATE (years, updated_by, updated_at) ON retention_schedules TO council_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE retention_schedules, legal_holds;
      ALTER TABLE minutes DROP COLUMN body_sealed;
      REVOKE UPDATE (body, body_sealed) ON case_notes FROM council_app;
      ALTER TABLE case_notes DROP COLUMN body_sealed, ALTER COLUMN body SET NOT NULL;
      ALTER TABLE cases DROP COLUMN disposal_rule, DROP COLUMN disposed_by, DROP COLUMN disposed_at,
        DROP COLUMN sensitive_sealed;
      DROP TABLE data_keys;
      DROP FUNCTION data_keys_no_resurrection();
    `);
  }
}

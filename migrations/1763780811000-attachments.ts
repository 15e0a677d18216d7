import { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_COUNCIL = `NULLIF(current_setting('app.council_id', true), '')::uuid`;

/**
 * Files on cases, consents (the signed 同意書), information requests (documents sent with an
 * answer) and meetings (issue 18 item 3). The bytes live in the file storage (a directory or an
 * S3-compatible bucket) under `storage_key`; this row is the record: which parent it belongs to
 * (visible exactly when the parent is, DESIGN.md §3.9), the type sniffed from its bytes, size and
 * SHA-256 (so a backup of files can be checked against the database). Files are kept, never
 * changed: the application may add rows and set a consent form's confirmation once.
 */
export class Attachments1763780811000 implements MigrationInterface {
  name = 'Attachments1763780811000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attachments (
        council_id uuid NOT NULL REFERENCES councils (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        parent_type text NOT NULL CHECK (parent_type IN ('case', 'consent', 'info_request', 'meeting')),
        parent_id uuid NOT NULL,
        -- The case a file is about (its own case, or its consent's / request's); none for meetings.
        case_id uuid,
        -- 要配慮: a file on a case marked sensitive is read under the sensitive-note rule.
        sensitive boolean NOT NULL DEFAULT false,
        file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
        content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/tiff')),
        size_bytes bigint NOT NULL CHECK (size_bytes > 0),
        sha256 bytea NOT NULL CHECK (length(sha256) = 32),
        storage_key text NOT NULL CHECK (length(storage_key) BETWEEN 1 AND 300),
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        uploaded_by uuid NOT NULL REFERENCES users (id),
        member_body_id uuid,
        confirmed_at timestamptz,
        confirmed_by uuid REFERENCES users (id),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        FOREIGN KEY (council_id, member_body_id) REFERENCES member_bodies (council_id, id),
        CHECK ((parent_type = 'meeting') = (case_id IS NULL)),
        CHECK (parent_type <> 'case' OR parent_id = case_id),
        CHECK ((confirmed_at IS NULL) = (confirmed_by IS NULL)),
        CHECK (confirmed_at IS NULL OR parent_type = 'consent')
      );
      CREATE UNIQUE INDEX attachments_storage_key ON attachments (storage_key);
      CREATE INDEX attachments_by_parent ON attachments (council_id, parent_type, parent_id, uploaded_at);

      ALTER TABLE attachments ENABLE ROW LEVEL SECURITY;
      ALTER TABLE attachments FORCE ROW LEVEL SECURITY;
      CREATE POLICY council_isolation ON attachments
        USING (council_id = ${CURRENT_COUNCIL}) WITH CHECK (council_id = ${CURRENT_COUNCIL});

      GRANT SELECT, INSERT ON attachments TO council_app;
      GRANT UPDATE (confirmed_at, confirmed_by) ON attachments TO council_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE attachments`);
  }
}

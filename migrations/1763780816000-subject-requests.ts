import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's requests about their own data (APPI: 開示・訂正・利用停止・削除; issue 19). The free
 * text (the note taken at receipt, the decision's reason, an extension's reason) is sealed under
 * the case's data key (`*_sealed`), so it goes with the case's content when that is disposed
 * of; the request itself — kind, dates, decision — stays as the record that it was answered.
 */
export class SubjectRequests1763780816000 implements MigrationInterface {
  name = 'SubjectRequests1763780816000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subject_requests (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('disclosure', 'correction', 'stop_use', 'deletion')),
        received_on date NOT NULL,
        channel text NOT NULL CHECK (channel IN ('in_person', 'mail', 'email', 'phone', 'online', 'other')),
        controller text NOT NULL CHECK (controller IN ('municipality', 'member_body')),
        note_sealed bytea,
        -- NULL: "without delay" (a private member body, APPI Art. 33); else the statutory day.
        deadline_on date,
        extended_until date,
        extension_reason_sealed bytea,
        status text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'extended', 'decided')),
        decision text CHECK (decision IN ('granted', 'partly_granted', 'refused')),
        decided_on date,
        decision_reason_sealed bytea,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        CHECK ((status = 'decided') = (decision IS NOT NULL AND decided_on IS NOT NULL)),
        CHECK (extended_until IS NULL OR (deadline_on IS NOT NULL AND extended_until > deadline_on)),
        CHECK (deadline_on IS NULL OR deadline_on > received_on)
      );
      CREATE INDEX subject_requests_by_case ON subject_requests (council_id, case_id, received_on);
      CREATE INDEX subject_requests_open ON subject_requests (council_id, deadline_on) WHERE status <> 'decided';
      ALTER TABLE subject_requests ENABLE ROW LEVEL SECURITY;
      ALTER TABLE subject_requests FORCE ROW LEVEL SECURITY;
      CREATE POLICY council_isolation ON subject_requests
        USING (council_id = NULLIF(current_setting('app.council_id', true), '')::uuid)
        WITH CHECK (council_id = NULLIF(current_setting('app.council_id', true), '')::uuid);
      GRANT SELECT, INSERT ON subject_requests TO council_app;
      GRANT UPDATE (extended_until, extension_reason_sealed, status, decision, decided_on, decision_reason_sealed,
                    note_sealed, updated_at) ON subject_requests TO council_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE subject_requests`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_COUNCIL = `NULLIF(current_setting('app.council_id', true), '')::uuid`;

/**
 * Signed checkpoints of each council's audit chain (Ed25519 over {councilId, seq, hash, at}),
 * and the counters that keep failed-login floods out of the log (one event per account and
 * source per window, with the count kept here).
 */
export class AuditCheckpoints1763780400000 implements MigrationInterface {
  name = 'AuditCheckpoints1763780400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_checkpoints (
        council_id uuid NOT NULL REFERENCES councils (id),
        seq bigint NOT NULL,
        hash bytea NOT NULL,
        at timestamptz NOT NULL,
        signature bytea NOT NULL,
        public_key text NOT NULL,
        created_by uuid REFERENCES users (id),
        PRIMARY KEY (council_id, seq)
      );
      CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
        FOR EACH ROW EXECUTE FUNCTION reject_modification();
      GRANT SELECT, INSERT ON audit_checkpoints TO council_app;
      ALTER TABLE audit_checkpoints ENABLE ROW LEVEL SECURITY;
      ALTER TABLE audit_checkpoints FORCE ROW LEVEL SECURITY;
      CREATE POLICY council_isolation ON audit_checkpoints
        USING (council_id = ${CURRENT_COUNCIL}) WITH CHECK (council_id = ${CURRENT_COUNCIL});

      -- Not council data (a login precedes any council): keyed by the e-mail's hash and source.
      CREATE TABLE login_failure_windows (
        email_key bytea NOT NULL,
        source_ip text NOT NULL,
        window_started_at timestamptz NOT NULL,
        failures integer NOT NULL,
        last_failure_at timestamptz NOT NULL,
        PRIMARY KEY (email_key, source_ip)
      );
      GRANT SELECT, INSERT, UPDATE ON login_failure_windows TO council_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_failure_windows, audit_checkpoints;`);
  }
}

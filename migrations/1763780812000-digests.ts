import { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_COUNCIL = `NULLIF(current_setting('app.council_id', true), '')::uuid`;

/**
 * The daily digest (issue 18 item 2). `users.daily_digest` is the person's opt-out (one switch
 * for all their councils). `digest_deliveries` holds one row per council, person and day (the
 * council's calendar day): the row is inserted in the same council transaction that counts the
 * worklist, sends the mail and writes the audit event, so however many instances run the job a
 * person gets one mail per council and day (the second insert waits for the first transaction and
 * then finds the row); a failed send rolls the row back and a later run tries again.
 */
export class Digests1763780812000 implements MigrationInterface {
  name = 'Digests1763780812000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users ADD COLUMN daily_digest boolean NOT NULL DEFAULT true;
      GRANT UPDATE (daily_digest) ON public.users TO council_app;

      CREATE TABLE digest_deliveries (
        council_id uuid NOT NULL REFERENCES councils (id),
        user_id uuid NOT NULL REFERENCES users (id),
        day date NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (council_id, user_id, day)
      );
      ALTER TABLE digest_deliveries ENABLE ROW LEVEL SECURITY;
      ALTER TABLE digest_deliveries FORCE ROW LEVEL SECURITY;
      CREATE POLICY council_isolation ON digest_deliveries
        USING (council_id = ${CURRENT_COUNCIL}) WITH CHECK (council_id = ${CURRENT_COUNCIL});
      GRANT SELECT, INSERT ON digest_deliveries TO council_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE digest_deliveries;
      REVOKE UPDATE (daily_digest) ON public.users FROM council_app;
      ALTER TABLE users DROP COLUMN daily_digest;
    `);
  }
}

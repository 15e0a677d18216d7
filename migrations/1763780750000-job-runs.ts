import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per periodic job and interval that ran (src/database/leader.ts): however many
 * instances share the database, a job such as the audit checkpoints runs once per interval.
 * Not council data: job names and times only. The application may add rows, never change or
 * remove them.
 */
export class JobRuns1763780750000 implements MigrationInterface {
  name = 'JobRuns1763780750000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE job_runs (
        job text NOT NULL CHECK (job ~ '^[a-z][a-z0-9_.-]{0,62}$'),
        slot_start timestamptz NOT NULL,
        interval_ms bigint NOT NULL CHECK (interval_ms > 0),
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        instance text NOT NULL CHECK (length(instance) <= 200),
        PRIMARY KEY (job, slot_start)
      );
      GRANT SELECT, INSERT ON job_runs TO council_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_runs`);
  }
}

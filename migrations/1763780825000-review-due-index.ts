import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The coordinator's worklist asks every open case whose review is due within N days
 * (`review_due`, issue 18), and the case list filters by `reviewDueBefore`. Without an index
 * that was a scan of the council's cases: 69 ms of the worklist's ~110 ms at 200,000 cases
 * (bench/worklist.bench.ts with BENCH_PG_STATEMENTS=1). Only open cases have a review to come.
 */
export class ReviewDueIndex1763780825000 implements MigrationInterface {
  name = 'ReviewDueIndex1763780825000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX cases_review_due ON cases (council_id, review_due_on) WHERE status = 'open'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cases_review_due`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A council's own time zone (issue 18 item 5). Dates that mean a day in Japan — "today", due
 * dates, 年度 boundaries — are the database's `current_date` and `AT TIME ZONE
 * current_setting('TimeZone')`; every council transaction now sets `TimeZone` from this column
 * (NULL: the server's TIME_ZONE, Asia/Tokyo by default), so all of them follow the council.
 * The application checks the name against pg_timezone_names before writing it; the CHECK here
 * only keeps the column to the shape of an IANA name, so no statement text can ride in it.
 */
export class CouncilTimeZone1763780810000 implements MigrationInterface {
  name = 'CouncilTimeZone1763780810000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE councils ADD COLUMN time_zone text
        CHECK (time_zone IS NULL OR time_zone ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$' AND length(time_zone) <= 64);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE councils DROP COLUMN time_zone`);
  }
}

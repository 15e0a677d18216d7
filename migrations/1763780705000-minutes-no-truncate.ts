import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables that make up a meeting's record (DESIGN.md §3.7), as of Meetings1763780500000. */
const RECORD_TABLES = [
  'meetings',
  'meeting_cases',
  'meeting_attendees',
  'meeting_external_attendees',
  'minutes',
  'minutes_decisions',
  'minutes_action_items',
  'minutes_action_item_history',
  'minutes_case_reviews',
  'minutes_addenda',
];

/**
 * Finalised minutes never change (DESIGN.md §3.7), and their row triggers refuse UPDATE and
 * DELETE, but a row trigger does not fire on TRUNCATE: the owner (or a superuser) could still
 * empty the minutes, decisions or addenda with `TRUNCATE … CASCADE`. A statement trigger
 * refuses that, as it already does for the audit log and the security log.
 */
export class MinutesNoTruncate1763780705000 implements MigrationInterface {
  name = 'MinutesNoTruncate1763780705000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of RECORD_TABLES) {
      await q.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION reject_modification()`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of RECORD_TABLES) {
      await q.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
    }
  }
}

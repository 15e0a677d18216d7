import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attendance records the member body the attendee acted for (issue 12). Until now a meeting
 * was matched to its attendees on `staff_id` alone, so a staff record moved to another body
 * carried its old attendance — and the minutes of the old body's cases — along with it. Now an
 * attendance counts only while the staff record is in force for the SAME body
 * (src/access/subject-sql.ts, `meetingAttendanceSql`).
 *
 * Existing rows are backfilled from the staff record's body as it stands (the best record there
 * is). The table is append-only and under FORCEd row-level security, so the backfill runs per
 * council with `app.council_id` set and the append-only trigger off for this one statement.
 */
export class AttendanceBody1763780710000 implements MigrationInterface {
  name = 'AttendanceBody1763780710000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE meeting_attendees ADD COLUMN member_body_id uuid;
      ALTER TABLE meeting_attendees DISABLE TRIGGER meeting_attendees_append_only;
      DO $$
      DECLARE
        c uuid;
      BEGIN
        FOR c IN SELECT id FROM councils LOOP
          PERFORM set_config('app.council_id', c::text, true);
          UPDATE meeting_attendees ma SET member_body_id = st.member_body_id
            FROM staff st
           WHERE st.council_id = ma.council_id AND st.id = ma.staff_id AND ma.member_body_id IS NULL;
        END LOOP;
        PERFORM set_config('app.council_id', '', true);
      END $$;
      ALTER TABLE meeting_attendees ENABLE TRIGGER meeting_attendees_append_only;
      ALTER TABLE meeting_attendees ALTER COLUMN member_body_id SET NOT NULL;
      ALTER TABLE meeting_attendees ADD CONSTRAINT meeting_attendees_member_body_fk
        FOREIGN KEY (council_id, member_body_id) REFERENCES member_bodies (council_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE meeting_attendees DROP CONSTRAINT meeting_attendees_member_body_fk;
      ALTER TABLE meeting_attendees DROP COLUMN member_body_id;
    `);
  }
}

import { AttendanceBody1763780710000 } from '../../migrations/1763780710000-attendance-body';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil, TestCouncil } from '../support/factories';

/**
 * Attendance records the member body the attendee acted for (issue 12). The migration backfills
 * existing attendance from the staff records, as the owner role — which row-level security
 * binds too (FORCE) — on a table whose rows an append-only trigger otherwise protects.
 */
describe('meeting attendance: the body acted for', () => {
  let t: TestApp;
  const councils: TestCouncil[] = [];
  const meetings: string[] = [];
  /** A meeting of the first council that its agency staff did not attend. */
  let spare: string;
  const as = actingAs(() => t);

  const attendance = async () =>
    (
      await t.db.superuser.query(
        `SELECT ma.council_id, ma.staff_id, ma.member_body_id, st.member_body_id AS staff_body
           FROM meeting_attendees ma JOIN staff st ON st.council_id = ma.council_id AND st.id = ma.staff_id
          WHERE ma.meeting_id = ANY($1::uuid[]) ORDER BY ma.council_id, ma.staff_id`,
        [meetings],
      )
    ).rows as { member_body_id: string | null; staff_body: string }[];

  beforeAll(async () => {
    t = await createTestApp();
    // Two councils, so the backfill has to reach past each council's row-level security.
    for (let i = 0; i < 2; i++) {
      const c = await createCouncil(t, ['coordinator', 'agency_staff']);
      councils.push(c);
      const res = await as(c.staff[0], 'post', `/api/councils/${c.councilId}/meetings`, {
        tier: 'representatives',
        title: '代表者会議',
        heldAt: '2026-06-10T10:00:00+09:00',
        attendeeStaffIds: c.staff.map((s) => s.staffId),
      });
      expect(res.status).toBe(201);
      meetings.push(res.body.id as string);
    }
    const c = councils[0];
    const res = await as(c.staff[0], 'post', `/api/councils/${c.councilId}/meetings`, {
      tier: 'representatives',
      title: '代表者会議',
      heldAt: '2026-07-10T10:00:00+09:00',
      attendeeStaffIds: [],
    });
    expect(res.status).toBe(201);
    spare = res.body.id as string;
  });
  afterAll(async () => {
    await t.close();
  });

  it('records the staff record’s body at the time of the meeting', async () => {
    const rows = await attendance();
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r.member_body_id).toBe(r.staff_body);
  });

  it('is backfilled from the staff records by the migration, as the owner, in every council', async () => {
    const sut = new AttendanceBody1763780710000();
    const client = await t.db.owner.connect();
    const runner = { query: (sql: string) => client.query(sql) } as never;
    try {
      await client.query('BEGIN');
      await sut.down(runner);
      await sut.up(runner);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
    const rows = await attendance();
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r.member_body_id).toBe(r.staff_body);
    // Append-only again, NOT NULL, and only bodies of the council.
    const [c] = councils;
    await expect(
      t.db.superuser.query(`UPDATE meeting_attendees SET member_body_id = member_body_id`),
    ).rejects.toThrow(/append-only/);
    await expect(
      t.db.superuser.query(
        `INSERT INTO meeting_attendees (council_id, meeting_id, staff_id) VALUES ($1, $2, $3)`,
        [c.councilId, spare, c.staff[1].staffId],
      ),
    ).rejects.toThrow(/null value/);
    await expect(
      t.db.superuser.query(
        `INSERT INTO meeting_attendees (council_id, meeting_id, staff_id, member_body_id) VALUES ($1, $2, $3, $4)`,
        [c.councilId, spare, c.staff[1].staffId, councils[1].memberBodyId],
      ),
    ).rejects.toThrow(/foreign key/);
  });
});

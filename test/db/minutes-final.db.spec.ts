import { SESSION_OPTIONS } from '../support/database';
import { Pool } from 'pg';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil, createUser, TestStaff, TestUser } from '../support/factories';

type Role = 'superuser' | 'owner' | 'app';
const ROLES: Role[] = ['superuser', 'owner', 'app'];

interface Column {
  table: string;
  column: string;
  type: string;
}

/**
 * The record of one meeting, table by table, and how to select the meeting's rows in each
 * ($1 = council, $2 = meeting). Every table here is part of the minutes as finalised.
 */
const RECORD: Record<string, string> = {
  meetings: 'council_id = $1 AND id = $2',
  meeting_cases: 'council_id = $1 AND meeting_id = $2',
  meeting_attendees: 'council_id = $1 AND meeting_id = $2',
  meeting_external_attendees: 'council_id = $1 AND meeting_id = $2',
  minutes: 'council_id = $1 AND meeting_id = $2',
  minutes_decisions: 'council_id = $1 AND meeting_id = $2',
  minutes_action_items: 'council_id = $1 AND meeting_id = $2',
  minutes_action_item_history: `council_id = $1 AND action_item_id IN
    (SELECT id FROM minutes_action_items WHERE council_id = $1 AND meeting_id = $2)`,
  minutes_case_reviews: 'council_id = $1 AND meeting_id = $2',
  minutes_addenda: 'council_id = $1 AND meeting_id = $2',
};

/** The columns of an action item its owning body moves along (PATCH /action-items/:id). */
const ACTION_ITEM_PROGRESS = ['status', 'updated_at', 'updated_by'];

/**
 * How each attempt ends, as a short word: `changed n` (rows), or why it was refused — by the
 * final-minutes trigger, an append-only trigger, the action items' status-only trigger, or the
 * lack of a privilege. Anything else (a constraint, a foreign key) is spelled out: it is not
 * the protection under test.
 */
function outcomeOf(result: { rowCount: number | null } | (Error & { code?: string })): string {
  if (!(result instanceof Error)) return `changed ${result.rowCount}`;
  if (result.code === '42501') {
    if (/permission denied/.test(result.message)) return 'no privilege';
    if (/are final/.test(result.message)) return 'final';
    if (/append-only/.test(result.message)) return 'append-only';
    if (/only the status/.test(result.message)) return 'status only';
  }
  return `error ${result.code}: ${result.message}`;
}

/**
 * DESIGN.md §3.7: finalised minutes never change; corrections are addenda. Checked column by
 * column from the catalogue, as a database administrator (superuser), as the owner and as the
 * application role, on the minutes of a practitioners' meeting made final through the API.
 */
describe('final minutes in the database', () => {
  let t: TestApp;
  let app: Pool;
  let councilId: string;
  let coordinator: TestStaff;
  let other: TestUser;
  let meetingId: string;
  let draftMeetingId: string;
  let itemId: string;
  let columns: Column[];

  const as = actingAs(() => t);
  const base = () => `/api/councils/${councilId}`;
  const pool = (role: Role): Pool =>
    role === 'superuser' ? t.db.superuser : role === 'owner' ? t.db.owner : app;

  /** Runs `sql` as `role` in the meeting's council, always rolled back; says how it ended. */
  async function attempt(role: Role, sql: string, params: unknown[] = []): Promise<string> {
    const client = await pool(role).connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.council_id', $1, true)`, [councilId]);
      try {
        return outcomeOf(await client.query(sql, params));
      } catch (error) {
        return outcomeOf(error as Error & { code?: string });
      }
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  /** The meeting's whole record, every table, every row, as a database administrator sees it. */
  async function record(meeting: string): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [table, where] of Object.entries(RECORD)) {
      const { rows } = await t.db.superuser.query<{ rows: unknown }>(
        `SELECT coalesce(json_agg(to_jsonb(x) ORDER BY to_jsonb(x)::text), '[]') AS rows
           FROM ${table} x WHERE ${where}`,
        [councilId, meeting],
      );
      out[table] = rows[0].rows;
    }
    return out;
  }

  /** A value of the column's type that differs from whatever the row holds. */
  function differentValue({ table, column, type }: Column): string {
    const col = `"${column}"`;
    const special: Record<string, string> = {
      'minutes.status': `'draft'`,
      'minutes_action_items.status': `CASE WHEN status = 'done' THEN 'open' ELSE 'done' END`,
      'minutes_action_items.updated_by': `'${other.id}'::uuid`,
    };
    const value = special[`${table}.${column}`];
    if (value) return value;
    switch (type) {
      case 'uuid':
        return 'gen_random_uuid()';
      case 'integer':
      case 'bigint':
      case 'smallint':
        return `coalesce(${col}, 0) + 1`;
      case 'text':
        return `coalesce(${col}, '') || '改'`;
      case 'timestamp with time zone':
        return `coalesce(${col}, now()) - interval '1 day'`;
      case 'date':
        return `coalesce(${col}, current_date) - 1`;
      case 'boolean':
        return `NOT coalesce(${col}, false)`;
      case 'jsonb':
        return `'{"changed": true}'::jsonb`;
      case 'bytea':
        return `coalesce(${col}, ''::bytea) || '\\x00'::bytea`;
      default:
        throw new Error(`no different value for ${table}.${column} of type ${type}`);
    }
  }

  beforeAll(async () => {
    t = await createTestApp();
    app = new Pool({ connectionString: t.db.appUrl, max: 2, options: SESSION_OPTIONS });
    const c = await createCouncil(t, ['coordinator']);
    councilId = c.councilId;
    [coordinator] = c.staff;
    other = await createUser(t);

    const created = await as(coordinator, 'post', `${base()}/cases`, {
      subject: { familyName: '議事', givenName: '花子' },
      summary: 's',
      concerns: ['isolation'],
    });
    expect(created.status).toBe(201);
    const caseId = created.body.id as string;
    const plan = await as(coordinator, 'post', `${base()}/cases/${caseId}/plans`, {
      goals: [{ text: '見守り' }],
      actions: [],
    });
    expect(plan.status).toBe(201);

    const meeting = await as(coordinator, 'post', `${base()}/meetings`, {
      tier: 'practitioners',
      title: '実務者会議',
      heldAt: '2025-06-10T14:00:00+09:00',
      place: '市役所',
      caseIds: [caseId],
      attendeeStaffIds: [coordinator.staffId],
      externalAttendees: [
        { name: '学識 一郎', organisation: '桜ヶ丘大学', confidentialityAcknowledged: true },
      ],
    });
    expect(meeting.status).toBe(201);
    meetingId = meeting.body.id as string;
    const closed = await as(coordinator, 'post', `${base()}/cases/${caseId}/close`, {
      reason: '支援終結',
      meetingId,
    });
    expect(closed.status).toBe(200);
    const minutes = {
      decisions: [
        { text: '終結とする', caseId, statusChange: 'closed' },
        { text: '計画どおり', caseId, supportPlanVersion: 1 },
        { text: '次回は7月' },
      ],
      // About no case: the case was closed at this meeting, and a closed case has no body
      // covered on it that could own an item about it (422 OWNER_NOT_COVERED).
      actionItems: [{ text: '記録を引き継ぐ', memberBodyId: c.memberBodyId, dueOn: '2025-07-01' }],
      reviews: [
        { caseId, outcome: 'propose_closure', note: '経過良好', nextReviewOn: '2025-09-01' },
      ],
    };
    // Two revisions, so superseded draft content is part of the record too.
    for (const body of ['初稿', '確定稿']) {
      const put = await as(coordinator, 'put', `${base()}/meetings/${meetingId}/minutes`, {
        body,
        ...minutes,
      });
      expect(put.status).toBe(200);
      itemId = put.body.actionItems[0].id as string;
    }
    const final = await as(coordinator, 'post', `${base()}/meetings/${meetingId}/minutes/finalize`);
    expect(final.status).toBe(200);
    expect(final.body.status).toBe('final');
    const addendum = await as(
      coordinator,
      'post',
      `${base()}/meetings/${meetingId}/minutes/addenda`,
      {
        text: '次回は8月の誤り',
        reason: '記載誤り',
      },
    );
    expect(addendum.status).toBe(201);
    const moved = await as(coordinator, 'patch', `${base()}/action-items/${itemId}`, {
      status: 'in_progress',
    });
    expect(moved.status).toBe(200);

    const draft = await as(coordinator, 'post', `${base()}/meetings`, {
      tier: 'representatives',
      title: '代表者会議',
      heldAt: '2025-06-11T10:00:00+09:00',
      caseIds: [],
      attendeeStaffIds: [coordinator.staffId],
    });
    expect(draft.status).toBe(201);
    draftMeetingId = draft.body.id as string;

    const { rows } = await t.db.superuser.query<Column>(
      `SELECT table_name AS table, column_name AS column, data_type AS type
         FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = ANY ($1)
        ORDER BY table_name, ordinal_position`,
      [Object.keys(RECORD)],
    );
    columns = rows;
  });
  afterAll(async () => {
    await app.end();
    await t.close();
  });

  it('has every row of the record in place (the checks below are not vacuous)', async () => {
    const r = (await record(meetingId)) as Record<string, unknown[]>;
    expect(
      Object.fromEntries(Object.entries(r).map(([table, rows]) => [table, rows.length])),
    ).toEqual({
      meetings: 1,
      meeting_cases: 1,
      meeting_attendees: 1,
      meeting_external_attendees: 1,
      minutes: 1,
      minutes_decisions: 6,
      minutes_action_items: 2,
      minutes_action_item_history: 1,
      minutes_case_reviews: 2,
      minutes_addenda: 1,
    });
    expect(r.minutes).toEqual([expect.objectContaining({ status: 'final', revision: 2 })]);
    expect(new Set(columns.map((c) => c.table))).toEqual(new Set(Object.keys(RECORD)));
  });

  it('refuses every column of final minutes a new value, status = draft included, whoever asks', async () => {
    const before = await record(meetingId);
    const minutesColumns = columns.filter((c) => c.table === 'minutes');
    expect(minutesColumns.map((c) => c.column)).toEqual(
      expect.arrayContaining(['body', 'status', 'revision', 'finalized_at', 'finalized_by']),
    );
    const seen: string[] = [];
    const expected: string[] = [];
    for (const role of ROLES) {
      for (const c of minutesColumns) {
        const outcome = await attempt(
          role,
          `UPDATE minutes SET "${c.column}" = ${differentValue(c)} WHERE ${RECORD.minutes}`,
          [councilId, meetingId],
        );
        seen.push(`${role} ${c.column}: ${outcome}`);
        expected.push(`${role} ${c.column}: final`);
      }
    }
    expect(seen).toEqual(expected);
    expect(await record(meetingId)).toEqual(before);
  });

  it('refuses turning final minutes back into a draft, even with every constraint satisfied', async () => {
    const before = await record(meetingId);
    for (const role of ROLES) {
      expect(
        await attempt(
          role,
          `UPDATE minutes SET status = 'draft', finalized_at = NULL, finalized_by = NULL,
                  body = '書き換え', revision = revision + 1
            WHERE ${RECORD.minutes}`,
          [councilId, meetingId],
        ),
      ).toBe('final');
      // Even an UPDATE that changes nothing: the row is closed.
      expect(
        await attempt(role, `UPDATE minutes SET body = body WHERE ${RECORD.minutes}`, [
          councilId,
          meetingId,
        ]),
      ).toBe('final');
    }
    expect(await record(meetingId)).toEqual(before);
  });

  it('refuses every column of decisions, reviews, addenda, attendance and the meeting; of action items all but their progress', async () => {
    const before = await record(meetingId);
    const seen: string[] = [];
    const expected: string[] = [];
    for (const role of ROLES) {
      for (const c of columns.filter((x) => x.table !== 'minutes')) {
        // One action item (its progress may move); every row of the other tables.
        const item = c.table === 'minutes_action_items';
        const outcome = await attempt(
          role,
          `UPDATE ${c.table} SET "${c.column}" = ${differentValue(c)}
            WHERE ${item ? 'council_id = $1 AND id = $2' : RECORD[c.table]}`,
          [councilId, item ? itemId : meetingId],
        );
        seen.push(`${role} ${c.table}.${c.column}: ${outcome}`);
        let refusal: string;
        if (c.table === 'minutes_action_items')
          refusal = ACTION_ITEM_PROGRESS.includes(c.column) ? 'changed 1' : 'status only';
        else refusal = role === 'app' ? 'no privilege' : 'append-only';
        expected.push(`${role} ${c.table}.${c.column}: ${refusal}`);
      }
    }
    expect(seen).toEqual(expected);
    expect(await record(meetingId)).toEqual(before);
  });

  it('refuses DELETE and TRUNCATE of any part of the record', async () => {
    const before = await record(meetingId);
    const seen: string[] = [];
    const expected: string[] = [];
    for (const role of ROLES) {
      for (const [table, where] of Object.entries(RECORD)) {
        seen.push(
          `${role} DELETE ${table}: ${await attempt(role, `DELETE FROM ${table} WHERE ${where}`, [councilId, meetingId])}`,
          `${role} TRUNCATE ${table}: ${await attempt(role, `TRUNCATE ${table} CASCADE`)}`,
        );
        const refusal = role === 'app' ? 'no privilege' : 'append-only';
        expected.push(
          `${role} DELETE ${table}: ${refusal}`,
          `${role} TRUNCATE ${table}: ${refusal}`,
        );
      }
    }
    expect(seen).toEqual(expected);
    expect(await record(meetingId)).toEqual(before);
  });

  it('refuses new decisions, action items and review outcomes for final minutes, of any revision', async () => {
    const before = await record(meetingId);
    const copies: Record<string, string> = {
      minutes_decisions: `INSERT INTO minutes_decisions (council_id, meeting_id, revision, position, text, case_id)
        SELECT council_id, meeting_id, revision, position + 100, '追記', case_id FROM minutes_decisions
         WHERE council_id = $1 AND meeting_id = $2 AND revision = $3 LIMIT 1`,
      minutes_action_items: `INSERT INTO minutes_action_items (council_id, meeting_id, revision, position, text, member_body_id, due_on, case_id)
        SELECT council_id, meeting_id, revision, position + 100, '追記', member_body_id, due_on, case_id FROM minutes_action_items
         WHERE council_id = $1 AND meeting_id = $2 AND revision = $3 LIMIT 1`,
      minutes_case_reviews: `INSERT INTO minutes_case_reviews (council_id, meeting_id, revision, case_id, outcome)
        SELECT council_id, meeting_id, revision + 10, case_id, 'continue' FROM minutes_case_reviews
         WHERE council_id = $1 AND meeting_id = $2 AND revision = $3 LIMIT 1`,
    };
    const seen: string[] = [];
    const expected: string[] = [];
    for (const role of ROLES) {
      for (const [table, sql] of Object.entries(copies)) {
        for (const revision of [1, 2]) {
          seen.push(
            `${role} ${table} r${revision}: ${await attempt(role, sql, [councilId, meetingId, revision])}`,
          );
          expected.push(`${role} ${table} r${revision}: final`);
        }
      }
    }
    expect(seen).toEqual(expected);
    expect(await record(meetingId)).toEqual(before);
  });

  it('still takes an addendum, and lets a draft be edited (the refusals are about finality)', async () => {
    for (const role of ROLES) {
      expect(
        await attempt(
          role,
          `INSERT INTO minutes_addenda (council_id, meeting_id, text, reason, author_user_id)
           VALUES ($1, $2, '訂正', '誤記', $3)`,
          [councilId, meetingId, coordinator.id],
        ),
      ).toBe('changed 1');
      expect(
        await attempt(role, `UPDATE minutes SET body = '下書き' WHERE ${RECORD.minutes}`, [
          councilId,
          draftMeetingId,
        ]),
      ).toBe('changed 1');
    }
  });

  describe('through the API', () => {
    it('answers 409 MINUTES_FINAL to a new draft and to finalising again, and changes nothing', async () => {
      const before = await record(meetingId);
      const put = await as(coordinator, 'put', `${base()}/meetings/${meetingId}/minutes`, {
        body: '改ざん',
        decisions: [{ text: '改ざん' }],
        actionItems: [],
        reviews: [],
      });
      expect(put.status).toBe(409);
      expect(put.body.code).toBe('MINUTES_FINAL');
      const again = await as(
        coordinator,
        'post',
        `${base()}/meetings/${meetingId}/minutes/finalize`,
      );
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('MINUTES_FINAL');
      expect(await record(meetingId)).toEqual(before);
      const read = await as(coordinator, 'get', `${base()}/meetings/${meetingId}/minutes`);
      expect(read.body).toMatchObject({ status: 'final', revision: 2, body: '確定稿' });
    });

    it('moves an action item of final minutes along, changing its progress and nothing else', async () => {
      const before = (await record(meetingId)) as Record<string, Record<string, unknown>[]>;
      const res = await as(coordinator, 'patch', `${base()}/action-items/${itemId}`, {
        status: 'done',
      });
      expect(res.status).toBe(200);
      const after = (await record(meetingId)) as Record<string, Record<string, unknown>[]>;
      const withoutProgress = (rows: Record<string, unknown>[]) =>
        rows.map((r) =>
          Object.fromEntries(Object.entries(r).filter(([k]) => !ACTION_ITEM_PROGRESS.includes(k))),
        );
      expect(withoutProgress(after.minutes_action_items)).toEqual(
        withoutProgress(before.minutes_action_items),
      );
      expect(after.minutes_action_items.find((i) => i.id === itemId)).toMatchObject({
        status: 'done',
        updated_by: coordinator.id,
      });
      expect(after.minutes_action_item_history).toHaveLength(2);
      const others = (r: Record<string, unknown>) =>
        Object.entries(r).filter(([table]) => !table.startsWith('minutes_action_item'));
      expect(others(after)).toEqual(others(before));
    });
  });
});

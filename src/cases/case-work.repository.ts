import { Injectable } from '@nestjs/common';
import { CouncilScope } from '../access/council-scope';
import { policySql } from '../access/sql-filter';

export interface NoteRow {
  id: string;
  caseId: string;
  /** Plain text only for notes written before envelope encryption (issue 19). */
  body: string | null;
  /** The body sealed under the case's data key (src/crypto/case-cipher.ts). */
  bodySealed: Buffer | null;
  correctsNoteId: string | null;
  authorUserId: string;
  authorRole: string;
  memberBodyId: string;
  sensitive: boolean;
  createdAt: Date;
}

export interface PlanRow {
  id: string;
  caseId: string;
  version: number;
  goals: { text: string }[];
  createdAt: Date;
  createdBy: string;
}

export interface ActionRow {
  id: string;
  planId: string;
  caseId: string;
  position: number;
  text: string;
  memberBodyId: string;
  dueOn: string;
  status: 'open' | 'in_progress' | 'done';
  updatedAt: Date;
}

export interface InfoRequestRow {
  id: string;
  caseId: string;
  caseNumber: string;
  familyName: string;
  givenName: string;
  memberBodyId: string;
  question: string;
  dueOn: string;
  createdAt: Date;
  answer: string | null;
  answeredAt: Date | null;
  overdue: boolean;
}

const NOTE_COLUMNS = `id, case_id AS "caseId", body, body_sealed AS "bodySealed", corrects_note_id AS "correctsNoteId", author_user_id AS "authorUserId",
  author_role AS "authorRole", member_body_id AS "memberBodyId", sensitive, created_at AS "createdAt"`;

const PLAN_COLUMNS = `id, case_id AS "caseId", version, goals, created_at AS "createdAt", created_by AS "createdBy"`;

/** Queries for the work on a case: status history, notes, plans, actions, information requests. */
@Injectable()
export class CaseWorkRepository {
  // ---- status --------------------------------------------------------------------------

  async setStatus(
    s: CouncilScope,
    caseId: string,
    status: 'open' | 'closed',
    reason: string,
    meetingId: string | null,
    by: string,
  ): Promise<void> {
    await s.query(
      'set_status',
      `UPDATE cases SET status = $3, closed_at = CASE WHEN $3 = 'closed' THEN now() END,
              closed_meeting_id = CASE WHEN $3 = 'closed' THEN $4::uuid END, updated_at = now()
        WHERE council_id = $1 AND id = $2`,
      [s.councilId, caseId, status, meetingId],
    );
    await s.query(
      'set_status',
      `INSERT INTO case_status_history (council_id, case_id, status, reason, meeting_id, changed_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.councilId, caseId, status, reason, meetingId, by],
    );
  }

  async statusHistory(
    s: CouncilScope,
    caseId: string,
  ): Promise<
    {
      status: string;
      reason: string;
      meetingId: string | null;
      changedAt: Date;
      changedBy: string;
    }[]
  > {
    return (await s.query(
      'status_history',
      `SELECT status, reason, meeting_id AS "meetingId", changed_at AS "changedAt", changed_by AS "changedBy"
         FROM case_status_history WHERE council_id = $1 AND case_id = $2 ORDER BY changed_at, id`,
      [s.councilId, caseId],
    )) as {
      status: string;
      reason: string;
      meetingId: string | null;
      changedAt: Date;
      changedBy: string;
    }[];
  }

  /** Whether the meeting is one of this council's that discussed the case (closing at a meeting). */
  async meetingDiscussed(s: CouncilScope, meetingId: string, caseId: string): Promise<boolean> {
    const rows = (await s.query(
      'meeting_discussed',
      `SELECT 1 FROM meeting_cases WHERE council_id = $1 AND meeting_id = $2 AND case_id = $3`,
      [s.councilId, meetingId, caseId],
    )) as unknown[];
    return rows.length > 0;
  }

  // ---- notes ---------------------------------------------------------------------------

  async insertNote(
    s: CouncilScope,
    n: {
      caseId: string;
      bodySealed: Buffer;
      correctsNoteId: string | null;
      authorUserId: string;
      authorRole: string;
      memberBodyId: string;
      sensitive: boolean;
    },
  ): Promise<NoteRow> {
    const rows = (await s.query(
      'insert_note',
      `INSERT INTO case_notes (council_id, case_id, body_sealed, corrects_note_id, author_user_id, author_role, member_body_id, sensitive)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${NOTE_COLUMNS}`,
      [
        s.councilId,
        n.caseId,
        n.bodySealed,
        n.correctsNoteId,
        n.authorUserId,
        n.authorRole,
        n.memberBodyId,
        n.sensitive,
      ],
    )) as NoteRow[];
    return rows[0];
  }

  /** The case's notes the caller may read (policy as SQL: limited scope never gets sensitive ones). */
  async notes(s: CouncilScope, caseId: string): Promise<NoteRow[]> {
    const params: unknown[] = [s.councilId, caseId];
    const allowed = policySql(s.principal.ability, 'read', 'Note', 'n', params);
    return (await s.query(
      'notes',
      `SELECT ${NOTE_COLUMNS} FROM case_notes n
        WHERE n.council_id = $1 AND n.case_id = $2 AND ${allowed} ORDER BY n.created_at, n.id`,
      params,
    )) as NoteRow[];
  }

  /** Raises a note's sensitivity (the only change a note accepts; the trigger enforces it). */
  async markSensitive(s: CouncilScope, noteId: string, by: string): Promise<NoteRow> {
    const rows = await s.query<NoteRow>(
      'note_mark_sensitive',
      `UPDATE case_notes SET sensitive = true, sensitive_raised_at = now(), sensitive_raised_by = $3
        WHERE council_id = $1 AND id = $2 RETURNING ${NOTE_COLUMNS}`,
      [s.councilId, noteId, by],
    );
    return rows[0];
  }

  // ---- plans ---------------------------------------------------------------------------

  async insertPlan(
    s: CouncilScope,
    caseId: string,
    goals: { text: string }[],
    by: string,
  ): Promise<PlanRow> {
    const rows = (await s.query(
      'insert_plan',
      `INSERT INTO support_plans (council_id, case_id, version, goals, created_by)
       VALUES ($1, $2, COALESCE((SELECT max(version) FROM support_plans WHERE council_id = $1 AND case_id = $2), 0) + 1, $3, $4)
       RETURNING ${PLAN_COLUMNS}`,
      [s.councilId, caseId, JSON.stringify(goals), by],
    )) as PlanRow[];
    return rows[0];
  }

  async insertAction(
    s: CouncilScope,
    a: {
      planId: string;
      caseId: string;
      position: number;
      text: string;
      memberBodyId: string;
      dueOn: string;
    },
  ): Promise<void> {
    await s.query(
      'insert_action',
      `INSERT INTO plan_actions (council_id, plan_id, case_id, position, text, member_body_id, due_on) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.councilId, a.planId, a.caseId, a.position, a.text, a.memberBodyId, a.dueOn],
    );
  }

  async plans(s: CouncilScope, caseId: string): Promise<PlanRow[]> {
    return (await s.query(
      'plans',
      `SELECT ${PLAN_COLUMNS}
         FROM support_plans WHERE council_id = $1 AND case_id = $2 ORDER BY version DESC`,
      [s.councilId, caseId],
    )) as PlanRow[];
  }

  async actions(s: CouncilScope, planIds: string[]): Promise<ActionRow[]> {
    return (await s.query(
      'actions',
      `SELECT id, plan_id AS "planId", case_id AS "caseId", position, text, member_body_id AS "memberBodyId", due_on AS "dueOn",
              status, updated_at AS "updatedAt"
         FROM plan_actions WHERE council_id = $1 AND plan_id = ANY($2::uuid[]) ORDER BY position`,
      [s.councilId, planIds],
    )) as ActionRow[];
  }

  async setActionStatus(
    s: CouncilScope,
    action: ActionRow,
    status: string,
    by: string,
  ): Promise<void> {
    await s.query(
      'set_action_status',
      `UPDATE plan_actions SET status = $3, updated_at = now(), updated_by = $4 WHERE council_id = $1 AND id = $2`,
      [s.councilId, action.id, status, by],
    );
    await s.query(
      'set_action_status',
      `INSERT INTO plan_action_history (council_id, action_id, from_status, to_status, changed_by) VALUES ($1, $2, $3, $4, $5)`,
      [s.councilId, action.id, action.status, status, by],
    );
  }

  // ---- information requests ------------------------------------------------------------

  async insertInfoRequest(
    s: CouncilScope,
    r: { caseId: string; memberBodyId: string; question: string; dueOn: string },
    by: string,
  ): Promise<string> {
    const rows = (await s.query(
      'insert_info_request',
      `INSERT INTO info_requests (council_id, case_id, member_body_id, question, due_on, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [s.councilId, r.caseId, r.memberBodyId, r.question, r.dueOn, by],
    )) as { id: string }[];
    return rows[0].id;
  }

  /** Requests the caller may read (policy as SQL), with only the case's name and number. */
  async infoRequests(
    s: CouncilScope,
    filter: { caseId?: string; requestId?: string; overdue?: boolean },
  ): Promise<InfoRequestRow[]> {
    const params: unknown[] = [
      s.councilId,
      filter.caseId ?? null,
      filter.requestId ?? null,
      filter.overdue ?? false,
    ];
    const allowed = policySql(s.principal.ability, 'read', 'InfoRequest', 'r', params);
    return (await s.query(
      'info_requests',
      `SELECT r.id, r.case_id AS "caseId", c.case_number AS "caseNumber", c.family_name AS "familyName", c.given_name AS "givenName",
              r.member_body_id AS "memberBodyId", r.question, r.due_on AS "dueOn", r.created_at AS "createdAt",
              r.answer, r.answered_at AS "answeredAt", (r.answered_at IS NULL AND r.due_on < current_date) AS overdue
         FROM info_requests r JOIN cases c ON c.council_id = r.council_id AND c.id = r.case_id
        WHERE r.council_id = $1 AND ($2::uuid IS NULL OR r.case_id = $2) AND ($3::uuid IS NULL OR r.id = $3)
          AND (NOT $4 OR (r.answered_at IS NULL AND r.due_on < current_date))
          AND ${allowed}
        ORDER BY r.due_on, r.id LIMIT 500`,
      params,
    )) as InfoRequestRow[];
  }

  /** Answers once: the row is updated only while unanswered. Returns false if already answered. */
  async answerInfoRequest(
    s: CouncilScope,
    id: string,
    answer: string,
    by: string,
  ): Promise<boolean> {
    const rows = await s.query(
      'info_request_answer',
      `UPDATE info_requests SET answer = $3, answered_at = now(), answered_by = $4
        WHERE council_id = $1 AND id = $2 AND answered_at IS NULL RETURNING id`,
      [s.councilId, id, answer, by],
    );
    return rows.length > 0;
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppAbility } from '../access/ability.factory';
import { policySql } from '../access/sql-filter';

export interface NoteRow {
  id: string;
  caseId: string;
  body: string;
  correctsNoteId: string | null;
  authorUserId: string;
  authorRole: string;
  memberBodyId: string;
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

/** Queries for the work on a case: status history, notes, plans, actions, information requests. */
@Injectable()
export class CaseWorkRepository {
  // ---- status --------------------------------------------------------------------------

  async setStatus(
    em: EntityManager,
    councilId: string,
    caseId: string,
    status: 'open' | 'closed',
    reason: string,
    meetingId: string | null,
    by: string,
  ): Promise<void> {
    await em.query(
      `UPDATE cases SET status = $3, closed_at = CASE WHEN $3 = 'closed' THEN now() END,
              closed_meeting_id = CASE WHEN $3 = 'closed' THEN $4::uuid END, updated_at = now()
        WHERE council_id = $1 AND id = $2`,
      [councilId, caseId, status, meetingId],
    );
    await em.query(
      `INSERT INTO case_status_history (council_id, case_id, status, reason, meeting_id, changed_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [councilId, caseId, status, reason, meetingId, by],
    );
  }

  async statusHistory(
    em: EntityManager,
    councilId: string,
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
    return (await em.query(
      `SELECT status, reason, meeting_id AS "meetingId", changed_at AS "changedAt", changed_by AS "changedBy"
         FROM case_status_history WHERE council_id = $1 AND case_id = $2 ORDER BY changed_at, id`,
      [councilId, caseId],
    )) as {
      status: string;
      reason: string;
      meetingId: string | null;
      changedAt: Date;
      changedBy: string;
    }[];
  }

  // ---- notes ---------------------------------------------------------------------------

  async insertNote(
    em: EntityManager,
    councilId: string,
    n: {
      caseId: string;
      body: string;
      correctsNoteId: string | null;
      authorUserId: string;
      authorRole: string;
      memberBodyId: string;
    },
  ): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO case_notes (council_id, case_id, body, corrects_note_id, author_user_id, author_role, member_body_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [councilId, n.caseId, n.body, n.correctsNoteId, n.authorUserId, n.authorRole, n.memberBodyId],
    )) as { id: string }[];
    return rows[0].id;
  }

  async notes(em: EntityManager, councilId: string, caseId: string): Promise<NoteRow[]> {
    return (await em.query(
      `SELECT id, case_id AS "caseId", body, corrects_note_id AS "correctsNoteId", author_user_id AS "authorUserId",
              author_role AS "authorRole", member_body_id AS "memberBodyId", created_at AS "createdAt"
         FROM case_notes WHERE council_id = $1 AND case_id = $2 ORDER BY created_at, id`,
      [councilId, caseId],
    )) as NoteRow[];
  }

  // ---- plans ---------------------------------------------------------------------------

  async insertPlan(
    em: EntityManager,
    councilId: string,
    caseId: string,
    goals: { text: string }[],
    by: string,
  ): Promise<{ id: string; version: number }> {
    const rows = (await em.query(
      `INSERT INTO support_plans (council_id, case_id, version, goals, created_by)
       VALUES ($1, $2, COALESCE((SELECT max(version) FROM support_plans WHERE council_id = $1 AND case_id = $2), 0) + 1, $3, $4)
       RETURNING id, version`,
      [councilId, caseId, JSON.stringify(goals), by],
    )) as { id: string; version: number }[];
    return rows[0];
  }

  async insertAction(
    em: EntityManager,
    councilId: string,
    a: {
      planId: string;
      caseId: string;
      position: number;
      text: string;
      memberBodyId: string;
      dueOn: string;
    },
  ): Promise<void> {
    await em.query(
      `INSERT INTO plan_actions (council_id, plan_id, case_id, position, text, member_body_id, due_on) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [councilId, a.planId, a.caseId, a.position, a.text, a.memberBodyId, a.dueOn],
    );
  }

  async plans(em: EntityManager, councilId: string, caseId: string): Promise<PlanRow[]> {
    return (await em.query(
      `SELECT id, case_id AS "caseId", version, goals, created_at AS "createdAt", created_by AS "createdBy"
         FROM support_plans WHERE council_id = $1 AND case_id = $2 ORDER BY version DESC`,
      [councilId, caseId],
    )) as PlanRow[];
  }

  async actions(em: EntityManager, councilId: string, planIds: string[]): Promise<ActionRow[]> {
    return (await em.query(
      `SELECT id, plan_id AS "planId", case_id AS "caseId", position, text, member_body_id AS "memberBodyId", due_on AS "dueOn",
              status, updated_at AS "updatedAt"
         FROM plan_actions WHERE council_id = $1 AND plan_id = ANY($2::uuid[]) ORDER BY position`,
      [councilId, planIds],
    )) as ActionRow[];
  }

  /** An action of the case's current plan the caller may update (policy as SQL), locked. */
  async findUpdatableAction(
    em: EntityManager,
    ability: AppAbility,
    councilId: string,
    caseId: string,
    actionId: string,
  ): Promise<ActionRow | 'not_updatable' | null> {
    const params: unknown[] = [councilId, caseId, actionId];
    const allowed = policySql(ability, 'update', 'PlanAction', 'pa', params);
    const rows = (await em.query(
      `SELECT pa.id, pa.plan_id AS "planId", pa.case_id AS "caseId", pa.position, pa.text, pa.member_body_id AS "memberBodyId",
              pa.due_on AS "dueOn", pa.status, pa.updated_at AS "updatedAt", (${allowed}) AS updatable
         FROM plan_actions pa
         JOIN support_plans sp ON sp.council_id = pa.council_id AND sp.id = pa.plan_id
        WHERE pa.council_id = $1 AND pa.case_id = $2 AND pa.id = $3
          AND sp.version = (SELECT max(version) FROM support_plans WHERE council_id = $1 AND case_id = $2)
          FOR UPDATE OF pa`,
      params,
    )) as (ActionRow & { updatable: boolean })[];
    if (!rows[0]) return null;
    return rows[0].updatable ? rows[0] : 'not_updatable';
  }

  async setActionStatus(
    em: EntityManager,
    councilId: string,
    action: ActionRow,
    status: string,
    by: string,
  ): Promise<void> {
    await em.query(
      `UPDATE plan_actions SET status = $3, updated_at = now(), updated_by = $4 WHERE council_id = $1 AND id = $2`,
      [councilId, action.id, status, by],
    );
    await em.query(
      `INSERT INTO plan_action_history (council_id, action_id, from_status, to_status, changed_by) VALUES ($1, $2, $3, $4, $5)`,
      [councilId, action.id, action.status, status, by],
    );
  }

  // ---- information requests ------------------------------------------------------------

  async insertInfoRequest(
    em: EntityManager,
    councilId: string,
    r: { caseId: string; memberBodyId: string; question: string; dueOn: string },
    by: string,
  ): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO info_requests (council_id, case_id, member_body_id, question, due_on, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [councilId, r.caseId, r.memberBodyId, r.question, r.dueOn, by],
    )) as { id: string }[];
    return rows[0].id;
  }

  /** Requests the caller may read (policy as SQL), with only the case's name and number. */
  async infoRequests(
    em: EntityManager,
    ability: AppAbility,
    councilId: string,
    filter: { caseId?: string; requestId?: string; overdue?: boolean },
  ): Promise<InfoRequestRow[]> {
    const params: unknown[] = [
      councilId,
      filter.caseId ?? null,
      filter.requestId ?? null,
      filter.overdue ?? false,
    ];
    const allowed = policySql(ability, 'read', 'InfoRequest', 'r', params);
    return (await em.query(
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
    em: EntityManager,
    councilId: string,
    id: string,
    answer: string,
    by: string,
  ): Promise<boolean> {
    const result = (await em.query(
      `UPDATE info_requests SET answer = $3, answered_at = now(), answered_by = $4
        WHERE council_id = $1 AND id = $2 AND answered_at IS NULL RETURNING id`,
      [councilId, id, answer, by],
    )) as [unknown[], number];
    return result[1] > 0;
  }
}

import { memberBodyCurrency } from '../councils/councils.repository';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppAbility } from '../access/ability.factory';
import { Action } from '../access/policy-catalog';
import { policySql } from '../access/sql-filter';
import { coveredAssignmentSql, meetingAttendanceSql } from '../access/subject-sql';
import { Position } from '../common/http/pagination';
import { ActionItemStatus, MeetingTier, ReviewOutcome } from './meetings.dto';

export interface MeetingRow {
  councilId: string;
  id: string;
  tier: MeetingTier;
  title: string;
  heldAt: Date;
  place: string | null;
  createdAt: Date;
  createdBy: string;
  sortKey: string;
  minutesStatus: 'draft' | 'final';
  minutesRevision: number;
  finalizedAt: Date | null;
}

export interface AttendeeRow {
  meetingId: string;
  staffId: string;
  userId: string;
  displayName: string;
  memberBodyId: string;
  role: string;
}

export interface ExternalAttendeeRow {
  meetingId: string;
  id: string;
  name: string;
  organisation: string;
  acknowledgedAt: Date;
}

export interface MeetingCaseRow {
  meetingId: string;
  caseId: string;
  caseNumber: string;
  source: 'named' | 'due_for_review';
}

export interface MinutesRow {
  meetingId: string;
  tier: MeetingTier;
  revision: number;
  body: string;
  status: 'draft' | 'final';
  updatedAt: Date;
  updatedBy: string | null;
  finalizedAt: Date | null;
  finalizedBy: string | null;
}

export interface DecisionRow {
  id: string;
  meetingId: string;
  heldAt: Date;
  position: number;
  text: string;
  caseId: string | null;
  statusChangeId: string | null;
  statusChangeStatus: string | null;
  statusChangedAt: Date | null;
  supportPlanVersion: number | null;
  minutesStatus: 'draft' | 'final';
  sortKey: string;
}

export interface ActionItemRow {
  id: string;
  meetingId: string;
  position: number;
  text: string;
  memberBodyId: string;
  dueOn: string;
  caseId: string | null;
  status: ActionItemStatus;
  updatedAt: Date;
  minutesStatus: 'draft' | 'final';
}

export interface ReviewRow {
  caseId: string;
  outcome: ReviewOutcome;
  note: string | null;
  nextReviewOn: string | null;
}

export interface AddendumRow {
  id: string;
  meetingId: string;
  text: string;
  reason: string;
  authorUserId: string;
  authorStaffId: string | null;
  createdAt: Date;
}

/** Whether a staff member may attend: current, pledged, and (case conferences) involved. */
export interface StaffEligibilityRow {
  id: string;
  role: string;
  current: boolean;
  pledged: boolean;
  /** Their body has a covered assignment on one of the meeting's cases (need to know). */
  involved: boolean;
}

const MEETING_COLUMNS = `
  m.council_id AS "councilId", m.id, m.tier, m.title, m.held_at AS "heldAt", m.place,
  m.created_at AS "createdAt", m.created_by AS "createdBy",
  to_char(m.held_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "sortKey",
  mn.status AS "minutesStatus", mn.revision AS "minutesRevision", mn.finalized_at AS "finalizedAt"`;

const MINUTES_COLUMNS = `
  mn.meeting_id AS "meetingId", m.tier, mn.revision, mn.body, mn.status, mn.updated_at AS "updatedAt",
  mn.updated_by AS "updatedBy", mn.finalized_at AS "finalizedAt", mn.finalized_by AS "finalizedBy"`;

const ACTION_ITEM_COLUMNS = `
  i.id, i.meeting_id AS "meetingId", i.position, i.text, i.member_body_id AS "memberBodyId",
  i.due_on AS "dueOn", i.case_id AS "caseId", i.status, i.updated_at AS "updatedAt", mn.status AS "minutesStatus"`;

/** Only the current revision of the minutes' content: earlier drafts stay, but are history. */
const CURRENT_REVISION = (alias: string) =>
  `JOIN minutes mn ON mn.council_id = ${alias}.council_id AND mn.meeting_id = ${alias}.meeting_id AND mn.revision = ${alias}.revision`;

/** The facts policies decide on, computed with the same SQL text as the filter (subject-sql.ts). */
const attendeeIds = (alias: string, column: string) =>
  `ARRAY(${meetingAttendanceSql(alias, column, 'TRUE', 'ma.staff_id')}) AS "attendeeStaffIds"`;
const caseBodyIds = (alias: string) =>
  `ARRAY(${coveredAssignmentSql(alias, 'TRUE', '', 'DISTINCT a.member_body_id', 'case_id')}) AS "caseVisibleToBodyIds"`;

/**
 * The only file that queries meeting tables. Reads that decide visibility carry the caller's
 * policy as SQL (policySql): a meeting, minutes, decision or action item outside it is simply
 * not found, in lists and lookups alike.
 */
@Injectable()
export class MeetingsRepository {
  // ---- meetings --------------------------------------------------------------------------

  async insertMeeting(
    em: EntityManager,
    councilId: string,
    m: { tier: MeetingTier; title: string; heldAt: string; place?: string },
    by: string,
  ): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO meetings (council_id, tier, title, held_at, place, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [councilId, m.tier, m.title, m.heldAt, m.place ?? null, by],
    )) as { id: string }[];
    // Every meeting has its minutes from the start: an empty draft at revision 0.
    await em.query(`INSERT INTO minutes (council_id, meeting_id) VALUES ($1, $2)`, [
      councilId,
      rows[0].id,
    ]);
    return rows[0].id;
  }

  async insertMeetingCases(
    em: EntityManager,
    councilId: string,
    meetingId: string,
    cases: { caseId: string; source: 'named' | 'due_for_review' }[],
  ): Promise<void> {
    if (cases.length === 0) return;
    await em.query(
      `INSERT INTO meeting_cases (council_id, meeting_id, case_id, source)
       SELECT $1, $2, c, s FROM unnest($3::uuid[], $4::text[]) AS x(c, s)`,
      [councilId, meetingId, cases.map((c) => c.caseId), cases.map((c) => c.source)],
    );
  }

  async insertAttendees(
    em: EntityManager,
    councilId: string,
    meetingId: string,
    staffIds: string[],
  ): Promise<void> {
    if (staffIds.length === 0) return;
    await em.query(
      `INSERT INTO meeting_attendees (council_id, meeting_id, staff_id) SELECT $1, $2, unnest($3::uuid[])`,
      [councilId, meetingId, staffIds],
    );
  }

  async insertExternalAttendee(
    em: EntityManager,
    councilId: string,
    meetingId: string,
    a: { name: string; organisation: string; acknowledgedAt?: string },
    by: string,
  ): Promise<void> {
    await em.query(
      `INSERT INTO meeting_external_attendees (council_id, meeting_id, name, organisation, acknowledged_at, recorded_by)
       VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, now()), $6)`,
      [councilId, meetingId, a.name, a.organisation, a.acknowledgedAt ?? null, by],
    );
  }

  /**
   * The council's staff among `staffIds`, with what attendance needs: a current record
   * (as principal.repository.ts decides it), the current pledge, and — for case conferences —
   * a covered assignment of their body on one of `caseIds`.
   */
  async staffEligibility(
    em: EntityManager,
    councilId: string,
    staffIds: string[],
    caseIds: string[],
  ): Promise<StaffEligibilityRow[]> {
    return (await em.query(
      `SELECT st.id, st.role,
              ((st.ended_on IS NULL OR st.ended_on > current_date) AND (mb.left_on IS NULL OR mb.left_on > current_date)) AS current,
              COALESCE(st.pledge_version = (SELECT max(p.version) FROM pledges p WHERE p.council_id = st.council_id), false) AS pledged,
              EXISTS (SELECT 1 FROM cases c WHERE c.council_id = st.council_id AND c.id = ANY($3::uuid[])
                        AND EXISTS (${coveredAssignmentSql('c', 'BODY = st.member_body_id')})) AS involved
         FROM staff st
         JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
        WHERE st.council_id = $1 AND st.id = ANY($2::uuid[])`,
      [councilId, staffIds, caseIds],
    )) as StaffEligibilityRow[];
  }

  /** Which of `caseIds` the caller may read (Case policy as SQL). */
  async readableCases(
    em: EntityManager,
    ability: AppAbility,
    councilId: string,
    caseIds: string[],
  ): Promise<string[]> {
    const params: unknown[] = [councilId, caseIds];
    const allowed = policySql(ability, 'read', 'Case', 'c', params);
    const rows = (await em.query(
      `SELECT c.id FROM cases c WHERE c.council_id = $1 AND c.id = ANY($2::uuid[]) AND ${allowed}`,
      params,
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * The case ledger's open cases due for review on or before `dueBy` (the caller's Case
   * policy applies), or, without `dueBy`, by the meeting's date (in the session's TIME_ZONE,
   * the council's local date, as current_date is everywhere else).
   */
  async casesDueForReview(
    em: EntityManager,
    ability: AppAbility,
    councilId: string,
    dueBy: string | null,
    heldAt: string,
  ): Promise<string[]> {
    const params: unknown[] = [councilId, dueBy, heldAt];
    const allowed = policySql(ability, 'read', 'Case', 'c', params);
    const rows = (await em.query(
      `SELECT c.id FROM cases c
        WHERE c.council_id = $1 AND c.status = 'open' AND c.review_due_on IS NOT NULL
          AND c.review_due_on <= COALESCE($2::date, $3::timestamptz::date)
          AND ${allowed}
        ORDER BY c.review_due_on, c.case_number LIMIT 500`,
      params,
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** A meeting of the council, if the caller's policy lets them `action` it; else null (→ 404). */
  async findPermitted(
    em: EntityManager,
    ability: AppAbility,
    action: Action,
    councilId: string,
    meetingId: string,
  ): Promise<MeetingRow | null> {
    const params: unknown[] = [councilId, meetingId];
    const allowed = policySql(ability, action, 'Meeting', 'm', params);
    const rows = (await em.query(
      `SELECT ${MEETING_COLUMNS}
         FROM meetings m JOIN minutes mn ON mn.council_id = m.council_id AND mn.meeting_id = m.id
        WHERE m.council_id = $1 AND m.id = $2 AND ${allowed}`,
      params,
    )) as MeetingRow[];
    return rows[0] ?? null;
  }

  /** A page of the meetings the caller may read, most recent first, by keyset. */
  async listPermitted(
    em: EntityManager,
    ability: AppAbility,
    councilId: string,
    tier: MeetingTier | null,
    after: Position | null,
    limit: number,
  ): Promise<MeetingRow[]> {
    const params: unknown[] = [councilId, tier, after?.key ?? null, after?.id ?? null, limit + 1];
    const allowed = policySql(ability, 'read', 'Meeting', 'm', params);
    return (await em.query(
      `SELECT ${MEETING_COLUMNS}
         FROM meetings m JOIN minutes mn ON mn.council_id = m.council_id AND mn.meeting_id = m.id
        WHERE m.council_id = $1 AND ($2::text IS NULL OR m.tier = $2)
          AND ($3::text IS NULL OR (to_char(m.held_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), m.id) < ($3::text, $4::uuid))
          AND ${allowed}
        ORDER BY m.held_at DESC, m.id DESC LIMIT $5`,
      params,
    )) as MeetingRow[];
  }

  async attendees(
    em: EntityManager,
    councilId: string,
    meetingIds: string[],
  ): Promise<AttendeeRow[]> {
    return (await em.query(
      `SELECT ma.meeting_id AS "meetingId", st.id AS "staffId", st.user_id AS "userId", u.display_name AS "displayName",
              st.member_body_id AS "memberBodyId", st.role
         FROM meeting_attendees ma
         JOIN staff st ON st.council_id = ma.council_id AND st.id = ma.staff_id
         JOIN users u ON u.id = st.user_id
        WHERE ma.council_id = $1 AND ma.meeting_id = ANY($2::uuid[])
        ORDER BY ma.meeting_id, u.display_name, st.id`,
      [councilId, meetingIds],
    )) as AttendeeRow[];
  }

  async externalAttendees(
    em: EntityManager,
    councilId: string,
    meetingIds: string[],
  ): Promise<ExternalAttendeeRow[]> {
    return (await em.query(
      `SELECT meeting_id AS "meetingId", id, name, organisation, acknowledged_at AS "acknowledgedAt"
         FROM meeting_external_attendees
        WHERE council_id = $1 AND meeting_id = ANY($2::uuid[])
        ORDER BY meeting_id, name, id`,
      [councilId, meetingIds],
    )) as ExternalAttendeeRow[];
  }

  async meetingCases(
    em: EntityManager,
    councilId: string,
    meetingIds: string[],
  ): Promise<MeetingCaseRow[]> {
    return (await em.query(
      `SELECT mc.meeting_id AS "meetingId", mc.case_id AS "caseId", c.case_number AS "caseNumber", mc.source
         FROM meeting_cases mc JOIN cases c ON c.council_id = mc.council_id AND c.id = mc.case_id
        WHERE mc.council_id = $1 AND mc.meeting_id = ANY($2::uuid[])
        ORDER BY mc.meeting_id, c.case_number`,
      [councilId, meetingIds],
    )) as MeetingCaseRow[];
  }

  // ---- minutes ---------------------------------------------------------------------------

  /**
   * The minutes of a meeting if the caller's policy lets them `action` them, else null.
   * `lock` serialises writers on one meeting (draft, finalise, addendum).
   */
  async findPermittedMinutes(
    em: EntityManager,
    ability: AppAbility,
    action: Action,
    councilId: string,
    meetingId: string,
    lock = false,
  ): Promise<MinutesRow | null> {
    const params: unknown[] = [councilId, meetingId];
    const allowed = policySql(ability, action, 'Minutes', 'mn', params);
    const rows = (await em.query(
      `SELECT ${MINUTES_COLUMNS}
         FROM minutes mn JOIN meetings m ON m.council_id = mn.council_id AND m.id = mn.meeting_id
        WHERE mn.council_id = $1 AND mn.meeting_id = $2 AND ${allowed}${lock ? ' FOR UPDATE OF mn' : ''}`,
      params,
    )) as MinutesRow[];
    return rows[0] ?? null;
  }

  /** The minutes of a meeting regardless of policy (callers have decided access already). */
  async minutes(
    em: EntityManager,
    councilId: string,
    meetingId: string,
  ): Promise<MinutesRow | null> {
    const rows = (await em.query(
      `SELECT ${MINUTES_COLUMNS}
         FROM minutes mn JOIN meetings m ON m.council_id = mn.council_id AND m.id = mn.meeting_id
        WHERE mn.council_id = $1 AND mn.meeting_id = $2`,
      [councilId, meetingId],
    )) as MinutesRow[];
    return rows[0] ?? null;
  }

  /** Saves a draft as the next revision and returns its number. */
  async writeDraft(
    em: EntityManager,
    councilId: string,
    meetingId: string,
    body: string,
    by: string,
  ): Promise<number> {
    const rows = (await em.query(
      `UPDATE minutes SET revision = revision + 1, body = $3, updated_at = now(), updated_by = $4
        WHERE council_id = $1 AND meeting_id = $2 AND status = 'draft' RETURNING revision`,
      [councilId, meetingId, body, by],
    )) as [{ revision: number }[], number];
    return rows[0][0].revision;
  }

  async insertDecision(
    em: EntityManager,
    councilId: string,
    meetingId: string,
    revision: number,
    position: number,
    d: {
      text: string;
      caseId: string | null;
      statusChangeId: string | null;
      supportPlanVersion: number | null;
    },
  ): Promise<void> {
    await em.query(
      `INSERT INTO minutes_decisions (council_id, meeting_id, revision, position, text, case_id, status_change_id, support_plan_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        councilId,
        meetingId,
        revision,
        position,
        d.text,
        d.caseId,
        d.statusChangeId,
        d.supportPlanVersion,
      ],
    );
  }

  async insertActionItem(
    em: EntityManager,
    councilId: string,
    meetingId: string,
    revision: number,
    position: number,
    a: { text: string; memberBodyId: string; dueOn: string; caseId: string | null },
  ): Promise<void> {
    await em.query(
      `INSERT INTO minutes_action_items (council_id, meeting_id, revision, position, text, member_body_id, due_on, case_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [councilId, meetingId, revision, position, a.text, a.memberBodyId, a.dueOn, a.caseId],
    );
  }

  async insertReview(
    em: EntityManager,
    councilId: string,
    meetingId: string,
    revision: number,
    r: { caseId: string; outcome: ReviewOutcome; note?: string; nextReviewOn?: string },
  ): Promise<void> {
    await em.query(
      `INSERT INTO minutes_case_reviews (council_id, meeting_id, revision, case_id, outcome, note, next_review_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [councilId, meetingId, revision, r.caseId, r.outcome, r.note ?? null, r.nextReviewOn ?? null],
    );
  }

  async finalize(
    em: EntityManager,
    councilId: string,
    meetingId: string,
    by: string,
  ): Promise<void> {
    await em.query(
      `UPDATE minutes SET status = 'final', finalized_at = now(), finalized_by = $3
        WHERE council_id = $1 AND meeting_id = $2 AND status = 'draft'`,
      [councilId, meetingId, by],
    );
  }

  async insertAddendum(
    em: EntityManager,
    councilId: string,
    meetingId: string,
    a: { text: string; reason: string; authorUserId: string; authorStaffId: string | null },
  ): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO minutes_addenda (council_id, meeting_id, text, reason, author_user_id, author_staff_id)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [councilId, meetingId, a.text, a.reason, a.authorUserId, a.authorStaffId],
    )) as { id: string }[];
    return rows[0].id;
  }

  async addenda(em: EntityManager, councilId: string, meetingId: string): Promise<AddendumRow[]> {
    return (await em.query(
      `SELECT id, meeting_id AS "meetingId", text, reason, author_user_id AS "authorUserId",
              author_staff_id AS "authorStaffId", created_at AS "createdAt"
         FROM minutes_addenda WHERE council_id = $1 AND meeting_id = $2 ORDER BY created_at, id`,
      [councilId, meetingId],
    )) as AddendumRow[];
  }

  async reviews(em: EntityManager, councilId: string, meetingId: string): Promise<ReviewRow[]> {
    return (await em.query(
      `SELECT r.case_id AS "caseId", r.outcome, r.note, r.next_review_on AS "nextReviewOn"
         FROM minutes_case_reviews r ${CURRENT_REVISION('r')}
         JOIN cases c ON c.council_id = r.council_id AND c.id = r.case_id
        WHERE r.council_id = $1 AND r.meeting_id = $2
        ORDER BY c.case_number`,
      [councilId, meetingId],
    )) as ReviewRow[];
  }

  /**
   * Decisions of the minutes' current revision. With `ability`, only those the caller's
   * Decision policy grants (as SQL); without, all of them (the caller may read the minutes).
   */
  async decisions(
    em: EntityManager,
    councilId: string,
    filter: { meetingId?: string; caseId?: string; after?: Position | null; limit?: number },
    ability: AppAbility | null,
  ): Promise<DecisionRow[]> {
    const params: unknown[] = [
      councilId,
      filter.meetingId ?? null,
      filter.caseId ?? null,
      filter.after?.key ?? null,
      filter.after?.id ?? null,
      (filter.limit ?? 1000) + 1,
    ];
    const allowed = ability ? policySql(ability, 'read', 'Decision', 'd', params) : 'TRUE';
    return (await em.query(
      `SELECT d.id, d.meeting_id AS "meetingId", m.held_at AS "heldAt", d.position, d.text, d.case_id AS "caseId",
              d.status_change_id AS "statusChangeId", h.status AS "statusChangeStatus", h.changed_at AS "statusChangedAt",
              d.support_plan_version AS "supportPlanVersion", mn.status AS "minutesStatus",
              to_char(m.held_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '/' || lpad(d.position::text, 6, '0') AS "sortKey"
         FROM minutes_decisions d ${CURRENT_REVISION('d')}
         JOIN meetings m ON m.council_id = d.council_id AND m.id = d.meeting_id
         LEFT JOIN case_status_history h ON h.council_id = d.council_id AND h.id = d.status_change_id
        WHERE d.council_id = $1 AND ($2::uuid IS NULL OR d.meeting_id = $2) AND ($3::uuid IS NULL OR d.case_id = $3)
          AND ($4::text IS NULL OR (to_char(m.held_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '/' || lpad(d.position::text, 6, '0'), d.id) > ($4::text, $5::uuid))
          AND ${allowed}
        ORDER BY m.held_at, d.position, d.id LIMIT $6`,
      params,
    )) as DecisionRow[];
  }

  /**
   * Action items of the minutes' current revision: of one meeting in the minutes' order, else
   * by due date (keyset). With `ability`, only those the caller's ActionItem policy grants (as SQL).
   */
  async actionItems(
    em: EntityManager,
    councilId: string,
    filter: {
      meetingId?: string;
      memberBodyId?: string;
      caseId?: string;
      status?: ActionItemStatus;
      after?: Position | null;
      limit?: number;
    },
    ability: AppAbility | null,
  ): Promise<ActionItemRow[]> {
    const params: unknown[] = [
      councilId,
      filter.meetingId ?? null,
      filter.memberBodyId ?? null,
      filter.caseId ?? null,
      filter.status ?? null,
      filter.after?.key ?? null,
      filter.after?.id ?? null,
      (filter.limit ?? 1000) + 1,
    ];
    const allowed = ability ? policySql(ability, 'read', 'ActionItem', 'i', params) : 'TRUE';
    return (await em.query(
      `SELECT ${ACTION_ITEM_COLUMNS}
         FROM minutes_action_items i ${CURRENT_REVISION('i')}
        WHERE i.council_id = $1 AND ($2::uuid IS NULL OR i.meeting_id = $2)
          AND ($3::uuid IS NULL OR i.member_body_id = $3) AND ($4::uuid IS NULL OR i.case_id = $4)
          AND ($5::text IS NULL OR i.status = $5)
          AND ($6::text IS NULL OR (i.due_on::text, i.id) > ($6::text, $7::uuid))
          AND ${allowed}
        ORDER BY ${filter.meetingId ? 'i.position, i.id' : 'i.due_on, i.id'} LIMIT $8`,
      params,
    )) as ActionItemRow[];
  }

  /**
   * One current action item, locked, with whether the caller may read and update it (policy
   * as SQL). Null when it does not exist in the council.
   */
  async findActionItemForUpdate(
    em: EntityManager,
    ability: AppAbility,
    councilId: string,
    itemId: string,
  ): Promise<(ActionItemRow & { readable: boolean; updatable: boolean }) | null> {
    const params: unknown[] = [councilId, itemId];
    const readable = policySql(ability, 'read', 'ActionItem', 'i', params);
    const updatable = policySql(ability, 'update', 'ActionItem', 'i', params);
    const rows = (await em.query(
      `SELECT ${ACTION_ITEM_COLUMNS}, (${readable}) AS readable, (${updatable}) AS updatable
         FROM minutes_action_items i ${CURRENT_REVISION('i')}
        WHERE i.council_id = $1 AND i.id = $2
          FOR UPDATE OF i`,
      params,
    )) as (ActionItemRow & { readable: boolean; updatable: boolean })[];
    return rows[0] ?? null;
  }

  async setActionItemStatus(
    em: EntityManager,
    councilId: string,
    item: ActionItemRow,
    status: ActionItemStatus,
    by: string,
  ): Promise<void> {
    await em.query(
      `UPDATE minutes_action_items SET status = $3, updated_at = now(), updated_by = $4 WHERE council_id = $1 AND id = $2`,
      [councilId, item.id, status, by],
    );
    await em.query(
      `INSERT INTO minutes_action_item_history (council_id, action_item_id, from_status, to_status, changed_by)
       VALUES ($1, $2, $3, $4, $5)`,
      [councilId, item.id, item.status, status, by],
    );
  }

  // ---- references from the minutes ---------------------------------------------------------

  /** The latest change of the case to `status` recorded for this meeting, if any. */
  async statusChangeFor(
    em: EntityManager,
    councilId: string,
    caseId: string,
    meetingId: string,
    status: 'open' | 'closed',
  ): Promise<string | null> {
    const rows = (await em.query(
      `SELECT id FROM case_status_history
        WHERE council_id = $1 AND case_id = $2 AND meeting_id = $3 AND status = $4
        ORDER BY changed_at DESC, id DESC LIMIT 1`,
      [councilId, caseId, meetingId, status],
    )) as { id: string }[];
    return rows[0]?.id ?? null;
  }

  async planVersionExists(
    em: EntityManager,
    councilId: string,
    caseId: string,
    version: number,
  ): Promise<boolean> {
    const rows = (await em.query(
      `SELECT 1 FROM support_plans WHERE council_id = $1 AND case_id = $2 AND version = $3`,
      [councilId, caseId, version],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Member bodies of the council among `ids`, with whether each is a current member. */
  memberBodies(
    em: EntityManager,
    councilId: string,
    ids: string[],
  ): Promise<{ id: string; current: boolean }[]> {
    return memberBodyCurrency(em, councilId, ids);
  }

  /**
   * The practitioners' review sets the case ledger's next review date (open cases only).
   * Returns the ids of the cases changed.
   */
  async scheduleReviews(
    em: EntityManager,
    councilId: string,
    reviews: { caseId: string; nextReviewOn: string }[],
  ): Promise<string[]> {
    if (reviews.length === 0) return [];
    const rows = (await em.query(
      `UPDATE cases c SET review_due_on = x.d, updated_at = now()
         FROM unnest($2::uuid[], $3::date[]) AS x(id, d)
        WHERE c.council_id = $1 AND c.id = x.id AND c.status = 'open'
        RETURNING c.id`,
      [councilId, reviews.map((r) => r.caseId), reviews.map((r) => r.nextReviewOn)],
    )) as [{ id: string }[], number];
    return rows[0].map((r) => r.id);
  }

  // ---- policy facts (explain, policy tests): deciding about a record, never returning it ----

  async meetingFacts(
    em: EntityManager,
    councilId: string,
    id: string,
  ): Promise<Record<string, unknown> | null> {
    const rows = (await em.query(
      `SELECT m.council_id AS "councilId", m.id, m.tier, ${attendeeIds('m', 'id')}
         FROM meetings m WHERE m.council_id = $1 AND m.id = $2`,
      [councilId, id],
    )) as Record<string, unknown>[];
    return rows[0] ?? null;
  }

  async minutesFacts(
    em: EntityManager,
    councilId: string,
    meetingId: string,
  ): Promise<Record<string, unknown> | null> {
    const rows = (await em.query(
      `SELECT mn.council_id AS "councilId", mn.meeting_id AS "meetingId", mn.status, ${attendeeIds('mn', 'meeting_id')}
         FROM minutes mn WHERE mn.council_id = $1 AND mn.meeting_id = $2`,
      [councilId, meetingId],
    )) as Record<string, unknown>[];
    return rows[0] ?? null;
  }

  async decisionFacts(
    em: EntityManager,
    councilId: string,
    id: string,
  ): Promise<Record<string, unknown> | null> {
    const rows = (await em.query(
      `SELECT d.council_id AS "councilId", d.meeting_id AS "meetingId", d.case_id AS "caseId",
              ${attendeeIds('d', 'meeting_id')}, ${caseBodyIds('d')}
         FROM minutes_decisions d WHERE d.council_id = $1 AND d.id = $2`,
      [councilId, id],
    )) as Record<string, unknown>[];
    return rows[0] ?? null;
  }

  async actionItemFacts(
    em: EntityManager,
    councilId: string,
    id: string,
  ): Promise<Record<string, unknown> | null> {
    const rows = (await em.query(
      `SELECT i.council_id AS "councilId", i.meeting_id AS "meetingId", i.case_id AS "caseId",
              i.member_body_id AS "memberBodyId", ${attendeeIds('i', 'meeting_id')}, ${caseBodyIds('i')}
         FROM minutes_action_items i WHERE i.council_id = $1 AND i.id = $2`,
      [councilId, id],
    )) as Record<string, unknown>[];
    return rows[0] ?? null;
  }
}

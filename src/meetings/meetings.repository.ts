import { Injectable } from '@nestjs/common';
import { CouncilScope } from '../access/council-scope';
import { staffInForce } from '../access/in-force';
import { policySql } from '../access/sql-filter';
import {
  ACTION_ITEM_COLUMNS,
  currentRevision,
  MEETING_COLUMNS,
  MEETING_FROM,
  MINUTES_COLUMNS,
  MINUTES_FROM,
} from '../access/subject-registry';
import { coveredAssignmentSql } from '../access/subject-sql';
import { Position } from '../common/http/pagination';
import { memberBodyCurrency } from '../councils/councils.repository';
import { ActionItemStatus, MeetingTier, ReviewOutcome } from './meetings.dto';

/** The policy facts of a meeting's records (subject-registry.ts computes them in SQL). */
export interface MeetingFacts {
  councilId: string;
  /** Staff whose attendance still counts: the record in force for the body they attended for. */
  attendeeStaffIds: string[];
  /** Bodies covered now on every case the meeting discussed (all of them if it discussed none). */
  allCasesVisibleToBodyIds: string[];
}

export interface MeetingRow extends MeetingFacts {
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
  /** Bodies covered now on at least one of its cases. */
  anyCaseVisibleToBodyIds: string[];
}

export interface AttendeeRow {
  meetingId: string;
  staffId: string;
  userId: string;
  displayName: string;
  /** The member body the attendee acted for at the meeting (not where the record is now). */
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
  /** Whether the caller may read the case now (its Case policy, as SQL). */
  readable: boolean;
}

export interface MinutesRow {
  meetingId: string;
  tier: MeetingTier;
  revision: number;
  /** Plain only for minutes written before envelope encryption (issue 19); '' otherwise. */
  body: string;
  /** The text sealed under the meeting's data key (src/crypto/case-cipher.ts). */
  bodySealed: Buffer | null;
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
  /** Of the meeting's cases, those their body is not covered on now (need to know). */
  uncoveredCaseIds: string[];
}

/**
 * The only file that queries meeting tables. Every method takes the council scope the access
 * layer opened; reads that decide visibility carry the caller's policy as SQL (policySql on
 * `s.principal.ability`): a meeting, minutes, decision or action item outside it is simply not
 * found, in lists and lookups alike.
 */
@Injectable()
export class MeetingsRepository {
  // ---- meetings --------------------------------------------------------------------------

  async insertMeeting(
    s: CouncilScope,
    m: { tier: MeetingTier; title: string; heldAt: string; place?: string },
    by: string,
  ): Promise<string> {
    const rows = (await s.em.query(
      `INSERT INTO meetings (council_id, tier, title, held_at, place, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [s.councilId, m.tier, m.title, m.heldAt, m.place ?? null, by],
    )) as { id: string }[];
    // Every meeting has its minutes from the start: an empty draft at revision 0.
    await s.em.query(`INSERT INTO minutes (council_id, meeting_id) VALUES ($1, $2)`, [
      s.councilId,
      rows[0].id,
    ]);
    return rows[0].id;
  }

  async insertMeetingCases(
    s: CouncilScope,
    meetingId: string,
    cases: { caseId: string; source: 'named' | 'due_for_review' }[],
  ): Promise<void> {
    if (cases.length === 0) return;
    await s.em.query(
      `INSERT INTO meeting_cases (council_id, meeting_id, case_id, source)
       SELECT $1, $2, c, x.s FROM unnest($3::uuid[], $4::text[]) AS x(c, s)`,
      [s.councilId, meetingId, cases.map((c) => c.caseId), cases.map((c) => c.source)],
    );
  }

  /** Attendance records the body each attendee acts for: their staff record's body today. */
  async insertAttendees(s: CouncilScope, meetingId: string, staffIds: string[]): Promise<void> {
    if (staffIds.length === 0) return;
    await s.em.query(
      `INSERT INTO meeting_attendees (council_id, meeting_id, staff_id, member_body_id)
       SELECT st.council_id, $2, st.id, st.member_body_id FROM staff st
        WHERE st.council_id = $1 AND st.id = ANY($3::uuid[])`,
      [s.councilId, meetingId, staffIds],
    );
  }

  async insertExternalAttendee(
    s: CouncilScope,
    meetingId: string,
    a: { name: string; organisation: string; acknowledgedAt?: string },
    by: string,
  ): Promise<void> {
    await s.em.query(
      `INSERT INTO meeting_external_attendees (council_id, meeting_id, name, organisation, acknowledged_at, recorded_by)
       VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, now()), $6)`,
      [s.councilId, meetingId, a.name, a.organisation, a.acknowledgedAt ?? null, by],
    );
  }

  /**
   * The council's staff among `staffIds`, with what attendance needs: a record in force (the
   * one definition, in-force.ts), the current pledge, and which of `caseIds` their body is NOT
   * covered on now (a case conference needs coverage on every one of its cases).
   */
  async staffEligibility(
    s: CouncilScope,
    staffIds: string[],
    caseIds: string[],
  ): Promise<StaffEligibilityRow[]> {
    return (await s.em.query(
      `SELECT st.id, st.role, ${staffInForce('st', 'mb')} AS current,
              COALESCE(st.pledge_version = (SELECT max(p.version) FROM pledges p WHERE p.council_id = st.council_id), false) AS pledged,
              ARRAY(SELECT c.id FROM cases c WHERE c.council_id = st.council_id AND c.id = ANY($3::uuid[])
                       AND NOT EXISTS (${coveredAssignmentSql('c', 'BODY = st.member_body_id')})
                     ORDER BY c.case_number) AS "uncoveredCaseIds"
         FROM staff st
         JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
        WHERE st.council_id = $1 AND st.id = ANY($2::uuid[])`,
      [s.councilId, staffIds, caseIds],
    )) as StaffEligibilityRow[];
  }

  /** Which of `caseIds` the caller may read (Case policy as SQL). */
  async readableCases(s: CouncilScope, caseIds: string[]): Promise<string[]> {
    const params: unknown[] = [s.councilId, caseIds];
    const allowed = policySql(s.principal.ability, 'read', 'Case', 'c', params);
    const rows = (await s.em.query(
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
    s: CouncilScope,
    dueBy: string | null,
    heldAt: string,
  ): Promise<string[]> {
    const params: unknown[] = [s.councilId, dueBy, heldAt];
    const allowed = policySql(s.principal.ability, 'read', 'Case', 'c', params);
    const rows = (await s.em.query(
      `SELECT c.id FROM cases c
        WHERE c.council_id = $1 AND c.status = 'open' AND c.review_due_on IS NOT NULL
          AND c.review_due_on <= COALESCE($2::date, $3::timestamptz::date)
          AND ${allowed}
        ORDER BY c.review_due_on, c.case_number LIMIT 500`,
      params,
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * The meetings the caller may read (Meeting policy as SQL), with their policy facts: one by
   * `id`, or a page most recent first, by keyset.
   */
  async meetings(
    s: CouncilScope,
    filter: { id?: string; tier?: MeetingTier | null; after?: Position | null; limit?: number },
  ): Promise<MeetingRow[]> {
    const params: unknown[] = [
      s.councilId,
      filter.id ?? null,
      filter.tier ?? null,
      filter.after?.key ?? null,
      filter.after?.id ?? null,
      (filter.limit ?? 1) + 1,
    ];
    const allowed = policySql(s.principal.ability, 'read', 'Meeting', 'm', params);
    return (await s.em.query(
      `SELECT ${MEETING_COLUMNS}
         FROM ${MEETING_FROM}
        WHERE m.council_id = $1 AND ($2::uuid IS NULL OR m.id = $2) AND ($3::text IS NULL OR m.tier = $3)
          AND ($4::text IS NULL OR (to_char(m.held_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), m.id) < ($4::text, $5::uuid))
          AND ${allowed}
        ORDER BY m.held_at DESC, m.id DESC LIMIT $6`,
      params,
    )) as MeetingRow[];
  }

  async attendees(s: CouncilScope, meetingIds: string[]): Promise<AttendeeRow[]> {
    return (await s.em.query(
      `SELECT ma.meeting_id AS "meetingId", st.id AS "staffId", st.user_id AS "userId", u.display_name AS "displayName",
              ma.member_body_id AS "memberBodyId", st.role
         FROM meeting_attendees ma
         JOIN staff st ON st.council_id = ma.council_id AND st.id = ma.staff_id
         JOIN users u ON u.id = st.user_id
        WHERE ma.council_id = $1 AND ma.meeting_id = ANY($2::uuid[])
        ORDER BY ma.meeting_id, u.display_name, st.id`,
      [s.councilId, meetingIds],
    )) as AttendeeRow[];
  }

  async externalAttendees(s: CouncilScope, meetingIds: string[]): Promise<ExternalAttendeeRow[]> {
    return (await s.em.query(
      `SELECT meeting_id AS "meetingId", id, name, organisation, acknowledged_at AS "acknowledgedAt"
         FROM meeting_external_attendees
        WHERE council_id = $1 AND meeting_id = ANY($2::uuid[])
        ORDER BY meeting_id, name, id`,
      [s.councilId, meetingIds],
    )) as ExternalAttendeeRow[];
  }

  /** The cases the meetings discussed, each with whether the caller may read it now. */
  async meetingCases(s: CouncilScope, meetingIds: string[]): Promise<MeetingCaseRow[]> {
    const params: unknown[] = [s.councilId, meetingIds];
    const readable = policySql(s.principal.ability, 'read', 'Case', 'c', params);
    return (await s.em.query(
      `SELECT mc.meeting_id AS "meetingId", mc.case_id AS "caseId", c.case_number AS "caseNumber", mc.source,
              (${readable}) AS readable
         FROM meeting_cases mc JOIN cases c ON c.council_id = mc.council_id AND c.id = mc.case_id
        WHERE mc.council_id = $1 AND mc.meeting_id = ANY($2::uuid[])
        ORDER BY mc.meeting_id, c.case_number`,
      params,
    )) as MeetingCaseRow[];
  }

  // ---- minutes ---------------------------------------------------------------------------

  /**
   * The minutes of a meeting: with `policy`, only if the caller's Minutes read policy grants
   * them (else null); without, regardless (the caller has been granted them already).
   */
  async minutes(s: CouncilScope, meetingId: string, policy = false): Promise<MinutesRow | null> {
    const params: unknown[] = [s.councilId, meetingId];
    const allowed = policy
      ? policySql(s.principal.ability, 'read', 'Minutes', 'mn', params)
      : 'TRUE';
    const rows = (await s.em.query(
      `SELECT ${MINUTES_COLUMNS} FROM ${MINUTES_FROM}
        WHERE mn.council_id = $1 AND mn.meeting_id = $2 AND ${allowed}`,
      params,
    )) as MinutesRow[];
    return rows[0] ?? null;
  }

  /** Saves a draft as the next revision and returns its number. */
  async writeDraft(
    s: CouncilScope,
    meetingId: string,
    bodySealed: Buffer,
    by: string,
  ): Promise<number> {
    const rows = (await s.em.query(
      `UPDATE minutes SET revision = revision + 1, body = '', body_sealed = $3, updated_at = now(), updated_by = $4
        WHERE council_id = $1 AND meeting_id = $2 AND status = 'draft' RETURNING revision`,
      [s.councilId, meetingId, bodySealed, by],
    )) as [{ revision: number }[], number];
    return rows[0][0].revision;
  }

  async insertDecision(
    s: CouncilScope,
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
    await s.em.query(
      `INSERT INTO minutes_decisions (council_id, meeting_id, revision, position, text, case_id, status_change_id, support_plan_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        s.councilId,
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
    s: CouncilScope,
    meetingId: string,
    revision: number,
    position: number,
    a: { text: string; memberBodyId: string; dueOn: string; caseId: string | null },
  ): Promise<void> {
    await s.em.query(
      `INSERT INTO minutes_action_items (council_id, meeting_id, revision, position, text, member_body_id, due_on, case_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [s.councilId, meetingId, revision, position, a.text, a.memberBodyId, a.dueOn, a.caseId],
    );
  }

  async insertReview(
    s: CouncilScope,
    meetingId: string,
    revision: number,
    r: { caseId: string; outcome: ReviewOutcome; note?: string; nextReviewOn?: string },
  ): Promise<void> {
    await s.em.query(
      `INSERT INTO minutes_case_reviews (council_id, meeting_id, revision, case_id, outcome, note, next_review_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        s.councilId,
        meetingId,
        revision,
        r.caseId,
        r.outcome,
        r.note ?? null,
        r.nextReviewOn ?? null,
      ],
    );
  }

  async finalize(s: CouncilScope, meetingId: string, by: string): Promise<void> {
    await s.em.query(
      `UPDATE minutes SET status = 'final', finalized_at = now(), finalized_by = $3
        WHERE council_id = $1 AND meeting_id = $2 AND status = 'draft'`,
      [s.councilId, meetingId, by],
    );
  }

  async insertAddendum(
    s: CouncilScope,
    meetingId: string,
    a: { text: string; reason: string; authorUserId: string; authorStaffId: string | null },
  ): Promise<AddendumRow> {
    const rows = (await s.em.query(
      `INSERT INTO minutes_addenda (council_id, meeting_id, text, reason, author_user_id, author_staff_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, meeting_id AS "meetingId", text, reason, author_user_id AS "authorUserId",
                 author_staff_id AS "authorStaffId", created_at AS "createdAt"`,
      [s.councilId, meetingId, a.text, a.reason, a.authorUserId, a.authorStaffId],
    )) as AddendumRow[];
    return rows[0];
  }

  async addenda(s: CouncilScope, meetingId: string): Promise<AddendumRow[]> {
    return (await s.em.query(
      `SELECT id, meeting_id AS "meetingId", text, reason, author_user_id AS "authorUserId",
              author_staff_id AS "authorStaffId", created_at AS "createdAt"
         FROM minutes_addenda WHERE council_id = $1 AND meeting_id = $2 ORDER BY created_at, id`,
      [s.councilId, meetingId],
    )) as AddendumRow[];
  }

  async reviews(s: CouncilScope, meetingId: string): Promise<ReviewRow[]> {
    return (await s.em.query(
      `SELECT r.case_id AS "caseId", r.outcome, r.note, r.next_review_on AS "nextReviewOn"
         FROM minutes_case_reviews r ${currentRevision('r')}
         JOIN cases c ON c.council_id = r.council_id AND c.id = r.case_id
        WHERE r.council_id = $1 AND r.meeting_id = $2
        ORDER BY c.case_number`,
      [s.councilId, meetingId],
    )) as ReviewRow[];
  }

  /**
   * Decisions of the minutes' current revision. With `policy`, only those the caller's Decision
   * policy grants (as SQL); without, all of them (the caller may read the whole minutes).
   */
  async decisions(
    s: CouncilScope,
    filter: {
      meetingId?: string;
      caseId?: string;
      /** Only those about a case (any). */
      aboutCase?: boolean;
      after?: Position | null;
      limit?: number;
    },
    policy: boolean,
  ): Promise<DecisionRow[]> {
    const params: unknown[] = [
      s.councilId,
      filter.meetingId ?? null,
      filter.caseId ?? null,
      filter.after?.key ?? null,
      filter.after?.id ?? null,
      (filter.limit ?? 1000) + 1,
    ];
    const allowed = policy
      ? policySql(s.principal.ability, 'read', 'Decision', 'd', params)
      : 'TRUE';
    return (await s.em.query(
      `SELECT d.id, d.meeting_id AS "meetingId", m.held_at AS "heldAt", d.position, d.text, d.case_id AS "caseId",
              d.status_change_id AS "statusChangeId", h.status AS "statusChangeStatus", h.changed_at AS "statusChangedAt",
              d.support_plan_version AS "supportPlanVersion", mn.status AS "minutesStatus",
              to_char(m.held_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '/' || lpad(d.position::text, 6, '0') AS "sortKey"
         FROM minutes_decisions d ${currentRevision('d')}
         JOIN meetings m ON m.council_id = d.council_id AND m.id = d.meeting_id
         LEFT JOIN case_status_history h ON h.council_id = d.council_id AND h.id = d.status_change_id
        WHERE d.council_id = $1 AND ($2::uuid IS NULL OR d.meeting_id = $2) AND ($3::uuid IS NULL OR d.case_id = $3)
          ${filter.aboutCase ? 'AND d.case_id IS NOT NULL' : ''}
          AND ($4::text IS NULL OR (to_char(m.held_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '/' || lpad(d.position::text, 6, '0'), d.id) > ($4::text, $5::uuid))
          AND ${allowed}
        ORDER BY m.held_at, d.position, d.id LIMIT $6`,
      params,
    )) as DecisionRow[];
  }

  /**
   * Action items of the minutes' current revision: of one meeting in the minutes' order, else
   * by due date (keyset). With `policy`, only those the caller's ActionItem policy grants (as SQL).
   */
  async actionItems(
    s: CouncilScope,
    filter: {
      meetingId?: string;
      memberBodyId?: string;
      caseId?: string;
      /** Only those about a case (any). */
      aboutCase?: boolean;
      status?: ActionItemStatus;
      after?: Position | null;
      limit?: number;
    },
    policy: boolean,
  ): Promise<ActionItemRow[]> {
    const params: unknown[] = [
      s.councilId,
      filter.meetingId ?? null,
      filter.memberBodyId ?? null,
      filter.caseId ?? null,
      filter.status ?? null,
      filter.after?.key ?? null,
      filter.after?.id ?? null,
      (filter.limit ?? 1000) + 1,
    ];
    const allowed = policy
      ? policySql(s.principal.ability, 'read', 'ActionItem', 'i', params)
      : 'TRUE';
    return (await s.em.query(
      `SELECT ${ACTION_ITEM_COLUMNS}
         FROM minutes_action_items i ${currentRevision('i')}
        WHERE i.council_id = $1 AND ($2::uuid IS NULL OR i.meeting_id = $2)
          AND ($3::uuid IS NULL OR i.member_body_id = $3) AND ($4::uuid IS NULL OR i.case_id = $4)
          ${filter.aboutCase ? 'AND i.case_id IS NOT NULL' : ''}
          AND ($5::text IS NULL OR i.status = $5)
          AND ($6::text IS NULL OR (i.due_on::text, i.id) > ($6::text, $7::uuid))
          AND ${allowed}
        ORDER BY ${filter.meetingId ? 'i.position, i.id' : 'i.due_on, i.id'} LIMIT $8`,
      params,
    )) as ActionItemRow[];
  }

  /** Moves an item along, keeps the step in its history, and answers its new `updatedAt`. */
  async setActionItemStatus(
    s: CouncilScope,
    item: ActionItemRow,
    status: ActionItemStatus,
    by: string,
  ): Promise<Date> {
    const [rows] = (await s.em.query(
      `UPDATE minutes_action_items SET status = $3, updated_at = now(), updated_by = $4
        WHERE council_id = $1 AND id = $2 RETURNING updated_at AS "updatedAt"`,
      [s.councilId, item.id, status, by],
    )) as [{ updatedAt: Date }[], number];
    await s.em.query(
      `INSERT INTO minutes_action_item_history (council_id, action_item_id, from_status, to_status, changed_by)
       VALUES ($1, $2, $3, $4, $5)`,
      [s.councilId, item.id, item.status, status, by],
    );
    return rows[0].updatedAt;
  }

  // ---- references from the minutes ---------------------------------------------------------

  /** The latest change of the case to `status` recorded for this meeting, if any. */
  async statusChangeFor(
    s: CouncilScope,
    caseId: string,
    meetingId: string,
    status: 'open' | 'closed',
  ): Promise<string | null> {
    const rows = (await s.em.query(
      `SELECT id FROM case_status_history
        WHERE council_id = $1 AND case_id = $2 AND meeting_id = $3 AND status = $4
        ORDER BY changed_at DESC, id DESC LIMIT 1`,
      [s.councilId, caseId, meetingId, status],
    )) as { id: string }[];
    return rows[0]?.id ?? null;
  }

  async planVersionExists(s: CouncilScope, caseId: string, version: number): Promise<boolean> {
    const rows = (await s.em.query(
      `SELECT 1 FROM support_plans WHERE council_id = $1 AND case_id = $2 AND version = $3`,
      [s.councilId, caseId, version],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Member bodies of the council among `ids`, with whether each is a current member. */
  memberBodies(s: CouncilScope, ids: string[]): Promise<{ id: string; current: boolean }[]> {
    return memberBodyCurrency(s.em, s.councilId, ids);
  }

  /**
   * Of the (body, case) pairs, those where the body is not covered on the case now (the one
   * covered-assignment text): an action item about a case goes only to a body that may read it.
   */
  async uncoveredOwners(
    s: CouncilScope,
    pairs: { memberBodyId: string; caseId: string }[],
  ): Promise<{ memberBodyId: string; caseId: string }[]> {
    if (pairs.length === 0) return [];
    return (await s.em.query(
      `SELECT DISTINCT x.body AS "memberBodyId", x.case_id AS "caseId"
         FROM unnest($2::uuid[], $3::uuid[]) AS x(body, case_id)
         JOIN cases c ON c.council_id = $1 AND c.id = x.case_id
        WHERE NOT EXISTS (${coveredAssignmentSql('c', 'BODY = x.body')})`,
      [s.councilId, pairs.map((p) => p.memberBodyId), pairs.map((p) => p.caseId)],
    )) as { memberBodyId: string; caseId: string }[];
  }

  /**
   * The practitioners' review sets the case ledger's next review date (open cases only).
   * Returns the ids of the cases changed.
   */
  async scheduleReviews(
    s: CouncilScope,
    reviews: { caseId: string; nextReviewOn: string }[],
  ): Promise<string[]> {
    if (reviews.length === 0) return [];
    const rows = (await s.em.query(
      `UPDATE cases c SET review_due_on = x.d, updated_at = now()
         FROM unnest($2::uuid[], $3::date[]) AS x(id, d)
        WHERE c.council_id = $1 AND c.id = x.id AND c.status = 'open'
        RETURNING c.id`,
      [s.councilId, reviews.map((r) => r.caseId), reviews.map((r) => r.nextReviewOn)],
    )) as [{ id: string }[], number];
    return rows[0].map((r) => r.id);
  }
}

import { memberBodyInForce, staffInForce } from './in-force';
import { SubjectType } from './policy-catalog';
import {
  coveredAssignmentSql,
  meetingAttendanceSql,
  meetingFullyCoveredSql,
  meetingPartlyCoveredSql,
} from './subject-sql';

/**
 * Per subject: where its rows live and the columns (facts included) a policy decides on. The
 * access primitive loads a declared row through this, explain reads the same facts, so the
 * decision the API enforces and the one explain reports come from one source (issue 12 item 4).
 */
export interface SubjectTable {
  /** `table alias` */
  from: string;
  alias: string;
  /** The columns selected for the row, its policy facts included. */
  columns: string;
  /** The row's id column (e.g. `id`, or `meeting_id` for minutes, keyed by their meeting). */
  idColumn: string;
  /** The column naming the case the row belongs to, when it belongs to one. */
  caseIdColumn: string | null;
  /** What a 404 calls it. */
  label: string;
  /** `resource_type` of its audit events. */
  resourceType: string;
}

/** A case row with the facts policies decide on (visibleToBodyIds, fullScopeBodyIds). */
export interface CaseRow {
  councilId: string;
  id: string;
  caseNumber: string;
  status: 'open' | 'closed';
  familyName: string;
  givenName: string;
  familyNameKana: string | null;
  givenNameKana: string | null;
  birthDate: string | null;
  gender: string | null;
  address: string | null;
  phone: string | null;
  /** Only rows written before envelope encryption (issue 19); new ones are sealed. */
  sensitive: Record<string, unknown> | null;
  /** The `sensitive` object sealed under the case's data key (src/crypto/case-cipher.ts). */
  sensitiveSealed: Buffer | null;
  /** The case's wrapped data key (KEK id ‖ wrapped), read only when there is sealed content. */
  dataKeyRef: Buffer | null;
  /** Set once the case was disposed of (issue 19): its content is gone. */
  disposedAt: Date | null;
  summary: string;
  concerns: string[];
  reviewDueOn: string | null;
  riskLevel: 'low' | 'medium' | 'high' | 'urgent' | null;
  lastContactAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  sortKey: string;
  visibleToBodyIds: string[];
  fullScopeBodyIds: string[];
}

/**
 * The policy facts of case `c`, computed once per row (issue 15): one pass over its covered
 * assignments gives both sets — bodies with a covered assignment, and those among them with full
 * scope. A lateral join, so the select list can name both without running the subquery twice.
 * (An aggregate without GROUP BY always answers one row, so the join never drops a case.)
 */
export const CASE_COVERAGE = `CROSS JOIN LATERAL (${coveredAssignmentSql(
  'c',
  'TRUE',
  '',
  `COALESCE(array_agg(DISTINCT a.member_body_id), '{}') AS visible,
   COALESCE(array_agg(DISTINCT a.member_body_id) FILTER (WHERE a.scope = 'full'), '{}') AS full_scope`,
)}) cov`;

/** Cases with their policy facts: `FROM ${CASE_FROM}` gives `c` and its coverage `cov`. */
export const CASE_FROM = `cases c ${CASE_COVERAGE}`;

/**
 * The case columns plus the facts policies decide on, over `CASE_FROM` (also the benchmark's
 * direct path).
 */
export const CASE_COLUMNS = `
  c.council_id AS "councilId", c.id, c.case_number AS "caseNumber", c.status,
  c.family_name AS "familyName", c.given_name AS "givenName", c.family_name_kana AS "familyNameKana",
  c.given_name_kana AS "givenNameKana", c.birth_date AS "birthDate", c.gender, c.address, c.phone, c.sensitive,
  c.sensitive_sealed AS "sensitiveSealed", c.disposed_at AS "disposedAt",
  CASE WHEN c.sensitive_sealed IS NULL THEN NULL ELSE (SELECT convert_to(dk.kek_id, 'UTF8') || dk.wrapped
     FROM data_keys dk WHERE dk.council_id = c.council_id AND dk.owner_type = 'case' AND dk.owner_id = c.id) END AS "dataKeyRef",
  c.summary, c.concerns, c.review_due_on AS "reviewDueOn", c.risk_level AS "riskLevel",
  c.last_contact_at AS "lastContactAt", c.created_at AS "createdAt", c.updated_at AS "updatedAt",
  to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "sortKey",
  cov.visible AS "visibleToBodyIds", cov.full_scope AS "fullScopeBodyIds"`;

/** A member body as structure use cases load it (its policy facts: councilId, id). */
export interface MemberBodyFacts {
  councilId: string;
  id: string;
  name: string;
  kind: string;
  joinedOn: string;
  leftOn: string | null;
  /** In force today (in-force.ts). */
  current: boolean;
}

/** A staff record as structure use cases load it (its policy facts: councilId, id, userId, memberBodyId). */
export interface StaffFacts {
  councilId: string;
  id: string;
  /** Null while the record is a pending invitation. */
  userId: string | null;
  acceptedAt: Date | null;
  memberBodyId: string;
  role: string;
  startedOn: string;
  endedOn: string | null;
  /** In force today, its body included (in-force.ts). */
  active: boolean;
}
/**
 * The facts every record of a meeting carries (the meeting, its minutes, decisions, action
 * items): whose attendance still counts, and which bodies are covered now on every case the
 * meeting discussed. `meetingColumn` holds the meeting id on the record's table.
 */
const meetingFacts = (alias: string, meetingColumn: string) => `
  ARRAY(${meetingAttendanceSql(alias, meetingColumn, 'TRUE', 'ma.staff_id')}) AS "attendeeStaffIds",
  ARRAY(${meetingFullyCoveredSql(alias, meetingColumn, 'TRUE', 'fcb.id')}) AS "allCasesVisibleToBodyIds"`;

/** Bodies covered now on the case a decision or action item is about (none when it names none). */
const caseFacts = (alias: string) =>
  `ARRAY(${coveredAssignmentSql(alias, 'TRUE', '', 'DISTINCT a.member_body_id', 'case_id')}) AS "caseVisibleToBodyIds"`;

/** Only the current revision of the minutes' content: earlier drafts stay, but are history. */
export const currentRevision = (alias: string): string =>
  `JOIN minutes mn ON mn.council_id = ${alias}.council_id AND mn.meeting_id = ${alias}.meeting_id AND mn.revision = ${alias}.revision`;

/** A meeting with its minutes' state. */
export const MEETING_FROM = `meetings m JOIN minutes mn ON mn.council_id = m.council_id AND mn.meeting_id = m.id`;

/** A meeting's columns plus the facts policies decide on (lists project each row with them). */
export const MEETING_COLUMNS = `
  m.council_id AS "councilId", m.id, m.tier, m.title, m.held_at AS "heldAt", m.place,
  m.created_at AS "createdAt", m.created_by AS "createdBy",
  to_char(m.held_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "sortKey",
  mn.status AS "minutesStatus", mn.revision AS "minutesRevision", mn.finalized_at AS "finalizedAt",
  ${meetingFacts('m', 'id')},
  ARRAY(${meetingPartlyCoveredSql('m', 'id', 'TRUE', 'pcb.id')}) AS "anyCaseVisibleToBodyIds"`;

/** The minutes' own columns (their meeting's tier included). */
export const MINUTES_COLUMNS = `
  mn.council_id AS "councilId", mn.meeting_id AS "meetingId", m.tier, mn.revision, mn.body,
  mn.body_sealed AS "bodySealed", mn.status,
  mn.updated_at AS "updatedAt", mn.updated_by AS "updatedBy", mn.finalized_at AS "finalizedAt", mn.finalized_by AS "finalizedBy"`;

export const MINUTES_FROM = `minutes mn JOIN meetings m ON m.council_id = mn.council_id AND m.id = mn.meeting_id`;

/** An action item's columns, with the state of the minutes it belongs to. */
export const ACTION_ITEM_COLUMNS = `
  i.id, i.meeting_id AS "meetingId", i.position, i.text, i.member_body_id AS "memberBodyId",
  i.due_on AS "dueOn", i.case_id AS "caseId", i.status, i.updated_at AS "updatedAt", mn.status AS "minutesStatus"`;

/**
 * A related person's own columns (restricted and sensitive ones included: projected later). The
 * personal ones are sealed under the case's data key (`*Sealed`, issue 19); the plain ones are
 * only set on rows written before that.
 */
export const RELATED_PERSON_COLUMNS = `
  rp.council_id AS "councilId", rp.id, rp.case_id AS "caseId", rp.relation, rp.relation_text AS "relationText",
  rp.family_name AS "familyName", rp.given_name AS "givenName", rp.family_name_kana AS "familyNameKana",
  rp.given_name_kana AS "givenNameKana", rp.birth_date AS "birthDate", rp.address, rp.phone, rp.sensitive,
  rp.family_name_sealed AS "familyNameSealed", rp.given_name_sealed AS "givenNameSealed",
  rp.family_name_kana_sealed AS "familyNameKanaSealed", rp.given_name_kana_sealed AS "givenNameKanaSealed",
  rp.birth_date_sealed AS "birthDateSealed", rp.address_sealed AS "addressSealed", rp.phone_sealed AS "phoneSealed",
  rp.sensitive_sealed AS "sensitiveSealed",
  rp.supported, rp.created_at AS "createdAt", rp.updated_at AS "updatedAt"`;

/** A case as a record (issue 19): its skeleton and lifecycle, no content. */
export interface CaseRecordRow {
  councilId: string;
  id: string;
  /** The same id, so the access layer's audit event names the case (DESIGN.md §3.10). */
  caseId: string;
  caseNumber: string;
  status: 'open' | 'closed';
  /** The day it closed, in the council's calendar (YYYY-MM-DD), or null while open. */
  closedOn: string | null;
  disposedAt: Date | null;
}

export const SUBJECT_TABLES: Partial<Record<SubjectType, SubjectTable>> = {
  // No caseIdColumn: a closed case is what retention acts on, so the closed-case rule (409) must
  // not apply; the row names its case as caseId for the audit event all the same.
  CaseRecord: {
    from: 'cases cr',
    alias: 'cr',
    columns: `cr.council_id AS "councilId", cr.id, cr.id AS "caseId", cr.case_number AS "caseNumber", cr.status,
              (cr.closed_at)::date::text AS "closedOn", cr.disposed_at AS "disposedAt"`,
    idColumn: 'id',
    caseIdColumn: null,
    label: 'Case',
    resourceType: 'case',
  },
  SubjectRequest: {
    from: 'subject_requests sr',
    alias: 'sr',
    columns: `sr.council_id AS "councilId", sr.id, sr.case_id AS "caseId"`,
    idColumn: 'id',
    caseIdColumn: 'case_id',
    label: 'Subject request',
    resourceType: 'subject_request',
  },
  MemberBody: {
    from: 'member_bodies mb',
    alias: 'mb',
    columns: `mb.council_id AS "councilId", mb.id, mb.name, mb.kind, mb.joined_on AS "joinedOn", mb.left_on AS "leftOn",
              ${memberBodyInForce('mb')} AS current`,
    idColumn: 'id',
    caseIdColumn: null,
    label: 'Member body',
    resourceType: 'member_body',
  },
  Staff: {
    from: 'staff st JOIN member_bodies smb ON smb.council_id = st.council_id AND smb.id = st.member_body_id',
    alias: 'st',
    columns: `st.council_id AS "councilId", st.id, st.user_id AS "userId", st.member_body_id AS "memberBodyId", st.role,
              st.started_on AS "startedOn", st.ended_on AS "endedOn", st.accepted_at AS "acceptedAt",
              ${staffInForce('st', 'smb')} AS active`,
    idColumn: 'id',
    caseIdColumn: null,
    label: 'Staff',
    resourceType: 'staff',
  },
  Case: {
    from: CASE_FROM,
    alias: 'c',
    columns: CASE_COLUMNS,
    idColumn: 'id',
    caseIdColumn: 'id',
    label: 'Case',
    resourceType: 'case',
  },
  Note: {
    from: 'case_notes n',
    alias: 'n',
    columns: `n.council_id AS "councilId", n.id, n.case_id AS "caseId", n.sensitive,
              ARRAY(${coveredAssignmentSql('n', 'TRUE', ` AND a.scope = 'full'`, 'DISTINCT a.member_body_id', 'case_id')}) AS "caseFullScopeBodyIds"`,
    idColumn: 'id',
    caseIdColumn: 'case_id',
    label: 'Note',
    resourceType: 'note',
  },
  PlanAction: {
    from: 'plan_actions pa',
    alias: 'pa',
    columns: `pa.council_id AS "councilId", pa.id, pa.plan_id AS "planId", pa.case_id AS "caseId", pa.position, pa.text,
              pa.member_body_id AS "memberBodyId", pa.due_on AS "dueOn", pa.status, pa.updated_at AS "updatedAt",
              pa.plan_id = (SELECT sp.id FROM support_plans sp WHERE sp.council_id = pa.council_id AND sp.case_id = pa.case_id
                             ORDER BY sp.version DESC LIMIT 1) AS current`,
    idColumn: 'id',
    caseIdColumn: 'case_id',
    label: 'Action',
    resourceType: 'plan_action',
  },
  InfoRequest: {
    from: 'info_requests r',
    alias: 'r',
    columns: `r.council_id AS "councilId", r.id, r.case_id AS "caseId", r.member_body_id AS "memberBodyId"`,
    idColumn: 'id',
    caseIdColumn: 'case_id',
    label: 'Information request',
    resourceType: 'info_request',
  },
  Meeting: {
    from: MEETING_FROM,
    alias: 'm',
    columns: MEETING_COLUMNS,
    idColumn: 'id',
    caseIdColumn: null,
    label: 'Meeting',
    resourceType: 'meeting',
  },
  // 当事者等 of a case (issue 17): loaded by id through the policy, with the case's full-scope bodies.
  RelatedPerson: {
    from: 'case_related_persons rp',
    alias: 'rp',
    columns: `${RELATED_PERSON_COLUMNS},
              ARRAY(${coveredAssignmentSql('rp', 'TRUE', ` AND a.scope = 'full'`, 'DISTINCT a.member_body_id', 'case_id')}) AS "caseFullScopeBodyIds"`,
    idColumn: 'id',
    caseIdColumn: 'case_id',
    label: 'Related person',
    resourceType: 'related_person',
  },
  // A contact of a case's log (issue 17): who made it and whether its note is 要配慮.
  Contact: {
    from: 'case_contacts ct',
    alias: 'ct',
    columns: `ct.council_id AS "councilId", ct.id, ct.case_id AS "caseId", ct.member_body_id AS "memberBodyId", ct.sensitive,
              ARRAY(${coveredAssignmentSql('ct', 'TRUE', ` AND a.scope = 'full'`, 'DISTINCT a.member_body_id', 'case_id')}) AS "caseFullScopeBodyIds"`,
    idColumn: 'id',
    caseIdColumn: 'case_id',
    label: 'Contact',
    resourceType: 'contact',
  },
  // Minutes are keyed by their meeting (one each); a 404 about them speaks of the meeting.
  Minutes: {
    from: MINUTES_FROM,
    alias: 'mn',
    columns: `${MINUTES_COLUMNS}, ${meetingFacts('mn', 'meeting_id')}`,
    idColumn: 'meeting_id',
    caseIdColumn: null,
    label: 'Meeting',
    resourceType: 'minutes',
  },
  // Decisions and action items of the minutes' current revision only.
  Decision: {
    from: `minutes_decisions d ${currentRevision('d')}`,
    alias: 'd',
    columns: `d.council_id AS "councilId", d.id, d.meeting_id AS "meetingId", d.case_id AS "caseId",
              ${meetingFacts('d', 'meeting_id')}, ${caseFacts('d')}`,
    idColumn: 'id',
    caseIdColumn: 'case_id',
    label: 'Decision',
    resourceType: 'decision',
  },
  ActionItem: {
    from: `minutes_action_items i ${currentRevision('i')}`,
    alias: 'i',
    columns: `i.council_id AS "councilId", ${ACTION_ITEM_COLUMNS}, ${meetingFacts('i', 'meeting_id')}, ${caseFacts('i')}`,
    idColumn: 'id',
    caseIdColumn: 'case_id',
    label: 'Action item',
    resourceType: 'action_item',
  },
  // The referral's policy facts only; its content is read by the referrals repository.
  Referral: {
    from: 'referrals rf',
    alias: 'rf',
    columns: `rf.council_id AS "councilId", rf.id, rf.member_body_id AS "memberBodyId", rf.status`,
    idColumn: 'id',
    caseIdColumn: null,
    label: 'Referral',
    resourceType: 'referral',
  },
};

/** Anything that runs a query: a transaction's manager, or a test's pg client adapter. */
export interface Queryable {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/**
 * A record's policy facts regardless of the caller's policy: for deciding about it (explain,
 * policy tests), never for returning it.
 */
export async function loadFacts<R = Record<string, unknown>>(
  q: Queryable,
  subject: SubjectType,
  councilId: string,
  id: string,
): Promise<R | null> {
  const table = SUBJECT_TABLES[subject];
  if (!table) return null;
  const a = table.alias;
  const rows = (await q.query(
    `SELECT ${table.columns} FROM ${table.from} WHERE ${a}.council_id = $1 AND ${a}.${table.idColumn} = $2`,
    [councilId, id],
  )) as R[];
  return rows[0] ?? null;
}

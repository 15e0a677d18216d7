import { memberBodyInForce, staffInForce, statutoryBasisInForce } from './in-force';
import { SubjectType } from './policy-catalog';

/**
 * How each condition field of a subject becomes SQL, given the alias of the subject's table.
 * `column` fields compare a column; `bodySet` fields ("the set of member bodies for which …",
 * or of the staff who attended a meeting) become EXISTS subqueries so the database, not the
 * application, decides which rows exist.
 */
export type FieldSql =
  | { kind: 'column'; column: (alias: string) => string }
  | { kind: 'bodySet'; exists: (alias: string, bodyPredicate: string) => string };

const col = (name: string): FieldSql => ({ kind: 'column', column: (a) => `${a}.${name}` });

/**
 * Whether assignment `a` (joined to its member body as `amb`) gives its body access today: it
 * is active, the body is still a member, and it rests on a recorded statutory basis whose review
 * date has not passed (a lapsed basis covers nothing until renewed, issue 17) or on consent that
 * names the body and is obtained, unexpired and not withdrawn (DESIGN.md §3.1).
 * Withdrawal or expiry therefore ends access on the very next query: nothing is cached.
 */
export const ASSIGNMENT_COVERED = `a.ended_at IS NULL
       AND ${memberBodyInForce('amb')}
       AND (${statutoryBasisInForce('a')} OR EXISTS (
             SELECT 1 FROM consents cs
               JOIN consent_bodies cb ON cb.council_id = cs.council_id AND cb.consent_id = cs.id
              WHERE cs.council_id = a.council_id AND cs.case_id = a.case_id AND cb.member_body_id = a.member_body_id
                AND cs.withdrawn_on IS NULL AND cs.obtained_on <= current_date
                AND (cs.expires_on IS NULL OR cs.expires_on >= current_date)))`;

/**
 * The covered assignments of case `caseAlias` whose body satisfies `bodyPredicate` (with BODY
 * standing for the body id). The same text defines the SQL filter and the in-memory facts
 * (cases.repository.ts), so the SQL filter and ability.can agree by construction.
 */
export function coveredAssignmentSql(
  caseAlias: string,
  bodyPredicate: string,
  extra = '',
  select = '1',
  /** The column of `caseAlias` holding the case id: `id` on cases, `case_id` on records about one. */
  caseIdColumn = 'id',
): string {
  return `SELECT ${select} FROM case_assignments a
      JOIN member_bodies amb ON amb.council_id = a.council_id AND amb.id = a.member_body_id
     WHERE a.council_id = ${caseAlias}.council_id AND a.case_id = ${caseAlias}.${caseIdColumn}${extra}
       AND ${bodyPredicate.replace(/\bBODY\b/g, 'a.member_body_id')}
       AND ${ASSIGNMENT_COVERED}`;
}

/**
 * The attendance rows of the meeting that `alias` belongs to (its id in `meetingColumn`) that
 * still count, whose staff member satisfies `staffPredicate`. An attendance counts while the
 * staff record is in force for the SAME body it attended for (meeting_attendees.member_body_id):
 * ending the record, the body leaving, or moving the record to another body ends it (issue 12).
 * Set fields reach us with BODY standing for "the member of the set" (sql-filter.ts); for
 * attendance the members are staff ids. Like coveredAssignmentSql, the same text gives the SQL
 * filter and the in-memory facts.
 */
export function meetingAttendanceSql(
  alias: string,
  meetingColumn: string,
  staffPredicate: string,
  select = '1',
): string {
  return `SELECT ${select} FROM meeting_attendees ma
      JOIN staff ast ON ast.council_id = ma.council_id AND ast.id = ma.staff_id AND ast.member_body_id = ma.member_body_id
      JOIN member_bodies asb ON asb.council_id = ma.council_id AND asb.id = ma.member_body_id
     WHERE ma.council_id = ${alias}.council_id AND ma.meeting_id = ${alias}.${meetingColumn}
       AND ${staffInForce('ast', 'asb')}
       AND ${staffPredicate.replace(/\bBODY\b/g, 'ma.staff_id')}`;
}

/**
 * The member bodies (satisfying `bodyPredicate`, BODY standing for the body id) that are covered
 * now on EVERY case the meeting of `alias` discussed (DESIGN.md §3.9: attending a meeting once is
 * not coverage). A meeting that discussed no case (representatives) has every body of the
 * council in this set.
 */
export function meetingFullyCoveredSql(
  alias: string,
  meetingColumn: string,
  bodyPredicate: string,
  select = '1',
): string {
  return `SELECT ${select} FROM member_bodies fcb
     WHERE fcb.council_id = ${alias}.council_id AND ${bodyPredicate.replace(/\bBODY\b/g, 'fcb.id')}
       AND NOT EXISTS (SELECT 1 FROM meeting_cases fmc
             WHERE fmc.council_id = ${alias}.council_id AND fmc.meeting_id = ${alias}.${meetingColumn}
               AND NOT EXISTS (${coveredAssignmentSql('fmc', 'BODY = fcb.id', '', '1', 'case_id')}))`;
}

/**
 * The member bodies (satisfying `bodyPredicate`) covered now on AT LEAST ONE case the meeting of
 * `alias` discussed.
 */
export function meetingPartlyCoveredSql(
  alias: string,
  meetingColumn: string,
  bodyPredicate: string,
  select = '1',
): string {
  return `SELECT ${select} FROM member_bodies pcb
     WHERE pcb.council_id = ${alias}.council_id AND ${bodyPredicate.replace(/\bBODY\b/g, 'pcb.id')}
       AND EXISTS (SELECT 1 FROM meeting_cases pmc
             WHERE pmc.council_id = ${alias}.council_id AND pmc.meeting_id = ${alias}.${meetingColumn}
               AND EXISTS (${coveredAssignmentSql('pmc', 'BODY = pcb.id', '', '1', 'case_id')}))`;
}

/** Attendance of the meeting a record belongs to (its id in `meetingColumn`). */
const attendedBy = (meetingColumn: string): FieldSql => ({
  kind: 'bodySet',
  exists: (a, p) => meetingAttendanceSql(a, meetingColumn, p),
});

/** Bodies covered now on every case the record's meeting discussed. */
const allCasesVisibleTo = (meetingColumn: string): FieldSql => ({
  kind: 'bodySet',
  exists: (a, p) => meetingFullyCoveredSql(a, meetingColumn, p),
});

/** Bodies with a covered assignment on the case a record is about (its `case_id`; none if null). */
const caseVisibleTo: FieldSql = {
  kind: 'bodySet',
  exists: (a, p) => coveredAssignmentSql(a, p, '', '1', 'case_id'),
};

/** Bodies covered with scope full on the case a record is about (its `case_id`). */
const caseFullScopeOf: FieldSql = {
  kind: 'bodySet',
  exists: (a, p) => coveredAssignmentSql(a, p, ` AND a.scope = 'full'`, '1', 'case_id'),
};

export const SUBJECT_SQL: Partial<Record<SubjectType, Record<string, FieldSql>>> = {
  Council: { id: col('id') },
  MemberBody: { councilId: col('council_id'), id: col('id') },
  Staff: {
    councilId: col('council_id'),
    id: col('id'),
    userId: col('user_id'),
    memberBodyId: col('member_body_id'),
  },
  Pledge: { councilId: col('council_id') },
  Case: {
    councilId: col('council_id'),
    id: col('id'),
    status: col('status'),
    visibleToBodyIds: { kind: 'bodySet', exists: (a, p) => coveredAssignmentSql(a, p) },
    fullScopeBodyIds: {
      kind: 'bodySet',
      exists: (a, p) => coveredAssignmentSql(a, p, ` AND a.scope = 'full'`),
    },
  },
  Consent: { councilId: col('council_id'), caseId: col('case_id') },
  Assignment: {
    councilId: col('council_id'),
    caseId: col('case_id'),
    memberBodyId: col('member_body_id'),
  },
  Note: {
    councilId: col('council_id'),
    caseId: col('case_id'),
    sensitive: col('sensitive'),
    caseFullScopeBodyIds: {
      kind: 'bodySet',
      exists: (a, p) => coveredAssignmentSql(a, p, ` AND a.scope = 'full'`, '1', 'case_id'),
    },
  },
  Plan: { councilId: col('council_id'), caseId: col('case_id') },
  PlanAction: {
    councilId: col('council_id'),
    caseId: col('case_id'),
    memberBodyId: col('member_body_id'),
  },
  InfoRequest: {
    councilId: col('council_id'),
    caseId: col('case_id'),
    memberBodyId: col('member_body_id'),
  },
  AuditEvent: { councilId: col('council_id') },
  AccessDecision: { councilId: col('council_id') },
  Worklist: { councilId: col('council_id') },
  Report: { councilId: col('council_id') },
  CaseRecord: { councilId: col('council_id'), id: col('id') },
  RetentionSchedule: { councilId: col('council_id') },
  SubjectRequest: { councilId: col('council_id'), caseId: col('case_id') },
  Meeting: {
    councilId: col('council_id'),
    id: col('id'),
    tier: col('tier'),
    attendeeStaffIds: attendedBy('id'),
    allCasesVisibleToBodyIds: allCasesVisibleTo('id'),
    anyCaseVisibleToBodyIds: {
      kind: 'bodySet',
      exists: (a, p) => meetingPartlyCoveredSql(a, 'id', p),
    },
  },
  Minutes: {
    councilId: col('council_id'),
    meetingId: col('meeting_id'),
    status: col('status'),
    attendeeStaffIds: attendedBy('meeting_id'),
    allCasesVisibleToBodyIds: allCasesVisibleTo('meeting_id'),
  },
  Decision: {
    councilId: col('council_id'),
    meetingId: col('meeting_id'),
    caseId: col('case_id'),
    attendeeStaffIds: attendedBy('meeting_id'),
    allCasesVisibleToBodyIds: allCasesVisibleTo('meeting_id'),
    caseVisibleToBodyIds: caseVisibleTo,
  },
  ActionItem: {
    councilId: col('council_id'),
    meetingId: col('meeting_id'),
    caseId: col('case_id'),
    memberBodyId: col('member_body_id'),
    attendeeStaffIds: attendedBy('meeting_id'),
    allCasesVisibleToBodyIds: allCasesVisibleTo('meeting_id'),
    caseVisibleToBodyIds: caseVisibleTo,
  },
  Referral: {
    councilId: col('council_id'),
    id: col('id'),
    memberBodyId: col('member_body_id'),
    status: col('status'),
  },
  RelatedPerson: {
    councilId: col('council_id'),
    caseId: col('case_id'),
    caseFullScopeBodyIds: caseFullScopeOf,
  },
  Risk: { councilId: col('council_id'), caseId: col('case_id') },
  Contact: {
    councilId: col('council_id'),
    caseId: col('case_id'),
    memberBodyId: col('member_body_id'),
    sensitive: col('sensitive'),
    caseFullScopeBodyIds: caseFullScopeOf,
  },
};

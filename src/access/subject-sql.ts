import { SubjectType } from './policy-catalog';

/**
 * How each condition field of a subject becomes SQL, given the alias of the subject's table.
 * `column` fields compare a column; `bodySet` fields ("the set of member bodies for which …")
 * become EXISTS subqueries so the database, not the application, decides which rows exist.
 */
export type FieldSql =
  | { kind: 'column'; column: (alias: string) => string }
  | { kind: 'bodySet'; exists: (alias: string, bodyPredicate: string) => string };

const col = (name: string): FieldSql => ({ kind: 'column', column: (a) => `${a}.${name}` });

/**
 * Whether assignment `a` (joined to its member body as `amb`) gives its body access today: it
 * is active, the body is still a member, and it rests on a recorded statutory basis or on
 * consent that names the body and is obtained, unexpired and not withdrawn (DESIGN.md §3.1).
 * Withdrawal or expiry therefore ends access on the very next query: nothing is cached.
 */
export const ASSIGNMENT_COVERED = `a.ended_at IS NULL
       AND (amb.left_on IS NULL OR amb.left_on > current_date)
       AND (a.basis = 'statutory' OR EXISTS (
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
): string {
  return `SELECT ${select} FROM case_assignments a
      JOIN member_bodies amb ON amb.council_id = a.council_id AND amb.id = a.member_body_id
     WHERE a.council_id = ${caseAlias}.council_id AND a.case_id = ${caseAlias}.id${extra}
       AND ${bodyPredicate.replace(/\bBODY\b/g, 'a.member_body_id')}
       AND ${ASSIGNMENT_COVERED}`;
}

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
  Note: { councilId: col('council_id'), caseId: col('case_id') },
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
};

import { subject } from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import { AppAbility } from '../access/ability.factory';
import { RULE_FIELDS } from '../access/policy-catalog';
import { CaseCipher } from '../crypto/case-cipher';
import { Concern, SENSITIVE_CONCERNS } from './case.dto';
import { AssignmentRow, CaseRow, ConsentRow } from './cases.repository';

/** Every readable field of a case, as policies name them (policies/agency_staff.yaml). */
export const CASE_FIELDS = RULE_FIELDS.Case as readonly string[];

const SUBJECT_FIELDS = [
  'familyName',
  'givenName',
  'familyNameKana',
  'givenNameKana',
  'birthDate',
  'gender',
  'address',
  'phone',
] as const;

export type CaseView = Record<string, unknown>;

/** The row as CASL sees it: the case plus the facts its conditions speak about. */
export const caseSubject = (row: CaseRow) =>
  subject('Case', { ...row } as CaseRow & Record<string, unknown>);

/**
 * The event of an assignment ended by something else than its own end (the case closed, the
 * body left): one per assignment, in the `also` of that use case, so each case's access report
 * shows it (DESIGN.md §3.10).
 */
export const assignmentEnded = (
  a: { id: string; caseId: string; memberBodyId: string },
  reason: 'case_closed' | 'member_body_left',
) => ({
  action: 'assignment.end',
  resourceType: 'assignment',
  resourceId: a.id,
  resourceIds: [a.memberBodyId],
  caseId: a.caseId,
  reason,
});

export const assignmentView = (a: AssignmentRow) => ({
  id: a.id,
  memberBodyId: a.memberBodyId,
  role: a.role,
  scope: a.scope,
  basis: a.basis,
  basisNote: a.basisNote,
  basisCode: a.basisCode,
  basisText: a.basisText,
  basisMeetingId: a.basisMeetingId,
  reviewOn: a.reviewOn,
  startedAt: a.startedAt.toISOString(),
  endedAt: a.endedAt?.toISOString() ?? null,
  endReason: a.endReason,
  /** False when access has lapsed: ended, body left, or its consent withdrawn or expired. */
  active: a.covered,
  accessEndedReason: a.accessEndedReason,
});

export const consentView = (c: ConsentRow) => ({
  id: c.id,
  memberBodyIds: c.memberBodyIds,
  method: c.method,
  obtainedOn: c.obtainedOn,
  expiresOn: c.expiresOn,
  note: c.note,
  withdrawnOn: c.withdrawnOn,
  withdrawnReason: c.withdrawnReason,
  createdAt: c.createdAt.toISOString(),
  active: c.active,
  /** An unconfirmed signed form is shown as such until a coordinator confirms it (issue 18). */
  formStatus: c.formStatus,
});

/**
 * The case's `sensitive` object: opened with the case's data key (issue 19), which the row
 * carries wrapped; null once the case was disposed of (its key destroyed). Rows written before
 * envelope encryption still hold it in plain text.
 */
export function sensitiveOf(cipher: CaseCipher, row: CaseRow): Record<string, unknown> | null {
  if (!row.sensitiveSealed) return row.sensitive;
  const key = cipher.fromRef(row.councilId, { type: 'case', id: row.id }, row.dataKeyRef);
  return key
    ? (JSON.parse(key.open('case.sensitive', row.sensitiveSealed)) as Record<string, unknown>)
    : null;
}

/**
 * Field projection (DESIGN.md §4): only fields the caller's rules permit for this very row leave
 * the server. Restricted fields (address, phone, sensitive) need a rule that grants them; the
 * sealed `sensitive` object is decrypted only when it does (§3.9).
 */
export function projectCase(
  ability: AppAbility,
  row: CaseRow,
  cipher: CaseCipher,
  extra: { assignments?: AssignmentRow[]; activeConsents?: ConsentRow[] } = {},
): CaseView {
  const allowed = new Set(
    permittedFieldsOf(ability, 'read', caseSubject(row), {
      fieldsFrom: (rule) => rule.fields ?? [...CASE_FIELDS],
    }),
  );
  const values: Record<string, unknown> = {
    id: row.id,
    caseNumber: row.caseNumber,
    status: row.status,
    familyName: row.familyName,
    givenName: row.givenName,
    familyNameKana: row.familyNameKana,
    givenNameKana: row.givenNameKana,
    birthDate: row.birthDate,
    gender: row.gender,
    address: row.address,
    phone: row.phone,
    sensitive: allowed.has('sensitive') ? sensitiveOf(cipher, row) : undefined,
    summary: row.summary,
    // Limited scope: the sensitive concern codes go with the sensitive object (§3.9).
    concerns: allowed.has('sensitive')
      ? row.concerns
      : row.concerns.filter((c) => !SENSITIVE_CONCERNS.has(c as Concern)),
    reviewDueOn: row.reviewDueOn,
    riskLevel: row.riskLevel,
    lastContactAt: row.lastContactAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    assignments: extra.assignments?.map(assignmentView),
    activeConsents: extra.activeConsents?.map(consentView),
  };
  const view: CaseView = {};
  const subjectView: Record<string, unknown> = {};
  for (const field of CASE_FIELDS) {
    if (!allowed.has(field) || values[field] === undefined) continue;
    if ((SUBJECT_FIELDS as readonly string[]).includes(field)) subjectView[field] = values[field];
    else view[field] = values[field];
  }
  return {
    id: view.id,
    caseNumber: view.caseNumber,
    status: view.status,
    subject: subjectView,
    ...view,
  };
}

/** The fields an update touches, in policy names (subject fields are flattened). */
export function fieldsOfUpdate(dto: { subject?: object } & Record<string, unknown>): string[] {
  const top = Object.keys(dto).filter((k) => k !== 'subject' && dto[k] !== undefined);
  const nested = dto.subject
    ? Object.keys(dto.subject).filter(
        (k) => (dto.subject as Record<string, unknown>)[k] !== undefined,
      )
    : [];
  return [...top, ...nested];
}

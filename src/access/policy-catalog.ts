/**
 * What policies may speak about: actions, subjects, the fields each subject's conditions may
 * use, and which subjects need the pledge. The SQL filter knows how to turn exactly these
 * fields into SQL (subject-sql.ts), so the loader refuses anything else at start-up.
 */
export const ACTIONS = [
  'read',
  'create',
  'update',
  'leave',
  'end',
  'designate',
  'accept',
  'publish',
  'withdraw',
  'verify',
  'export',
  'close',
  'reopen',
  'respond',
] as const;
export type Action = (typeof ACTIONS)[number];

export const SUBJECTS = [
  'Council',
  'MemberBody',
  'Staff',
  'Pledge',
  'Case',
  'Consent',
  'Assignment',
  'Note',
  'Plan',
  'PlanAction',
  'InfoRequest',
  'AuditEvent',
  'AccessDecision',
  'Statistics',
  'PublicNotice',
] as const;
export type SubjectType = (typeof SUBJECTS)[number];

export const ROLES = [
  'coordinator',
  'agency_staff',
  'auditor',
  'system_admin',
  'platform_client',
] as const;
export type PolicyRole = (typeof ROLES)[number];

/** Condition fields per subject. Empty: the subject takes no conditions (not council data). */
export const CONDITION_FIELDS: Record<SubjectType, readonly string[]> = {
  Council: ['id'],
  MemberBody: ['councilId', 'id'],
  Staff: ['councilId', 'id', 'userId', 'memberBodyId'],
  Pledge: ['councilId'],
  Case: ['councilId', 'id', 'status', 'visibleToBodyIds', 'fullScopeBodyIds'],
  Consent: ['councilId', 'caseId'],
  Assignment: ['councilId', 'caseId', 'memberBodyId'],
  Note: ['councilId', 'caseId'],
  Plan: ['councilId', 'caseId'],
  PlanAction: ['councilId', 'caseId', 'memberBodyId'],
  InfoRequest: ['councilId', 'caseId', 'memberBodyId'],
  AuditEvent: ['councilId'],
  AccessDecision: ['councilId'],
  Statistics: [],
  PublicNotice: [],
};

/** The condition that ties a subject to the request's council (required on every rule of it). */
export const COUNCIL_FIELD: Partial<Record<SubjectType, string>> = {
  Council: 'id',
  MemberBody: 'councilId',
  Staff: 'councilId',
  Pledge: 'councilId',
  Case: 'councilId',
  Consent: 'councilId',
  Assignment: 'councilId',
  Note: 'councilId',
  Plan: 'councilId',
  PlanAction: 'councilId',
  InfoRequest: 'councilId',
  AuditEvent: 'councilId',
  AccessDecision: 'councilId',
};

/** Rules that exist before any council does, so cannot be council-scoped. */
export const UNSCOPED_RULES: readonly { action: Action; subject: SubjectType }[] = [
  { action: 'create', subject: 'Council' },
];

/** Case, meeting and audit content: reachable only after accepting the current pledge (Art. 18). */
export const PLEDGE_SUBJECTS: ReadonlySet<SubjectType> = new Set([
  'Case',
  'Consent',
  'Assignment',
  'Note',
  'Plan',
  'PlanAction',
  'InfoRequest',
  'AuditEvent',
  'AccessDecision',
]);

/** Fields of a case that only coordinators and bodies with a full-scope assignment may see. */
export const RESTRICTED_CASE_FIELDS = ['address', 'phone', 'sensitive'] as const;

export const PLACEHOLDERS = [
  '${council.id}',
  '${staff.id}',
  '${staff.memberBodyId}',
  '${user.id}',
] as const;

export interface RawPolicyRule {
  id: string;
  action: Action | Action[];
  subject: SubjectType;
  fields?: string[];
  conditions?: Record<string, unknown>;
  inverted?: boolean;
  reason?: string;
}

export interface PolicyFile {
  role: PolicyRole;
  rules: RawPolicyRule[];
}

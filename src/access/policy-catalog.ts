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
  // Minutes: locking a draft as the record, and correcting final minutes with an addendum.
  'finalize',
  'amend',
  // Retention (issue 19): placing or releasing a legal hold, and disposing of a case's content.
  'hold',
  'dispose',
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
  // What is due for the caller (GET …/worklist): items of several subjects, each under its own policy.
  'Worklist',
  'Statistics',
  // A council's own figures and the publication of its months (coordinators, DESIGN.md §3.12).
  'CouncilStatistics',
  // The council's paper-shaped outputs (coordinators): the annual activity report and the case
  // ledger 進行管理台帳 (issue 18 item 4), as JSON or XLSX.
  'Report',
  'PublicNotice',
  // Machine clients of the platform (DESIGN.md §3.6): registered and revoked by the operator.
  'PlatformClient',
  'Meeting',
  'Minutes',
  'Decision',
  'ActionItem',
  // A member body bringing a person to the council (issue 17): seen by coordinators and the
  // submitting body only, triaged by coordinators (accept, decline/merge as `update`).
  'Referral',
  // About a case (issue 17): 当事者等 related to its subject, its risk level, its contact log.
  'RelatedPerson',
  'Risk',
  'Contact',
  // A case as a record (issue 19): its skeleton — ids, number, dates, status — never its content.
  // What retention, legal holds and disposal act on; auditors may see it and hold it.
  'CaseRecord',
  // How long each record class is kept, per council (文書管理規程).
  'RetentionSchedule',
  // A person's request about their own data (APPI: disclosure, correction, stop, deletion).
  'SubjectRequest',
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
  // sensitive: the note's 要配慮 flag; caseFullScopeBodyIds: bodies covered with scope full on its case.
  Note: ['councilId', 'caseId', 'sensitive', 'caseFullScopeBodyIds'],
  Plan: ['councilId', 'caseId'],
  PlanAction: ['councilId', 'caseId', 'memberBodyId'],
  InfoRequest: ['councilId', 'caseId', 'memberBodyId'],
  AuditEvent: ['councilId'],
  AccessDecision: ['councilId'],
  Worklist: ['councilId'],
  CaseRecord: ['councilId', 'id'],
  RetentionSchedule: ['councilId'],
  SubjectRequest: ['councilId', 'caseId'],
  Statistics: [],
  CouncilStatistics: ['councilId'],
  Report: ['councilId'],
  PublicNotice: [],
  PlatformClient: [],
  // attendeeStaffIds: staff whose attendance of the meeting still counts (the staff record in
  // force for the body it attended for); allCasesVisibleToBodyIds: bodies covered now on EVERY
  // case the meeting discussed (all bodies when it discussed none); anyCaseVisibleToBodyIds:
  // bodies covered now on at least one of them; caseVisibleToBodyIds: bodies covered now on the
  // case a decision or action item is about (as visibleToBodyIds; empty when it names none).
  Meeting: [
    'councilId',
    'id',
    'tier',
    'attendeeStaffIds',
    'allCasesVisibleToBodyIds',
    'anyCaseVisibleToBodyIds',
  ],
  Minutes: ['councilId', 'meetingId', 'status', 'attendeeStaffIds', 'allCasesVisibleToBodyIds'],
  Decision: [
    'councilId',
    'meetingId',
    'caseId',
    'attendeeStaffIds',
    'allCasesVisibleToBodyIds',
    'caseVisibleToBodyIds',
  ],
  ActionItem: [
    'councilId',
    'meetingId',
    'caseId',
    'memberBodyId',
    'attendeeStaffIds',
    'allCasesVisibleToBodyIds',
    'caseVisibleToBodyIds',
  ],
  // memberBodyId: the submitting body.
  Referral: ['councilId', 'id', 'memberBodyId', 'status'],
  // caseFullScopeBodyIds: bodies covered with scope full on the person's case (restricted fields).
  RelatedPerson: ['councilId', 'caseId', 'caseFullScopeBodyIds'],
  Risk: ['councilId', 'caseId'],
  // memberBodyId: the body that made the contact; sensitive: the note's 要配慮 flag.
  Contact: ['councilId', 'caseId', 'memberBodyId', 'sensitive', 'caseFullScopeBodyIds'],
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
  Worklist: 'councilId',
  CouncilStatistics: 'councilId',
  Report: 'councilId',
  Meeting: 'councilId',
  Minutes: 'councilId',
  Decision: 'councilId',
  ActionItem: 'councilId',
  Referral: 'councilId',
  RelatedPerson: 'councilId',
  Risk: 'councilId',
  Contact: 'councilId',
  CaseRecord: 'councilId',
  RetentionSchedule: 'councilId',
  SubjectRequest: 'councilId',
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
  'Worklist',
  'CouncilStatistics',
  'Report',
  'Meeting',
  'Minutes',
  'Decision',
  'ActionItem',
  'Referral',
  'RelatedPerson',
  'Risk',
  'Contact',
  'CaseRecord',
  'RetentionSchedule',
  'SubjectRequest',
]);

/** Fields a rule may name (`fields:`), per subject; subjects not listed take no field rules. */
export const RULE_FIELDS: Partial<Record<SubjectType, readonly string[]>> = {
  Case: [
    'id',
    'caseNumber',
    'status',
    'familyName',
    'givenName',
    'familyNameKana',
    'givenNameKana',
    'birthDate',
    'gender',
    'address',
    'phone',
    'sensitive',
    'summary',
    'concerns',
    'reviewDueOn',
    // The current risk level and the last reached contact (issue 17 item 6).
    'riskLevel',
    'lastContactAt',
    'createdAt',
    'updatedAt',
    'assignments',
    'activeConsents',
  ],
  // address, phone and sensitive are restricted as the case subject's are; consents: the
  // related person's own consents (coordinators).
  RelatedPerson: [
    'id',
    'relation',
    'relationText',
    'familyName',
    'givenName',
    'familyNameKana',
    'givenNameKana',
    'birthDate',
    'address',
    'phone',
    'sensitive',
    'supported',
    'consents',
    'createdAt',
    'updatedAt',
  ],
  // note: free text, withheld from limited scope when the contact is marked sensitive.
  Contact: [
    'id',
    'at',
    'channel',
    'reached',
    'memberBodyId',
    'note',
    'sensitive',
    'recordedAt',
    'recordedBy',
  ],
  // Auditors get a meeting's metadata only: the title and place are free text that may name a person.
  // `readableCases`: the case list limited to the cases the caller may read now (Case policy),
  // for those who may see a meeting but not all of its cases (`caseIds`/`cases`: all of them).
  Meeting: [
    'id',
    'tier',
    'title',
    'heldAt',
    'place',
    'caseIds',
    'cases',
    'readableCases',
    'attendees',
    'externalAttendees',
    'minutes',
    'createdAt',
    'createdBy',
  ],
};

export interface RawPolicyRule {
  id: string;
  action: Action | Action[];
  subject: SubjectType;
  fields?: string[];
  conditions?: Record<string, unknown>;
  inverted?: boolean;
  /**
   * Inverted rules only: `CODE: message`, the stable error (403) a refusal by this rule answers
   * with, e.g. `OWN_RECORD: No one can change their own staff record` (refusal.ts).
   */
  reason?: string;
}

export interface PolicyFile {
  role: PolicyRole;
  rules: RawPolicyRule[];
}

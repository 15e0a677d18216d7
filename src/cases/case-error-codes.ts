/** Stable codes of the cases module (API.md "Cases"). Add; never rename. */
export enum CaseErrorCode {
  CaseClosed = 'CASE_CLOSED',
  CaseOpen = 'CASE_OPEN',
  AlreadyAnswered = 'ALREADY_ANSWERED',
  ConsentAlreadyWithdrawn = 'CONSENT_ALREADY_WITHDRAWN',
  ConsentRequired = 'CONSENT_REQUIRED',
  AssignmentExists = 'ASSIGNMENT_EXISTS',
  LeadExists = 'LEAD_EXISTS',
  AssignmentAlreadyEnded = 'ASSIGNMENT_ALREADY_ENDED',
  MeetingNotAboutCase = 'MEETING_NOT_ABOUT_CASE',
  MemberBodyNotCurrent = 'MEMBER_BODY_NOT_CURRENT',
  NotStatutory = 'NOT_STATUTORY',
}

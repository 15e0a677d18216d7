/** Stable codes of the meetings module (API.md "Meetings and minutes"). Add; never rename. */
export const MeetingErrorCode = {
  CasesNotAllowed: 'CASES_NOT_ALLOWED',
  CasesRequired: 'CASES_REQUIRED',
  ReviewPullNotAllowed: 'REVIEW_PULL_NOT_ALLOWED',
  AttendeeNotEligible: 'ATTENDEE_NOT_ELIGIBLE',
  AttendeeNotInvolved: 'ATTENDEE_NOT_INVOLVED',
  ConfidentialityNotAcknowledged: 'CONFIDENTIALITY_NOT_ACKNOWLEDGED',
  MinutesFinal: 'MINUTES_FINAL',
  MinutesNotFinal: 'MINUTES_NOT_FINAL',
  MinutesEmpty: 'MINUTES_EMPTY',
  CaseNotInMeeting: 'CASE_NOT_IN_MEETING',
  CaseRequired: 'CASE_REQUIRED',
  StatusChangeNotFound: 'STATUS_CHANGE_NOT_FOUND',
  PlanVersionNotFound: 'PLAN_VERSION_NOT_FOUND',
  MemberBodyNotCurrent: 'MEMBER_BODY_NOT_CURRENT',
  ReviewsNotAllowed: 'REVIEWS_NOT_ALLOWED',
  DuplicateReview: 'DUPLICATE_REVIEW',
  ReviewOutcomesMissing: 'REVIEW_OUTCOMES_MISSING',
  OwnerNotCovered: 'OWNER_NOT_COVERED',
} as const;
export type MeetingErrorCode = (typeof MeetingErrorCode)[keyof typeof MeetingErrorCode];

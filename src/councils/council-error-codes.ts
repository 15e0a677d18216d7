/** Stable codes of the council-structure module (API.md "Councils"). Add; never rename. */
export enum CouncilErrorCode {
  MemberBodyNameTaken = 'MEMBER_BODY_NAME_TAKEN',
  MemberBodyAlreadyLeft = 'MEMBER_BODY_ALREADY_LEFT',
  MemberBodyNotCurrent = 'MEMBER_BODY_NOT_CURRENT',
  StaffExists = 'STAFF_EXISTS',
  StaffAlreadyEnded = 'STAFF_ALREADY_ENDED',
  StaffPending = 'STAFF_PENDING',
  PledgeVersionOutdated = 'PLEDGE_VERSION_OUTDATED',
}

import { CaseErrorCode } from '../../cases/case-error-codes';
import { CouncilErrorCode } from '../../councils/council-error-codes';
import { MeetingErrorCode } from '../../meetings/meeting-error-codes';

/** Stable error codes clients may rely on (API.md "Conventions"). Add; never rename. */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  /** v1 platform statistics (from/to); no longer answered since periods are published (v2). */
  PeriodTooShort = 'PERIOD_TOO_SHORT',
  /** Platform statistics: the period is not a closed, published one (DESIGN.md §3.12). */
  PeriodNotPublished = 'PERIOD_NOT_PUBLISHED',
  /** Council statistics: the period has not begun. */
  PeriodNotBegun = 'PERIOD_NOT_BEGUN',
  /** Council statistics: the month is published already (nothing to hold any more). */
  AlreadyPublished = 'ALREADY_PUBLISHED',
  AlreadyHeld = 'ALREADY_HELD',
  NotHeld = 'NOT_HELD',
  /** Audit: the chain (or a trusted checkpoint) does not verify; nothing was signed. */
  ChainBroken = 'CHAIN_BROKEN',
  /** Audit: a configured witness could not take the checkpoint; nothing was signed. */
  WitnessUnavailable = 'WITNESS_UNAVAILABLE',
  MalformedJson = 'MALFORMED_JSON',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  Unauthenticated = 'UNAUTHENTICATED',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  InvalidRefreshToken = 'INVALID_REFRESH_TOKEN',
  RefreshTokenReused = 'REFRESH_TOKEN_REUSED',
  AccountLocked = 'ACCOUNT_LOCKED',
  RateLimited = 'RATE_LIMITED',
  Forbidden = 'FORBIDDEN',
  PledgeRequired = 'PLEDGE_REQUIRED',
  /** A policy refusal (`coordinator.staff.not-self`'s reason): not on one's own staff record. */
  OwnRecord = 'OWN_RECORD',
  CurrentPasswordIncorrect = 'CURRENT_PASSWORD_INCORRECT',
  // Accounts (issue 13).
  /** 403 on every route but /me, /me/password and logout after an operator-set password. */
  PasswordChangeRequired = 'PASSWORD_CHANGE_REQUIRED',
  /** 403 on a council's routes for a role the council requires a second factor of. */
  MfaRequired = 'MFA_REQUIRED',
  InvalidMfaToken = 'INVALID_MFA_TOKEN',
  InvalidMfaCode = 'INVALID_MFA_CODE',
  MfaAlreadyEnabled = 'MFA_ALREADY_ENABLED',
  MfaNotPending = 'MFA_NOT_PENDING',
  MfaNotEnabled = 'MFA_NOT_ENABLED',
  InvitationInvalid = 'INVITATION_INVALID',
  InvitationPending = 'INVITATION_PENDING',
  /** Accepting an invitation with a new account for an address that has one: sign in instead. */
  AccountExists = 'ACCOUNT_EXISTS',
  SystemAdminNotStaff = 'SYSTEM_ADMIN_NOT_STAFF',
  ResetTokenInvalid = 'RESET_TOKEN_INVALID',
  MailUnavailable = 'MAIL_UNAVAILABLE',
  /** A council time zone that PostgreSQL does not know (issue 18 item 5). */
  UnknownTimeZone = 'UNKNOWN_TIME_ZONE',
  // Attachments (issue 18).
  /** 413: the upload is larger than ATTACHMENT_MAX_BYTES. */
  AttachmentTooLarge = 'ATTACHMENT_TOO_LARGE',
  /** 415: the file's content is not one of the accepted types (sniffed, never trusted). */
  FileTypeNotAllowed = 'FILE_TYPE_NOT_ALLOWED',
  /** 409: a consent form confirmed already. */
  AlreadyConfirmed = 'ALREADY_CONFIRMED',
  // Intake (issue 17).
  /** 422: a member body of kind `individual` (a person) cannot be the coordinating body (Art. 17(1)). */
  IndividualCannotCoordinate = 'INDIVIDUAL_CANNOT_COORDINATE',
  /** 422: a case cannot be linked to itself. */
  SameCase = 'SAME_CASE',
  /** 409: the two cases are already linked. */
  LinkExists = 'LINK_EXISTS',
  /** 409: the link has already been undone. */
  LinkAlreadyUndone = 'LINK_ALREADY_UNDONE',
  /** 409: the referral has already been triaged (accepted, declined or merged). */
  ReferralAlreadyDecided = 'REFERRAL_ALREADY_DECIDED',
  // Retention, disposal and subject requests (issue 19).
  /** 409: the case was disposed of (its content crypto-shredded); nothing can be added. */
  CaseDisposed = 'CASE_DISPOSED',
  /** 409: a legal hold in force blocks disposal. */
  LegalHold = 'LEGAL_HOLD',
  /** 422: the case has not reached the end of its retention period (or is not closed). */
  RetentionNotReached = 'RETENTION_NOT_REACHED',
  /** 400: a retention period outside the limits the installation allows. */
  RetentionOutOfLimits = 'RETENTION_OUT_OF_LIMITS',
  /**
   * 422: audit events would be kept for less time than the content whose access they record
   * (Art. 18: who had access must outlive the content; docs/security.md "Retention").
   */
  AuditRetentionTooShort = 'AUDIT_RETENTION_TOO_SHORT',
  /** 409: the subject request is already decided. */
  RequestDecided = 'REQUEST_DECIDED',
  NotFound = 'NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  Conflict = 'CONFLICT',
  Unprocessable = 'UNPROCESSABLE',
  DatabaseUnavailable = 'DATABASE_UNAVAILABLE',
  /** Readiness only: the instance has begun a graceful shutdown (SIGTERM) and is draining. */
  ShuttingDown = 'SHUTTING_DOWN',
  Internal = 'INTERNAL_ERROR',
}

/**
 * Every code a response can carry: the common ones above and each module's own enum. The
 * closed set DomainError accepts, and the `code` enum of ErrorResponse in the OpenAPI document.
 */
export type KnownErrorCode = ErrorCode | CaseErrorCode | CouncilErrorCode | MeetingErrorCode;

export const ALL_ERROR_CODES: readonly KnownErrorCode[] = [
  ...new Set<KnownErrorCode>([
    ...Object.values(ErrorCode),
    ...Object.values(CaseErrorCode),
    ...Object.values(CouncilErrorCode),
    ...Object.values(MeetingErrorCode),
  ]),
].sort();

const KNOWN = new Set<string>(ALL_ERROR_CODES);
export const isKnownErrorCode = (code: string): code is KnownErrorCode => KNOWN.has(code);

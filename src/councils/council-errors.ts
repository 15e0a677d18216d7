import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';

/** Council-structure error codes (stable; clients may rely on them). */
export const CouncilErrors = {
  memberBodyNameTaken: () =>
    new DomainError(
      409,
      'MEMBER_BODY_NAME_TAKEN',
      'A member body with this name already exists in the council',
    ),
  memberBodyAlreadyLeft: () =>
    new DomainError(
      409,
      'MEMBER_BODY_ALREADY_LEFT',
      'This member body has already left the council',
    ),
  memberBodyNotCurrent: () =>
    new DomainError(
      422,
      'MEMBER_BODY_NOT_CURRENT',
      'This member body is not a current member of the council',
    ),
  individualCannotCoordinate: () =>
    new DomainError(
      422,
      ErrorCode.IndividualCannotCoordinate,
      'An individual member (a person) cannot be designated as the coordinating body',
    ),
  staffExists: () =>
    new DomainError(
      409,
      'STAFF_EXISTS',
      'This person already has a current staff record in the council',
    ),
  staffAlreadyEnded: () =>
    new DomainError(409, 'STAFF_ALREADY_ENDED', 'This staff record has already ended'),
  staffPending: () =>
    new DomainError(
      409,
      'STAFF_PENDING',
      'This staff record is an invitation not yet accepted: end it and invite again to change it',
    ),
  invitationPending: () =>
    new DomainError(
      409,
      ErrorCode.InvitationPending,
      'An invitation to this address is already open in the council',
    ),
  // OWN_RECORD (one's own staff record) is policy: coordinator.staff.not-self's `reason`.
  bootstrapOnly: () =>
    new DomainError(
      403,
      'FORBIDDEN',
      'A system admin may only set up a council that has never been staffed; coordinators manage it (recovery: CLI council:recover)',
    ),
  pledgeVersionOutdated: (current: number) =>
    new DomainError(
      409,
      'PLEDGE_VERSION_OUTDATED',
      `The current pledge is version ${current}; read and accept that one`,
      { currentVersion: current },
    ),
  datesOutOfOrder: (field: string, message: string) =>
    new DomainError(400, 'VALIDATION_FAILED', message, {
      details: [{ field, messages: [message] }],
    }),
};

/** PostgreSQL unique_violation on a named constraint or index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e =
    (error as { driverError?: { code?: string; constraint?: string } }).driverError ??
    (error as { code?: string; constraint?: string });
  return e?.code === '23505' && e.constraint === constraint;
}

/** PostgreSQL check_violation (a date order the database refuses). */
export function isCheckViolation(error: unknown): boolean {
  const e =
    (error as { driverError?: { code?: string } }).driverError ?? (error as { code?: string });
  return e?.code === '23514';
}

import { DomainError } from '../common/errors/domain-error';
import { MeetingErrorCode } from './meeting-error-codes';

export { MeetingErrorCode } from './meeting-error-codes';

/** Minutes are records (DESIGN.md §3.7): once final, they change only by addendum. */
export const minutesFinal = (): DomainError =>
  new DomainError(
    409,
    MeetingErrorCode.MinutesFinal,
    'The minutes are final; add an addendum with a reason instead',
  );

/** Invariant 7: a representatives' meeting is about policy and never names a case. */
export const casesNotAllowed = (): DomainError =>
  new DomainError(
    422,
    MeetingErrorCode.CasesNotAllowed,
    'A representatives’ meeting cannot discuss or refer to individual cases',
  );

/** A state the request needs but the minutes are not in yet (addenda correct final minutes). */
export const minutesNotFinal = (message: string): DomainError =>
  new DomainError(409, MeetingErrorCode.MinutesNotFinal, message);

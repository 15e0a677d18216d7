import { DomainError } from '../common/errors/domain-error';

/** A closed case is read-only except for reopening. */
export const caseClosed = (): DomainError =>
  new DomainError(409, 'CASE_CLOSED', 'The case is closed; reopen it first');

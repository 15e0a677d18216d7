import { DomainError } from '../common/errors/domain-error';
import { CaseErrorCode } from './case-error-codes';

/** A closed case is read-only except for reopening. */
export const caseClosed = (): DomainError =>
  new DomainError(409, CaseErrorCode.CaseClosed, 'The case is closed; reopen it first');

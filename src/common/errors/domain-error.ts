import { ErrorCode, KnownErrorCode } from './error-code';

/**
 * An error a use case raises on purpose. The global filter maps it to the HTTP answer once,
 * at the edge (CONVENTIONS.md example 5); services never build HTTP responses themselves.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: KnownErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what = 'Resource'): DomainError =>
  new DomainError(404, ErrorCode.NotFound, `${what} not found`);

export const forbidden = (
  message = 'This action is not allowed',
  code: KnownErrorCode = ErrorCode.Forbidden,
): DomainError => new DomainError(403, code, message);

export const conflict = (code: KnownErrorCode, message: string): DomainError =>
  new DomainError(409, code, message);

export const unprocessable = (code: KnownErrorCode, message: string): DomainError =>
  new DomainError(422, code, message);

export const unauthenticated = (
  code: KnownErrorCode = ErrorCode.Unauthenticated,
  message = 'Authentication required',
): DomainError => new DomainError(401, code, message);

/** One problem with one field (`details` of VALIDATION_FAILED). */
export interface FieldProblem {
  field: string;
  messages: string[];
}

/**
 * 400 VALIDATION_FAILED built by hand (a rule class-validator cannot express): the same shape
 * as StrictValidationPipe's, `details` naming the fields.
 */
export const validationFailed = (message: string, details: FieldProblem[]): DomainError =>
  new DomainError(400, ErrorCode.ValidationFailed, message, { details });

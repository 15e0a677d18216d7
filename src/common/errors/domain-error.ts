import { ErrorCode } from './error-code';

/**
 * An error a use case raises on purpose. The global filter maps it to the HTTP answer once,
 * at the edge (CONVENTIONS.md example 5); services never build HTTP responses themselves.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | string,
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
  code: string = ErrorCode.Forbidden,
): DomainError => new DomainError(403, code, message);

export const conflict = (code: string, message: string): DomainError =>
  new DomainError(409, code, message);

export const unprocessable = (code: string, message: string): DomainError =>
  new DomainError(422, code, message);

export const unauthenticated = (
  code: string = ErrorCode.Unauthenticated,
  message = 'Authentication required',
): DomainError => new DomainError(401, code, message);

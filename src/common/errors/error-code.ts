/** Stable error codes clients may rely on (API.md "Conventions"). Add; never rename. */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  /** Platform statistics: a period shorter than a calendar month (DESIGN.md §3.6). */
  PeriodTooShort = 'PERIOD_TOO_SHORT',
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
  CurrentPasswordIncorrect = 'CURRENT_PASSWORD_INCORRECT',
  NotFound = 'NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  Conflict = 'CONFLICT',
  Unprocessable = 'UNPROCESSABLE',
  DatabaseUnavailable = 'DATABASE_UNAVAILABLE',
  /** Readiness only: the instance has begun a graceful shutdown (SIGTERM) and is draining. */
  ShuttingDown = 'SHUTTING_DOWN',
  Internal = 'INTERNAL_ERROR',
}

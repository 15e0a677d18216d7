/**
 * What of an unexpected error may be logged. Database errors carry the failing statement, its
 * parameters and the driver's `detail` ("Key (email)=(…)"): personal data that must never reach
 * the logs (CONVENTIONS.md). Only names, SQLSTATE codes, constraint and table names, and stack
 * frames (code locations) are kept.
 */
export interface SafeError {
  name: string;
  code?: string;
  constraint?: string;
  table?: string;
  stack?: string;
}

export function safeErrorForLog(error: unknown): SafeError {
  if (!(error instanceof Error)) return { name: typeof error };
  const source = ((error as { driverError?: unknown }).driverError ?? error) as Record<
    string,
    unknown
  >;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const isDatabaseError = typeof source.code === 'string' && /^[0-9A-Z]{5}$/.test(source.code);
  return {
    name: error.name,
    code: str(source.code),
    constraint: str(source.constraint),
    table: str(source.table),
    // A database error's message can quote values; other errors' first line is ours to read.
    stack: isDatabaseError ? error.stack?.split('\n').slice(1).join('\n') : error.stack,
  };
}

import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** A caller-supplied id is kept only if it is short and plain, so it is safe to log and echo. */
const ACCEPTABLE = /^[A-Za-z0-9._-]{8,64}$/;

/** The header that always carries the server's own id for the request. */
export const SERVER_REQUEST_ID_HEADER = 'X-Server-Request-Id';

export type WithRequestIds = Request & {
  /** The server's id for this request: the only request id written to the audit log. */
  id?: string;
  /** The caller's own X-Request-Id, when it was plain enough to keep: echoed and logged only. */
  clientRequestId?: string;
};

/**
 * First middleware of the stack (before body parsing), so that even a malformed body's error
 * carries a request id.
 *
 * `req.id` is always generated here, never taken from the caller: it is what the audit log,
 * the security log and error bodies record, and the audit log is append-only and hash-chained
 * (DESIGN.md §3.5: identifiers only). A client-chosen header of up to 64 characters would fit a
 * name and a birth date, and an anonymous caller could write it into every council of an
 * account with one wrong password. The caller's own `X-Request-Id` (if plain) is kept apart in
 * `req.clientRequestId`: echoed in `X-Request-Id` and written to the request log beside ours,
 * so a client can still correlate, but it never reaches the database.
 */
export function requestId(req: WithRequestIds, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = randomUUID();
  req.id = id;
  if (typeof incoming === 'string' && ACCEPTABLE.test(incoming)) req.clientRequestId = incoming;
  res.setHeader('X-Request-Id', req.clientRequestId ?? id);
  res.setHeader(SERVER_REQUEST_ID_HEADER, id);
  next();
}

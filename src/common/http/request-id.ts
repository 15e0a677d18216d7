import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** A caller-supplied id is kept only if it is short and plain, so it is safe to log and echo. */
const ACCEPTABLE = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * First middleware of the stack (before body parsing), so that even a malformed body's error
 * carries a request id; sets `req.id` and the `X-Request-Id` response header.
 */
export function requestId(req: Request & { id?: string }, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  next();
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/**
 * What one HTTP request carries through its asynchronous calls (DESIGN.md §4, "council context
 * lives in request-scoped async storage"): the council transaction the guards opened for it,
 * until the access primitive takes it over (issue 15: one transaction per request).
 */
export interface RequestContext {
  /** Opaque to this file: owned by CouncilTransactions. */
  pending?: unknown;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Middleware: everything the request does runs inside its own context. */
export function requestContext(_req: Request, _res: Response, next: NextFunction): void {
  storage.run({}, next);
}

/** The current request's context, or undefined outside a request (seed, CLI, tests' factories). */
export const currentRequest = (): RequestContext | undefined => storage.getStore();

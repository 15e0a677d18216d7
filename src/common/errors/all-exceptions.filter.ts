import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error';
import { ErrorCode } from './error-code';
import { isDatabaseUnavailable } from './database-errors';
import { safeErrorForLog } from './safe-log';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  requestId: string;
  details?: unknown;
  [extra: string]: unknown;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: ErrorCode.MethodNotAllowed,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  422: ErrorCode.Unprocessable,
  429: ErrorCode.RateLimited,
  503: ErrorCode.DatabaseUnavailable,
};

/** Errors raised by body-parser carry a `type` and a `status`; none of their text is echoed. */
interface BodyParserError {
  type: string;
  status: number;
}
const isBodyParserError = (e: unknown): e is BodyParserError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as BodyParserError).type === 'string' &&
  typeof (e as BodyParserError).status === 'number';

/**
 * The one place errors become HTTP answers: `{statusCode, code, message, requestId}`.
 * Nothing a client can send yields a 500, and no stack trace or SQL ever leaves the server
 * (DESIGN.md §3.8); unexpected errors are logged with the request id and answered generically.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const requestId = String(req.id ?? '');
    const { body, headers } = this.toBody(exception, requestId);
    if (body.statusCode >= 500) {
      this.logger.error({ error: safeErrorForLog(exception), requestId }, body.code);
    }
    if (res.headersSent) return;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(body.statusCode).json(body);
  }

  private toBody(
    exception: unknown,
    requestId: string,
  ): { body: ErrorBody; headers: Record<string, string> } {
    if (exception instanceof DomainError) {
      return {
        body: {
          ...exception.extra,
          statusCode: exception.status,
          code: exception.code,
          message: exception.message,
          requestId,
        },
        headers: exception.headers,
      };
    }
    // body-parser's errors arrive wrapped in an HttpException by the Express adapter; their
    // text (parser internals) is not echoed.
    const parserError =
      exception instanceof HttpException && isBodyParserError(exception.cause)
        ? exception.cause
        : exception;
    if (isBodyParserError(parserError)) {
      if (parserError.type === 'entity.too.large') {
        return {
          body: {
            statusCode: 413,
            code: ErrorCode.PayloadTooLarge,
            message: 'Request body too large',
            requestId,
          },
          headers: {},
        };
      }
      if (parserError.type === 'entity.parse.failed') {
        return {
          body: {
            statusCode: 400,
            code: ErrorCode.MalformedJson,
            message: 'Request body is not valid JSON',
            requestId,
          },
          headers: {},
        };
      }
      if (parserError.status >= 400 && parserError.status < 500) {
        return {
          body: {
            statusCode: parserError.status,
            code: CODE_BY_STATUS[parserError.status] ?? ErrorCode.ValidationFailed,
            message: 'Request body could not be read',
            requestId,
          },
          headers: {},
        };
      }
    }
    if (exception instanceof ThrottlerException) {
      return {
        body: {
          statusCode: 429,
          code: ErrorCode.RateLimited,
          message: 'Too many requests; slow down',
          requestId,
        },
        headers: {},
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const fromResponse =
        typeof response === 'object' && response !== null
          ? (response as Record<string, unknown>)
          : {};
      const code =
        typeof fromResponse.code === 'string'
          ? fromResponse.code
          : (CODE_BY_STATUS[status] ?? `HTTP_${status}`);
      const message =
        status === 404 && !fromResponse.code
          ? 'Not found'
          : typeof fromResponse.message === 'string'
            ? fromResponse.message
            : exception.message;
      const body: ErrorBody = { statusCode: status, code, message, requestId };
      if (fromResponse.details !== undefined) body.details = fromResponse.details;
      return { body, headers: {} };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        body: {
          statusCode: 503,
          code: ErrorCode.DatabaseUnavailable,
          message: 'The database is unavailable; try again shortly',
          requestId,
        },
        headers: { 'Retry-After': '5' },
      };
    }
    if (exception instanceof QueryFailedError) {
      // A constraint the input should have been validated against: still the client's input.
      const code = (exception.driverError as { code?: string } | undefined)?.code;
      // Data exceptions (class 22) and integrity violations (class 23) that a service did not
      // turn into a domain error are still caused by the input: a 4xx, never a 500 (§3.8).
      if (code === '23505') {
        return {
          body: {
            statusCode: 409,
            code: ErrorCode.Conflict,
            message: 'This conflicts with an existing record',
            requestId,
          },
          headers: {},
        };
      }
      if (code === '23503') {
        return {
          body: {
            statusCode: 404,
            code: ErrorCode.NotFound,
            message: 'A referenced record was not found',
            requestId,
          },
          headers: {},
        };
      }
      if (code?.startsWith('22') || code === '23514' || code === '23502') {
        return {
          body: {
            statusCode: 400,
            code: ErrorCode.ValidationFailed,
            message: 'Invalid value',
            requestId,
          },
          headers: {},
        };
      }
    }
    return {
      body: {
        statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
        code: ErrorCode.Internal,
        message: 'Internal error',
        requestId,
      },
      headers: {},
    };
  }
}

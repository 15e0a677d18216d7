import { applyDecorators, Controller, RequestMethod, Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ALL_ERROR_CODES } from '../errors/error-code';

/**
 * Decorators that describe the HTTP contract in the OpenAPI document (docs/api.md). They
 * change nothing at run time; the e2e suites check every response against what they declare.
 */

/** One problem with one field of the input (`details` of VALIDATION_FAILED). */
export class FieldProblemDto {
  @ApiProperty({ description: 'Dotted path of the field, e.g. `subject.familyName`' })
  field!: string;

  @ApiProperty({ type: [String] })
  messages!: string[];
}

/** The one error body (API.md "Conventions"): `{statusCode, code, message, requestId}`. */
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 404 })
  statusCode!: number;

  @ApiProperty({
    enum: ALL_ERROR_CODES,
    enumName: 'ErrorCode',
    description: 'Stable; clients branch on this, never on `message`',
  })
  code!: string;

  @ApiProperty({ description: 'For people; may change' })
  message!: string;

  @ApiProperty({ description: 'Quote it when reporting a problem (also the X-Request-Id header)' })
  requestId!: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description:
      'VALIDATION_FAILED: `{field, messages}` per field; some 422s: one entry per record refused (e.g. `{caseId, reason}`)',
  })
  details?: Record<string, unknown>[];

  @ApiPropertyOptional({
    type: 'integer',
    description: 'PLEDGE_VERSION_OUTDATED: the version to read and accept',
  })
  currentVersion?: number;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION_FAILED (with `details`) or MALFORMED_JSON: the input is not acceptable',
  401: 'UNAUTHENTICATED: no valid access token',
  403: 'FORBIDDEN, PLEDGE_REQUIRED, MFA_REQUIRED or PASSWORD_CHANGE_REQUIRED',
  404: 'NOT_FOUND: does not exist or is outside the caller’s visibility (never 403)',
  409: 'A conflict with the current state (see `code`)',
  413: 'PAYLOAD_TOO_LARGE (or ATTACHMENT_TOO_LARGE)',
  415: 'FILE_TYPE_NOT_ALLOWED: the bytes are not of an accepted type',
  422: 'Well-formed but not acceptable in the current state (see `code`)',
  429: 'RATE_LIMITED: slow down',
  503: 'DATABASE_UNAVAILABLE (or SHUTTING_DOWN): try again shortly',
};

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

/**
 * Handlers that declared error responses. Declaring any response stops @nestjs/swagger from
 * adding the default success one, so completeSuccessResponses() puts it back for those that
 * declare no 2xx themselves.
 */
const withDeclaredErrors = new Set<object>();

/** The error statuses an operation can answer, each with the ErrorResponse schema. */
export const ApiErrors = (...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator =>
  ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) withDeclaredErrors.add(descriptor.value as object);
    return applyDecorators(
      ApiExtraModels(ErrorResponseDto),
      ...statuses.map((status) =>
        ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorResponseDto }),
      ),
    )(target, key as string | symbol, descriptor as PropertyDescriptor);
  }) as MethodDecorator & ClassDecorator;

/** Nest's own success status for a handler: @HttpCode, else 201 for POST and 200 otherwise. */
function defaultStatus(handler: object): number {
  const code = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
  if (code) return code;
  return Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST ? 201 : 200;
}

/** Called before the document is built (openapi.ts): every operation documents its success. */
export function completeSuccessResponses(): void {
  const key = 'swagger/apiResponse';
  for (const handler of withDeclaredErrors) {
    const responses = (Reflect.getMetadata(key, handler) ?? {}) as Record<string, unknown>;
    if (Object.keys(responses).some((status) => /^2/.test(status))) continue;
    const status = defaultStatus(handler);
    Reflect.defineMetadata(
      key,
      { ...responses, [status]: { description: status === 204 ? 'Done' : 'Success' } },
      handler,
    );
  }
}

/** A UUID path parameter (IdParam): malformed → 404, like one that names nothing. */
export const ApiUuidParam = (name: string, description?: string): MethodDecorator =>
  ApiParam({ name, required: true, schema: { type: 'string', format: 'uuid' }, description });

/** The generic page of a list (API.md "Conventions": keyset pagination). */
export class PageDto {
  @ApiProperty({ type: 'array', items: { type: 'object' } })
  items!: unknown[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor!: string | null;
}

/** 200 with a page of `model`: PageDto with its `items` narrowed. */
export const ApiPageResponse = (model: Type<unknown>, description?: string): MethodDecorator =>
  applyDecorators(
    ApiExtraModels(PageDto, model),
    ApiOkResponse({
      description: description ?? 'One page; follow `nextCursor` for the next',
      schema: {
        allOf: [
          { $ref: getSchemaPath(PageDto) },
          { properties: { items: { type: 'array', items: { $ref: getSchemaPath(model) } } } },
        ],
      },
    }),
  );

/**
 * A route anyone may call: `security: []` in the document, overriding the document-wide
 * bearer requirement. Leaves a requirement another decorator declared (PlatformAuthorize).
 */
export const ApiPublic = (): MethodDecorator & ClassDecorator =>
  ((target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const key = 'swagger/apiSecurity';
    const on = (descriptor?.value ?? target) as object;
    if (!Reflect.hasOwnMetadata(key, on)) Reflect.defineMetadata(key, [], on);
    return descriptor ?? target;
  }) as MethodDecorator & ClassDecorator;

/**
 * A controller under `/councils/{councilId}/…`: the route and the `councilId` path parameter
 * of each of its operations, declared once. A malformed id is a 404 like an unknown council.
 */
export const CouncilController = (path: string): ClassDecorator =>
  applyDecorators(
    Controller(path ? `councils/:councilId/${path}` : 'councils/:councilId'),
    ApiCouncilIdParam(),
  );

/** The `councilId` path parameter (CouncilController declares it for a whole controller). */
export const ApiCouncilIdParam = (): MethodDecorator & ClassDecorator =>
  ApiParam({
    name: 'councilId',
    required: true,
    schema: { type: 'string', format: 'uuid' },
    description: 'The council the request acts in',
  });

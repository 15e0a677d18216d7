import { applyDecorators, Type } from '@nestjs/common';
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
  413: 'PAYLOAD_TOO_LARGE',
  422: 'Well-formed but not acceptable in the current state (see `code`)',
  429: 'RATE_LIMITED: slow down',
  503: 'DATABASE_UNAVAILABLE (or SHUTTING_DOWN): try again shortly',
};

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;

/** The error statuses an operation can answer, each with the ErrorResponse schema. */
export const ApiErrors = (...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiExtraModels(ErrorResponseDto, FieldProblemDto),
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorResponseDto }),
    ),
  );

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
export const ApiPublic = (): MethodDecorator =>
  ((_target: object, _key: string | symbol, descriptor: PropertyDescriptor) => {
    const key = 'swagger/apiSecurity';
    if (!Reflect.hasOwnMetadata(key, descriptor.value as object)) {
      Reflect.defineMetadata(key, [], descriptor.value as object);
    }
    return descriptor;
  }) as MethodDecorator;

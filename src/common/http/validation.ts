import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { validationFailed } from '../errors/domain-error';

import type { FieldProblem } from '../errors/domain-error';

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

const MAX_DEPTH = 16;

/**
 * Things no field of ours accepts, refused before anything else looks at the input: NUL
 * characters (PostgreSQL cannot store them in text: that would be a 500), and nesting deeper
 * than any of our payloads (a cheap way to make validators recurse).
 */
function findUnacceptable(
  value: unknown,
  depth: number,
  path = '',
): { path: string; problem: string } | null {
  if (depth > MAX_DEPTH)
    return { path, problem: `must not be nested deeper than ${MAX_DEPTH} levels` };
  if (typeof value === 'string')
    return value.includes('\u0000') ? { path, problem: 'must not contain NUL characters' } : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = findUnacceptable(v, depth + 1, `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000'))
        return { path, problem: 'field names must not contain NUL characters' };
      const bad = findUnacceptable(v, depth + 1, path ? `${path}.${k}` : k);
      if (bad) return bad;
    }
  }
  return null;
}

/**
 * Whitelist, reject unknown fields, transform. A body DTO must arrive as a JSON object: an
 * array or a bare value is refused here rather than half-validated.
 */
@Injectable()
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      stopAtFirstError: false,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => validationFailed('The request is not valid', flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Custom parameter decorators (@Principal() …) hand over server-made objects, not input:
    // walking them would cost a principal's whole object graph on every request.
    if (metadata.type === 'custom') return value;
    const bad = findUnacceptable(value, 0);
    if (bad) {
      throw validationFailed(`The request ${metadata.type} is not acceptable`, [
        { field: bad.path || `(${metadata.type})`, messages: [bad.problem] },
      ]);
    }
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw validationFailed('The request body must be a JSON object', [
          { field: '(body)', messages: ['must be a JSON object'] },
        ]);
      }
    }
    return super.transform(value, metadata);
  }
}

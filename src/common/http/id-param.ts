import { Param, ParseUUIDPipe } from '@nestjs/common';
import { notFound } from '../errors/domain-error';
import { ApiErrors, ApiUuidParam } from './api-docs';

/**
 * A UUID path parameter; anything else cannot name a resource, so it is a 404, not a 400.
 * Declares the parameter (format uuid) and the 404 in the OpenAPI document as well.
 */
export const IdParam =
  (name: string): ParameterDecorator =>
  (target, key, index) => {
    Param(name, new ParseUUIDPipe({ exceptionFactory: () => notFound() }))(target, key, index);
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor) {
      ApiUuidParam(name)(target, key, descriptor);
      ApiErrors(404)(target, key, descriptor);
    }
  };

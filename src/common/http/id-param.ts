import { Param, ParseUUIDPipe } from '@nestjs/common';
import { notFound } from '../errors/domain-error';

/** A UUID path parameter; anything else cannot name a resource, so it is a 404, not a 400. */
export const IdParam = (name: string): ParameterDecorator =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => notFound() }));

import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiPublic } from '../common/http/api-docs';

export const IS_PUBLIC = 'auth:isPublic';

/** The only way to open a route to unauthenticated callers; everything else is closed. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiPublic());

import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { Observable } from 'rxjs';
import { unauthenticated } from '../common/errors/domain-error';
import { IS_PUBLIC } from './public.decorator';

/**
 * Global and closed by default (CONVENTIONS.md example 2): a route without @Public() needs a
 * valid access token of a live session.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(
    context: ExecutionContext,
  ): boolean | Promise<boolean> | Observable<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context);
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false): TUser {
    if (err && !(err instanceof Error && err.name === 'UnauthorizedException')) {
      throw err; // e.g. the database is down: let the filter answer 503, not 401
    }
    if (!user) throw unauthenticated();
    return user;
  }
}

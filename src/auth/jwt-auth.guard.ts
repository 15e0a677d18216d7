import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { DomainError, forbidden, unauthenticated } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { AuthRepository } from './auth.repository';
import { AuthUser } from './auth.types';
import { PASSWORD_CHANGE_EXEMPT } from './password-change-exempt.decorator';
import { IS_PUBLIC } from './public.decorator';

const TOKEN_REJECTIONS = createHash('sha256').update('access-token-rejections').digest();

/**
 * Global and closed by default (CONVENTIONS.md example 2): a route without @Public() needs a
 * valid access token of a live session. A presented token that is refused (forged, expired,
 * alg:none, revoked session…) is recorded in the security log — once per source and window,
 * so a stream of bad tokens cannot flood the log.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly repo: AuthRepository,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    let ok: boolean;
    try {
      ok = (await super.canActivate(context)) as boolean;
    } catch (error) {
      const req = context.switchToHttp().getRequest<Request & { id?: string }>();
      if (error instanceof DomainError && error.status === 401 && req.headers.authorization) {
        const sourceIp = req.ip ?? '';
        const count = await this.repo.countFailure(
          TOKEN_REJECTIONS,
          sourceIp,
          this.config.audit.loginFailureWindowSeconds,
        );
        if (count === 1) {
          await this.repo.recordEvent({
            action: 'auth.token_rejected',
            outcome: 'denied',
            reason: 'invalid_token',
            sourceIp,
            requestId: req.id ?? null,
          });
        }
      }
      throw error;
    }
    // An operator chose this password (CLI create-admin): nothing else until it is changed, so
    // nobody works under a password someone else knows (DESIGN.md §3.11).
    const user = context.switchToHttp().getRequest<Request & { user: AuthUser }>().user;
    if (
      ok &&
      user.mustChangePassword &&
      !this.reflector.getAllAndOverride<boolean>(PASSWORD_CHANGE_EXEMPT, [
        context.getHandler(),
        context.getClass(),
      ])
    )
      throw forbidden(
        'Change the password an operator set first (POST /api/me/password)',
        ErrorCode.PasswordChangeRequired,
      );
    return ok;
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false): TUser {
    if (err && !(err instanceof Error && err.name === 'UnauthorizedException')) {
      throw err; // e.g. the database is down: let the filter answer 503, not 401
    }
    if (!user) throw unauthenticated();
    return user;
  }
}

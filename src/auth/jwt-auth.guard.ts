import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, createSecretKey, KeyObject } from 'node:crypto';
import type { Response } from 'express';
import { verify } from 'jsonwebtoken';
import { councilOfRoute, CouncilRequest } from '../access/authorize';
import { PrincipalRepository } from '../access/principal.repository';
import { DomainError, forbidden, unauthenticated } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { CouncilTransactions } from '../database/council-transactions';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { AccessTokenClaims, AuthUser, JWT_AUDIENCE, JWT_ISSUER } from './auth.types';
import { PASSWORD_CHANGE_EXEMPT } from './password-change-exempt.decorator';
import { IS_PUBLIC } from './public.decorator';

const TOKEN_REJECTIONS = createHash('sha256').update('access-token-rejections').digest();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * An operator chose this password (CLI create-admin): nothing else until it is changed, so
 * nobody works under a password someone else knows (DESIGN.md §3.11).
 */
const passwordChangeRequired = (): DomainError =>
  forbidden(
    'Change the password an operator set first (POST /api/me/password)',
    ErrorCode.PasswordChangeRequired,
  );

/**
 * Global and closed by default (CONVENTIONS.md example 2): a route without @Public() needs a
 * valid access token of a live session. A presented token that is refused (forged, expired,
 * alg:none, revoked session…) is recorded in the security log — once per source and window,
 * so a stream of bad tokens cannot flood the log.
 *
 * Issue 15: the token is verified with a key object made once (HS256 only, issuer, audience,
 * expiry), and on a council route (`@Authorize` with `:councilId`) the session check is the
 * first statement of the request's council transaction, together with the principal lookup
 * (PrincipalRepository.facts): one statement, one transaction for the whole request, which
 * AuthorizeGuard decides on and the access primitive takes over.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly key: KeyObject;

  constructor(
    private readonly reflector: Reflector,
    private readonly repo: AuthRepository,
    private readonly auth: AuthService,
    private readonly principals: PrincipalRepository,
    private readonly tx: CouncilTransactions,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {
    this.key = createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8'));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<CouncilRequest & { id?: string }>();
    try {
      const claims = this.claims(req.headers.authorization);
      const exempt = this.reflector.getAllAndOverride<boolean>(PASSWORD_CHANGE_EXEMPT, [
        context.getHandler(),
        context.getClass(),
      ]);
      const councilId = councilOfRoute(this.reflector, context, req);
      if (councilId) {
        req.user = await this.openCouncil(
          req,
          http.getResponse<Response>(),
          councilId,
          claims,
          !!exempt,
        );
        return true;
      }
      const user = await this.auth.authenticate(claims);
      if (!user) throw unauthenticated();
      if (user.mustChangePassword && !exempt) throw passwordChangeRequired();
      req.user = user;
      return true;
    } catch (error) {
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
  }

  /** The access token's claims, or 401. Pinning the algorithm rejects `alg: none` and HS/RS confusion. */
  private claims(header: string | undefined): AccessTokenClaims {
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw unauthenticated();
    let payload: Partial<AccessTokenClaims>;
    try {
      payload = verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      }) as Partial<AccessTokenClaims>;
    } catch {
      throw unauthenticated();
    }
    if (
      payload.typ !== 'access' ||
      !UUID.test(String(payload.sub)) ||
      !UUID.test(String(payload.sid))
    )
      throw unauthenticated();
    return payload as AccessTokenClaims;
  }

  /**
   * Opens the request's council transaction and reads the session and the caller's facts in it
   * (one statement). A dead session is 401 before anything else; the facts wait on the request
   * for AuthorizeGuard, and the transaction for the access primitive (rolled back when the
   * response ends if nothing took it).
   */
  private async openCouncil(
    req: CouncilRequest,
    res: Response,
    councilId: string,
    claims: AccessTokenClaims,
    passwordChangeExempt: boolean,
  ): Promise<AuthUser> {
    // BEGIN, the council setting and the facts in one round trip (issue 15).
    const { tx, rows } = await this.tx.openWith(
      councilId,
      this.principals.factsStatement(councilId, claims.sub, claims.sid),
    );
    const facts = this.principals.toFacts(rows[0]);
    if (!facts.sessionLive) {
      await tx.rollback();
      throw unauthenticated();
    }
    if (facts.mustChangePassword && !passwordChangeExempt) {
      await tx.rollback();
      throw passwordChangeRequired();
    }
    this.tx.adopt(tx);
    res.once('close', () => void tx.abandon());
    req.council = { councilId, tx, facts };
    return {
      userId: claims.sub,
      sessionId: claims.sid,
      email: facts.email ?? '',
      isSystemAdmin: facts.isSystemAdmin,
      mustChangePassword: facts.mustChangePassword,
    };
  }
}

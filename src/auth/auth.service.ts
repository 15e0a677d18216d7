import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { CouncilTransactions } from '../database/council-transactions';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { DomainError, unauthenticated } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { normalizeEmail } from '../users/users.service';
import { UsersRepository } from '../users/users.repository';
import { AuthRepository, LockoutState } from './auth.repository';
import {
  AccessTokenClaims,
  AuthUser,
  JWT_AUDIENCE,
  JWT_ISSUER,
  RequestOrigin,
  TokenPair,
} from './auth.types';
import { PasswordHasher } from './password-hasher';
import { RevokedReason } from './session.entity';
import { EntityManager } from 'typeorm';

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** One answer for unknown e-mail and wrong password alike, so accounts cannot be enumerated. */
const invalidCredentials = (): DomainError =>
  unauthenticated(ErrorCode.InvalidCredentials, 'Invalid e-mail or password');

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly repo: AuthRepository,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly tx: CouncilTransactions,
  ) {}

  async login(emailInput: string, password: string, origin: RequestOrigin): Promise<TokenPair> {
    const email = normalizeEmail(emailInput);
    const emailKey = sha256(email);
    // Count the attempt before checking the password, under a row lock: concurrent guesses
    // cannot all slip past the limit while their (slow) hashes are being checked.
    const attempt = await this.repo.transaction((em) => this.reserveAttempt(emailKey, em));
    if (attempt.lockedUntil) {
      const user = await this.users.findByEmail(email);
      if (await this.firstFailureOfWindow(emailKey, origin))
        await this.repo.recordEvent({
          action: 'auth.login',
          outcome: 'denied',
          userId: user?.id,
          reason: 'locked_out',
          ...origin,
        });
      const retryAfter = Math.max(
        1,
        Math.ceil((attempt.lockedUntil.getTime() - Date.now()) / 1000),
      );
      throw new DomainError(
        429,
        ErrorCode.AccountLocked,
        'Too many failed attempts; try again later',
        {},
        {
          'Retry-After': String(retryAfter),
        },
      );
    }

    const user = await this.users.findWithHashByEmail(email);
    const valid = user
      ? await this.hasher.verify(user.passwordHash, password)
      : await this.hasher.verifyAgainstNothing(password);
    if (!user || !valid) {
      if (!(await this.firstFailureOfWindow(emailKey, origin))) throw invalidCredentials();
      await this.repo.recordEvent({
        action: 'auth.login',
        outcome: 'denied',
        userId: user?.id,
        reason: user ? 'wrong_password' : 'unknown_email',
        ...origin,
      });
      if (user)
        await this.repo.transaction((em) =>
          this.auditInCouncils(em, user.id, 'denied', 'wrong_password', origin),
        );
      throw invalidCredentials();
    }

    return this.repo.transaction(async (em) => {
      await this.repo.clearLockout(emailKey, em);
      const sessionId = await this.repo.createSession(
        user.id,
        this.config.auth.refreshTtlSeconds,
        em,
      );
      const pair = await this.issuePair(user.id, sessionId, em);
      // Same transaction as the session: no login without its record (DESIGN.md §3.4).
      await this.repo.recordEvent(
        { action: 'auth.login', outcome: 'allowed', userId: user.id, sessionId, ...origin },
        em,
      );
      await this.auditInCouncils(em, user.id, 'allowed', null, origin);
      return pair;
    });
  }

  async refresh(refreshToken: string, origin: RequestOrigin): Promise<TokenPair> {
    const outcome = await this.repo.transaction(async (em) => {
      const token = await this.repo.lockRefreshToken(sha256(refreshToken), em);
      if (!token) return { kind: 'unknown' as const };
      if (!token.sessionLive) return { kind: 'dead' as const, token };
      if (token.usedAt) {
        // A rotated-away token came back: someone holds a copy. Kill the whole family.
        await this.repo.revokeSession(token.sessionId, 'refresh_reuse', em);
        await this.repo.recordEvent(
          {
            action: 'auth.refresh',
            outcome: 'denied',
            userId: token.userId,
            sessionId: token.sessionId,
            reason: 'reuse_detected',
            ...origin,
          },
          em,
        );
        return { kind: 'reused' as const, token };
      }
      await this.repo.markRefreshTokenUsed(token.id, em);
      const pair = await this.issuePair(token.userId, token.sessionId, em);
      await this.repo.recordEvent(
        {
          action: 'auth.refresh',
          outcome: 'allowed',
          userId: token.userId,
          sessionId: token.sessionId,
          ...origin,
        },
        em,
      );
      return { kind: 'ok' as const, pair };
    });
    switch (outcome.kind) {
      case 'ok':
        return outcome.pair;
      case 'reused':
        throw unauthenticated(
          ErrorCode.RefreshTokenReused,
          'Refresh token was already used; the session has been revoked',
        );
      case 'dead':
        await this.repo.recordEvent({
          action: 'auth.refresh',
          outcome: 'denied',
          userId: outcome.token.userId,
          sessionId: outcome.token.sessionId,
          reason: 'session_ended',
          ...origin,
        });
        throw unauthenticated(ErrorCode.InvalidRefreshToken, 'Invalid refresh token');
      default:
        await this.repo.recordEvent({
          action: 'auth.refresh',
          outcome: 'denied',
          reason: 'unknown_token',
          ...origin,
        });
        throw unauthenticated(ErrorCode.InvalidRefreshToken, 'Invalid refresh token');
    }
  }

  async logout(user: AuthUser, origin: RequestOrigin): Promise<void> {
    await this.repo.transaction(async (em) => {
      await this.repo.revokeSession(user.sessionId, 'logout', em);
      await this.repo.recordEvent(
        {
          action: 'auth.logout',
          outcome: 'allowed',
          userId: user.userId,
          sessionId: user.sessionId,
          ...origin,
        },
        em,
      );
    });
  }

  /** Changes the password and revokes every other session of the user (a lesson from Primero). */
  async changePassword(
    user: AuthUser,
    currentPassword: string,
    newPassword: string,
    origin: RequestOrigin,
  ): Promise<void> {
    const stored = await this.users.findWithHashById(user.userId);
    if (!stored || !(await this.hasher.verify(stored.passwordHash, currentPassword))) {
      await this.repo.recordEvent({
        action: 'auth.password_change',
        outcome: 'denied',
        userId: user.userId,
        sessionId: user.sessionId,
        reason: 'wrong_current_password',
        ...origin,
      });
      throw new DomainError(
        403,
        ErrorCode.CurrentPasswordIncorrect,
        'The current password is not correct',
      );
    }
    if (newPassword === currentPassword || newPassword.toLowerCase() === stored.email) {
      throw new DomainError(
        400,
        ErrorCode.ValidationFailed,
        'The new password must differ from the current password and the e-mail',
        {
          details: [
            {
              field: 'newPassword',
              messages: ['must differ from the current password and the e-mail'],
            },
          ],
        },
      );
    }
    const passwordHash = await this.hasher.hash(newPassword);
    await this.repo.transaction(async (em) => {
      await this.users.setPassword(user.userId, passwordHash, em);
      const revoked = await this.repo.revokeUserSessions(
        user.userId,
        'password_change',
        user.sessionId,
        em,
      );
      await this.repo.recordEvent(
        {
          action: 'auth.password_change',
          outcome: 'allowed',
          userId: user.userId,
          sessionId: user.sessionId,
          reason: `revoked_sessions=${revoked}`,
          ...origin,
        },
        em,
      );
    });
  }

  /**
   * Ends every session of a user at once (staff record ended, body left): already-issued
   * access and refresh tokens stop working on the next request (DESIGN.md §2).
   */
  revokeAllSessions(userId: string, reason: RevokedReason, em: EntityManager): Promise<number> {
    return this.repo.revokeUserSessions(userId, reason, null, em);
  }

  /** Resolves an access token's claims to a live session, or null: revocation is immediate. */
  async authenticate(claims: AccessTokenClaims): Promise<AuthUser | null> {
    return this.repo.findLiveSession(claims.sid, claims.sub);
  }

  private async firstFailureOfWindow(emailKey: Buffer, origin: RequestOrigin): Promise<boolean> {
    const count = await this.repo.countFailure(
      emailKey,
      origin.sourceIp ?? '',
      this.config.audit.loginFailureWindowSeconds,
    );
    return count === 1;
  }

  /**
   * Logins belong to no council, but each council's auditors must see its staff's logins
   * (DESIGN.md §3.4): the event goes into the audit log of every council the user is staff of.
   */
  private async auditInCouncils(
    em: EntityManager,
    userId: string,
    outcome: 'allowed' | 'denied',
    reason: string | null,
    origin: RequestOrigin,
  ): Promise<void> {
    for (const councilId of await this.repo.councilsOfUser(userId, em)) {
      await this.tx.scope(em, councilId);
      await this.audit.record(em, {
        councilId,
        actor: { userId, role: null, memberBodyId: null },
        action: 'auth.login',
        outcome,
        reason,
        requestId: origin.requestId,
      });
    }
  }

  private async reserveAttempt(emailKey: Buffer, em: EntityManager): Promise<LockoutState> {
    const now = new Date();
    const { maxFailures, lockoutSeconds } = this.config.auth;
    const state = await this.repo.lockLockoutRow(emailKey, em);
    if (state.lockedUntil && state.lockedUntil > now) return state;
    const windowStart = new Date(now.getTime() - lockoutSeconds * 1000);
    const fresh = state.lockedUntil !== null || state.firstFailureAt < windowStart;
    const next: LockoutState = {
      failureCount: (fresh ? 0 : state.failureCount) + 1,
      firstFailureAt: fresh ? now : state.firstFailureAt,
      lockedUntil: null,
    };
    if (next.failureCount > maxFailures)
      next.lockedUntil = new Date(now.getTime() + lockoutSeconds * 1000);
    await this.repo.saveLockout(emailKey, next, em);
    return next;
  }

  private async issuePair(
    userId: string,
    sessionId: string,
    em: EntityManager,
  ): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.repo.insertRefreshToken(sessionId, sha256(refreshToken), em);
    const claims: AccessTokenClaims = { sub: userId, sid: sessionId, typ: 'access' };
    const accessToken = await this.jwt.signAsync(claims, {
      secret: this.config.auth.jwtSecret,
      algorithm: 'HS256',
      expiresIn: this.config.auth.accessTtlSeconds,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
    });
    return {
      accessToken,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.config.auth.accessTtlSeconds,
    };
  }
}

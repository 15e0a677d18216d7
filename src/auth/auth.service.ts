import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { CouncilTransactions } from '../database/council-transactions';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { DomainError, unauthenticated, validationFailed } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { normalizeEmail } from '../users/users.service';
import { UsersRepository } from '../users/users.repository';
import { AuthRepository } from './auth.repository';
import {
  AccessTokenClaims,
  AuthUser,
  JWT_AUDIENCE,
  JWT_ISSUER,
  LoginResult,
  MFA_AUDIENCE,
  MfaChallenge,
  MfaChallengeClaims,
  RequestOrigin,
  TokenPair,
} from './auth.types';
import { emailKeyOf, Lockout } from './lockout';
import { MfaService } from './mfa.service';
import { PasswordHasher } from './password-hasher';
import { RevokedReason } from './session.entity';

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** One answer for unknown e-mail and wrong password alike, so accounts cannot be enumerated. */
const invalidCredentials = (): DomainError =>
  unauthenticated(ErrorCode.InvalidCredentials, 'Invalid e-mail or password');

const invalidMfaToken = (): DomainError =>
  unauthenticated(ErrorCode.InvalidMfaToken, 'The sign-in step has expired; sign in again');

/** The password rule shared by every place a person chooses one (NIST SP 800-63B: length). */
export function assertPasswordAcceptable(password: string, email: string, field: string): void {
  if (password.toLowerCase() === email.toLowerCase())
    throw validationFailed('The password must differ from the e-mail', [
      { field, messages: ['must differ from the e-mail'] },
    ]);
}

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
    private readonly lockout: Lockout,
    private readonly mfa: MfaService,
  ) {}

  /**
   * The password step. Without a second factor it opens a session; with one it answers a
   * short-lived challenge for POST /api/auth/mfa, and nothing is opened yet.
   */
  async login(emailInput: string, password: string, origin: RequestOrigin): Promise<LoginResult> {
    const email = normalizeEmail(emailInput);
    const emailKey = emailKeyOf(email);
    // Counted before the password is checked, under a row lock (lockout.ts).
    await this.lockout.attempt(emailKey, origin, {
      action: 'auth.login',
      userId: async () => (await this.users.findByEmail(email))?.id ?? null,
    });

    const user = await this.users.findWithHashByEmail(email);
    const valid = user
      ? await this.hasher.verify(user.passwordHash, password)
      : await this.hasher.verifyAgainstNothing(password);
    if (!user || !valid) {
      if (!(await this.lockout.firstFailureOfWindow(emailKey, origin))) throw invalidCredentials();
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

    const factor = await this.mfa.factorOf(user.id);
    if (factor) {
      // The lockout count stays until the code is right too: a known password buys no guesses.
      await this.repo.recordEvent({
        action: 'auth.login',
        outcome: 'allowed',
        userId: user.id,
        reason: 'mfa_required',
        ...origin,
      });
      return this.challenge(user.id, factor.id, user.passwordChangedAt);
    }
    return this.startSession(user.id, origin, {
      emailKey,
      passwordChangeRequired: user.mustChangePassword,
    });
  }

  /** The code step: a TOTP code or a recovery code for the challenge's factor → token pair. */
  async completeMfa(mfaToken: string, code: string, origin: RequestOrigin): Promise<TokenPair> {
    let claims: MfaChallengeClaims;
    try {
      claims = await this.jwt.verifyAsync<MfaChallengeClaims>(mfaToken, {
        secret: this.config.auth.jwtSecret,
        algorithms: ['HS256'],
        issuer: JWT_ISSUER,
        audience: MFA_AUDIENCE,
      });
    } catch {
      throw invalidMfaToken();
    }
    if (claims.typ !== 'mfa') throw invalidMfaToken();
    const user = await this.users.findById(claims.sub);
    // A password changed or reset since the password step voids the challenge.
    if (!user || user.passwordChangedAt.getTime() !== claims.pwd) throw invalidMfaToken();
    const emailKey = emailKeyOf(user.email);
    await this.lockout.attempt(emailKey, origin, {
      action: 'auth.mfa',
      userId: async () => user.id,
    });
    const method = await this.mfa.verifySignIn(user.id, claims.tid, code);
    if (!method) {
      if (await this.lockout.firstFailureOfWindow(emailKey, origin)) {
        await this.repo.recordEvent({
          action: 'auth.mfa',
          outcome: 'denied',
          userId: user.id,
          reason: 'wrong_code',
          ...origin,
        });
        await this.repo.transaction((em) =>
          this.auditInCouncils(em, user.id, 'denied', 'wrong_code', origin),
        );
      }
      throw unauthenticated(ErrorCode.InvalidMfaCode, 'The code is not valid');
    }
    return this.startSession(user.id, origin, {
      emailKey,
      reason: `mfa=${method}`,
      passwordChangeRequired: user.mustChangePassword,
    });
  }

  /**
   * Opens a session for a user who has just proved who they are (password, password and code,
   * or accepting an invitation with a new password): the session, the token pair, the security
   * event and a login event in each council where the user holds an accepted record in force —
   * all in one transaction (no login without its record, DESIGN.md §3.4).
   */
  startSession(
    userId: string,
    origin: RequestOrigin,
    opts: { emailKey?: Buffer; reason?: string; passwordChangeRequired?: boolean } = {},
  ): Promise<TokenPair> {
    return this.repo.transaction(async (em) => {
      if (opts.emailKey) await this.lockout.clear(opts.emailKey, em);
      const sessionId = await this.repo.createSession(
        userId,
        this.config.auth.refreshTtlSeconds,
        em,
      );
      const pair = await this.issuePair(userId, sessionId, em);
      await this.repo.recordEvent(
        {
          action: 'auth.login',
          outcome: 'allowed',
          userId,
          sessionId,
          reason: opts.reason ?? null,
          ...origin,
        },
        em,
      );
      await this.auditInCouncils(em, userId, 'allowed', opts.reason ?? null, origin);
      return opts.passwordChangeRequired ? { ...pair, passwordChangeRequired: true } : pair;
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

  /**
   * Changes the password and revokes every other session of the user (a lesson from Primero);
   * also the way out of an operator-set password (PASSWORD_CHANGE_REQUIRED).
   */
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
      throw validationFailed(
        'The new password must differ from the current password and the e-mail',
        [
          {
            field: 'newPassword',
            messages: ['must differ from the current password and the e-mail'],
          },
        ],
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

  /** Ends every session of a user at once (password reset): tokens stop on the next request. */
  revokeAllSessions(userId: string, reason: RevokedReason, em: EntityManager): Promise<number> {
    return this.repo.revokeUserSessions(userId, reason, null, em);
  }

  /**
   * A staff record of `userId` in `councilId` has ended (or its body left). That council's
   * access is already gone — the principal is read from the live record on every request — so
   * the sessions are revoked only when the user holds no other accepted record in force
   * anywhere (issue 13): ending a record in council A must not sign the person out of council B,
   * nor may a coordinator of A end sessions A has no say over. Read in its own transaction
   * through `directory_memberships`; the revocation joins the caller's transaction.
   * Returns whether the sessions were revoked.
   */
  async revokeUnlessStaffElsewhere(
    userId: string,
    councilId: string,
    em: EntityManager,
  ): Promise<boolean> {
    const councils = await this.repo.transaction((own) => this.repo.councilsOfUser(userId, own));
    if (councils.some((c) => c !== councilId)) return false;
    await this.repo.revokeUserSessions(userId, 'staff_ended', null, em);
    return true;
  }

  /** Resolves an access token's claims to a live session, or null: revocation is immediate. */
  async authenticate(claims: AccessTokenClaims): Promise<AuthUser | null> {
    return this.repo.findLiveSession(claims.sid, claims.sub);
  }

  private async challenge(
    userId: string,
    totpId: string,
    passwordChangedAt: Date,
  ): Promise<MfaChallenge> {
    const ttl = this.config.auth.mfaChallengeTtlSeconds;
    const claims: MfaChallengeClaims = {
      sub: userId,
      typ: 'mfa',
      tid: totpId,
      pwd: passwordChangedAt.getTime(),
    };
    const mfaToken = await this.jwt.signAsync(claims, {
      secret: this.config.auth.jwtSecret,
      algorithm: 'HS256',
      expiresIn: ttl,
      issuer: JWT_ISSUER,
      audience: MFA_AUDIENCE,
    });
    return { mfaRequired: true, mfaToken, expiresIn: ttl };
  }

  /**
   * Logins belong to no council, but each council's auditors must see its staff's logins
   * (DESIGN.md §3.4): the event goes into the audit log of every council where the user holds
   * an ACCEPTED record in force — never one where an invitation merely names their address.
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

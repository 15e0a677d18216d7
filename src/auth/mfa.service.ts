import { Inject, Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { AuthRepository } from './auth.repository';
import { AuthUser, RequestOrigin } from './auth.types';
import { emailKeyOf, Lockout } from './lockout';
import { MfaRepository, TotpRow } from './mfa.repository';
import { PasswordHasher } from './password-hasher';
import { SecretBox } from './secret-box';

/** Ten codes, shown once. */
export const RECOVERY_CODE_COUNT = 10;
/** No 0/o, 1/l/i: codes are read off paper. 10 characters of 31 ≈ 49 bits each. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/**
 * A code from the current time step or its neighbours (clock drift of up to 30 s either way,
 * RFC 6238 §5.2's one step of tolerance).
 */
const EPOCH_TOLERANCE_SECONDS = 30;

const TOTP_CODE = /^\d{6}$/;

const normalizeCode = (code: string): string => code.replace(/[\s-]/g, '').toLowerCase();

function recoveryCode(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

const invalidCode = (): DomainError =>
  new DomainError(403, ErrorCode.InvalidMfaCode, 'The code is not valid');

/**
 * TOTP second factor (RFC 6238, otplib): enrolment, confirmation with recovery codes, disabling,
 * and checking a code at sign-in. Secrets are sealed at rest (SecretBox); a TOTP code is
 * accepted once per time step (last_used_step), a recovery code once; wrong codes count
 * towards the same lockout as wrong passwords.
 */
@Injectable()
export class MfaService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly repo: MfaRepository,
    private readonly auth: AuthRepository,
    private readonly box: SecretBox,
    private readonly hasher: PasswordHasher,
    private readonly lockout: Lockout,
  ) {}

  /** Starts (or restarts) enrolment: a new secret, not in force until confirmed with a code. */
  async start(
    user: AuthUser,
    origin: RequestOrigin,
  ): Promise<{ secret: string; otpauthUrl: string }> {
    const secret = generateSecret();
    await this.repo.transaction(async (em) => {
      const live = await this.repo.live(user.userId, em);
      if (live?.confirmedAt)
        throw new DomainError(
          409,
          ErrorCode.MfaAlreadyEnabled,
          'A second factor is already enabled; disable it first',
        );
      if (live) await this.repo.disable(live.id, em); // an unfinished enrolment is replaced
      await this.repo.insert(user.userId, this.box.seal(secret, user.userId), em);
      await this.auth.recordEvent(
        {
          action: 'auth.mfa_enroll',
          outcome: 'allowed',
          userId: user.userId,
          sessionId: user.sessionId,
          ...origin,
        },
        em,
      );
    });
    return {
      secret,
      otpauthUrl: generateURI({ issuer: this.config.auth.mfaIssuer, label: user.email, secret }),
    };
  }

  /**
   * Confirms enrolment with a first code: from now on sign-in asks for a code. Returns the
   * recovery codes (stored as argon2id hashes, shown only now). The user's other sessions end:
   * they were opened without the second factor (so "enrolled" means every live session passed it).
   */
  async confirm(
    user: AuthUser,
    code: string,
    origin: RequestOrigin,
  ): Promise<{ recoveryCodes: string[] }> {
    const live = await this.repo.live(user.userId);
    if (!live || live.confirmedAt)
      throw new DomainError(
        409,
        ErrorCode.MfaNotPending,
        'No enrolment is waiting for confirmation; start one with POST /api/me/mfa/totp',
      );
    const emailKey = emailKeyOf(user.email);
    await this.lockout.attempt(emailKey, origin, {
      action: 'auth.mfa_confirm',
      userId: async () => user.userId,
    });
    const step = TOTP_CODE.test(code.trim()) ? await this.totpStep(live, code.trim()) : null;
    if (step === null) {
      await this.recordFailure(emailKey, user, 'auth.mfa_confirm', origin);
      throw invalidCode();
    }
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode);
    const hashes: string[] = [];
    for (const c of recoveryCodes) hashes.push(await this.hasher.hash(normalizeCode(c)));
    await this.repo.transaction(async (em) => {
      if (!(await this.repo.confirm(live.id, step, em))) throw invalidCode();
      await this.repo.insertRecoveryCodes(live.id, hashes, em);
      const revoked = await this.auth.revokeUserSessions(
        user.userId,
        'mfa_enabled',
        user.sessionId,
        em,
      );
      await this.lockout.clear(emailKey, em);
      await this.auth.recordEvent(
        {
          action: 'auth.mfa_confirm',
          outcome: 'allowed',
          userId: user.userId,
          sessionId: user.sessionId,
          reason: `revoked_sessions=${revoked}`,
          ...origin,
        },
        em,
      );
    });
    return { recoveryCodes };
  }

  /** Turns the second factor off; needs a current code (TOTP or a recovery code). */
  async disable(user: AuthUser, code: string, origin: RequestOrigin): Promise<void> {
    const live = await this.repo.live(user.userId);
    if (!live?.confirmedAt)
      throw new DomainError(409, ErrorCode.MfaNotEnabled, 'No second factor is enabled');
    const emailKey = emailKeyOf(user.email);
    await this.lockout.attempt(emailKey, origin, {
      action: 'auth.mfa_disable',
      userId: async () => user.userId,
    });
    if (!(await this.check(live, code))) {
      await this.recordFailure(emailKey, user, 'auth.mfa_disable', origin);
      throw invalidCode();
    }
    await this.repo.transaction(async (em) => {
      await this.repo.disable(live.id, em);
      await this.lockout.clear(emailKey, em);
      await this.auth.recordEvent(
        {
          action: 'auth.mfa_disable',
          outcome: 'allowed',
          userId: user.userId,
          sessionId: user.sessionId,
          ...origin,
        },
        em,
      );
    });
  }

  /** The user's confirmed factor, if any: sign-in then needs a code. */
  async factorOf(userId: string): Promise<{ id: string } | null> {
    const live = await this.repo.live(userId);
    return live?.confirmedAt ? { id: live.id } : null;
  }

  enabled(userId: string): Promise<boolean> {
    return this.repo.enabled(userId);
  }

  /**
   * Checks a sign-in code against the factor `totpId` (the one the challenge was issued for):
   * a six-digit TOTP code not used before (its time step later than any used), or an unused
   * recovery code, which is then spent. Returns what it was, or null.
   */
  async verifySignIn(
    userId: string,
    totpId: string,
    code: string,
  ): Promise<'totp' | 'recovery' | null> {
    const live = await this.repo.live(userId);
    if (!live?.confirmedAt || live.id !== totpId) return null;
    return this.check(live, code);
  }

  private async check(live: TotpRow, code: string): Promise<'totp' | 'recovery' | null> {
    const trimmed = code.trim();
    if (TOTP_CODE.test(trimmed)) {
      const step = await this.totpStep(live, trimmed);
      return step !== null && (await this.repo.useStep(live.id, step)) ? 'totp' : null;
    }
    const wanted = normalizeCode(trimmed);
    if (wanted.length !== 10) return null;
    for (const stored of await this.repo.unusedRecoveryCodes(live.id)) {
      if (await this.hasher.verify(stored.codeHash, wanted))
        return (await this.repo.useRecoveryCode(stored.id)) ? 'recovery' : null;
    }
    return null;
  }

  /** The time step a valid code belongs to, if it is later than the last one used. */
  private async totpStep(live: TotpRow, code: string): Promise<number | null> {
    let secret: string;
    try {
      secret = this.box.open(live.secretCiphertext, live.userId);
    } catch {
      return null; // a secret that does not open (wrong key, tampered row) never authenticates
    }
    const result = await verify({ secret, token: code, epochTolerance: EPOCH_TOLERANCE_SECONDS });
    // The TOTP strategy (the default) reports the time step the code belongs to.
    if (!result.valid || !('timeStep' in result)) return null;
    if (live.lastUsedStep !== null && result.timeStep <= live.lastUsedStep) return null;
    return result.timeStep;
  }

  private async recordFailure(
    emailKey: Buffer,
    user: AuthUser,
    action: 'auth.mfa_confirm' | 'auth.mfa_disable',
    origin: RequestOrigin,
  ): Promise<void> {
    if (await this.lockout.firstFailureOfWindow(emailKey, origin))
      await this.auth.recordEvent({
        action,
        outcome: 'denied',
        userId: user.userId,
        sessionId: user.sessionId,
        reason: 'wrong_code',
        ...origin,
      });
  }
}

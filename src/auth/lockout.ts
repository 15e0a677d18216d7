import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { Metrics } from '../metrics/metrics';
import { AuthRepository, LockoutState } from './auth.repository';
import { RequestOrigin } from './auth.types';
import { SecurityAction } from './security-event.entity';

/** The lockout key of an e-mail address: its SHA-256, so unknown addresses are never stored. */
export const emailKeyOf = (normalizedEmail: string): Buffer =>
  createHash('sha256').update(normalizedEmail, 'utf8').digest();

/**
 * Lockout after repeated failures, per e-mail address, for passwords and second-factor codes
 * alike (issue 13: "the same lockout rules apply to codes"). Each attempt is counted under a row
 * lock BEFORE the secret is checked, so concurrent guesses cannot slip past the limit while
 * their (slow) checks run; a full success clears the count.
 */
@Injectable()
export class Lockout {
  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly repo: AuthRepository,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Counts one attempt for `emailKey`; when the address is locked, records the refusal (once per
   * source and window) and throws 429 ACCOUNT_LOCKED with Retry-After.
   */
  async attempt(
    emailKey: Buffer,
    origin: RequestOrigin,
    event: { action: SecurityAction; userId: () => Promise<string | null> },
  ): Promise<void> {
    const state = await this.repo.transaction((em) => this.reserve(emailKey, em));
    if (!state.lockedUntil) return;
    if (await this.firstFailureOfWindow(emailKey, origin))
      await this.repo.recordEvent({
        action: event.action,
        outcome: 'denied',
        userId: await event.userId(),
        reason: 'locked_out',
        ...origin,
      });
    const retryAfter = Math.max(1, Math.ceil((state.lockedUntil.getTime() - Date.now()) / 1000));
    throw new DomainError(
      429,
      ErrorCode.AccountLocked,
      'Too many failed attempts; try again later',
      {},
      { 'Retry-After': String(retryAfter) },
    );
  }

  clear(emailKey: Buffer, em?: EntityManager): Promise<void> {
    return this.repo.clearLockout(emailKey, em);
  }

  /**
   * Whether this failure is the first of its window for the account and source: only that one
   * is written to the logs, the rest are counted (a flood of guesses cannot flood the log).
   */
  async firstFailureOfWindow(emailKey: Buffer, origin: RequestOrigin): Promise<boolean> {
    const count = await this.repo.countFailure(
      emailKey,
      origin.sourceIp ?? '',
      this.config.audit.loginFailureWindowSeconds,
    );
    return count === 1;
  }

  private async reserve(emailKey: Buffer, em: EntityManager): Promise<LockoutState> {
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
    if (next.lockedUntil) this.metrics.lockouts.inc();
    return next;
  }
}

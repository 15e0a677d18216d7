import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { Mailer } from '../mail/mailer';
import { normalizeEmail } from '../users/users.service';
import { UsersRepository } from '../users/users.repository';
import { AuthRepository } from './auth.repository';
import { assertPasswordAcceptable } from './auth.service';
import { RequestOrigin } from './auth.types';
import { emailKeyOf, Lockout } from './lockout';
import { PasswordHasher } from './password-hasher';

/** A reset link works once, for one hour (issue 13). */
export const PASSWORD_RESET_TTL_SECONDS = 3600;

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Password reset by e-mail. The request answers the same whether or not the address has an
 * account (the mail goes out after the answer, so its delivery time tells nothing either); the
 * link is single-use and expires in an hour; resetting ends every session of the user. A
 * second factor stays on: a reset never signs anyone in, and the next sign-in still asks for
 * the code.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger('PasswordReset');

  constructor(
    private readonly repo: AuthRepository,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly mailer: Mailer,
    private readonly lockout: Lockout,
  ) {}

  async request(emailInput: string, origin: RequestOrigin): Promise<void> {
    const email = normalizeEmail(emailInput);
    const user = await this.users.findByEmail(email);
    if (!user) {
      await this.repo.recordEvent({
        action: 'auth.password_reset_request',
        outcome: 'denied',
        reason: 'unknown_email',
        ...origin,
      });
      return;
    }
    const token = randomBytes(32).toString('base64url');
    await this.repo.transaction(async (em) => {
      await this.repo.insertPasswordReset(user.id, sha256(token), PASSWORD_RESET_TTL_SECONDS, em);
      await this.repo.recordEvent(
        { action: 'auth.password_reset_request', outcome: 'allowed', userId: user.id, ...origin },
        em,
      );
    });
    const url = this.mailer.link('/password-reset', { token });
    // Not awaited: the answer must not wait for (and so reveal) a delivery.
    void this.mailer
      .sendLink({
        kind: 'password_reset',
        url,
        to: user.email,
        subject: 'パスワードの再設定 / Password reset',
        text: [
          'パスワードの再設定が依頼されました。1時間以内に次のリンクから新しいパスワードを設定してください。',
          'A password reset was requested. Set a new password within one hour at:',
          '',
          url,
          '',
          '心当たりがない場合は、このメールを無視してください。 / If you did not ask for this, ignore this mail.',
        ].join('\n'),
      })
      .catch(() => this.logger.warn('a password reset mail could not be sent'));
  }

  /** Sets the new password with a reset token; every session of the user ends. */
  async confirm(token: string, newPassword: string, origin: RequestOrigin): Promise<void> {
    const passwordHash = await this.hasher.hash(newPassword);
    const done = await this.repo.transaction(async (em) => {
      const userId = await this.repo.consumePasswordReset(sha256(token), em);
      if (!userId) return null;
      const user = await this.users.findById(userId, em);
      if (!user) return null;
      assertPasswordAcceptable(newPassword, user.email, 'newPassword');
      await this.users.setPassword(userId, passwordHash, em);
      const revoked = await this.repo.revokeUserSessions(userId, 'password_reset', null, em);
      await this.lockout.clear(emailKeyOf(user.email), em);
      await this.repo.recordEvent(
        {
          action: 'auth.password_reset',
          outcome: 'allowed',
          userId,
          reason: `revoked_sessions=${revoked}`,
          ...origin,
        },
        em,
      );
      return userId;
    });
    if (!done) {
      await this.repo.recordEvent({
        action: 'auth.password_reset',
        outcome: 'denied',
        reason: 'invalid_token',
        ...origin,
      });
      throw new DomainError(
        400,
        ErrorCode.ResetTokenInvalid,
        'This reset link is not valid (unknown, expired or already used)',
      );
    }
  }
}

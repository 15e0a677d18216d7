import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** A link the application sends someone (an invitation, a password reset). */
export interface LinkMail extends Mail {
  /** What the link is for, in the server log when there is no mail delivery. */
  kind: 'invitation' | 'password_reset';
  url: string;
}

/**
 * Mail through SMTP (nodemailer, `SMTP_URL`, `MAIL_FROM`). Without SMTP configured the link is
 * printed in the server log instead — for development and the embedded demo; a production
 * installation configures SMTP, because the log is read by operators, not by the invitee.
 * Messages carry no personal data beyond what the recipient needs (a council's name, a link).
 */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private readonly logger = new Logger('Mail');
  private readonly transport: Transporter | null;

  constructor(@Inject(APP_CONFIG) private readonly config: RuntimeConfig) {
    this.transport = config.mail.smtpUrl ? createTransport(config.mail.smtpUrl) : null;
  }

  /** Whether mail is delivered (SMTP configured). */
  get delivers(): boolean {
    return this.transport !== null;
  }

  /**
   * Whether a link may be handed back to the person who caused it (the coordinator creating an
   * invitation): only when nobody else can deliver it — no SMTP, or the embedded demo.
   */
  get revealsLinks(): boolean {
    return !this.delivers || this.config.embedded;
  }

  /** The address of a page of the client application, e.g. `/invitations/accept?token=…`. */
  link(path: string, params: Record<string, string>): string {
    return `${this.config.mail.publicUrl}${path}?${new URLSearchParams(params).toString()}`;
  }

  /** Sends the mail, or prints the link when there is no SMTP. 503 MAIL_UNAVAILABLE on failure. */
  async sendLink(mail: LinkMail): Promise<void> {
    if (!this.transport) {
      // The development path: the link goes to the server log (never to a client).
      this.logger.log(`${mail.kind} link (mail delivery not configured): ${mail.url}`);
      return;
    }
    await this.deliver(this.transport, mail);
  }

  private async deliver(transport: Transporter, mail: Mail): Promise<void> {
    try {
      await transport.sendMail({
        from: this.config.mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
      });
    } catch (error) {
      this.logger.error(
        `mail delivery failed: ${error instanceof Error ? error.name : 'unknown error'}`,
      );
      throw new DomainError(
        503,
        ErrorCode.MailUnavailable,
        'Mail could not be sent; try again later',
      );
    }
  }

  /**
   * Sends a notification (the daily digest). Without SMTP, `logLine` goes to the server log
   * instead — it must hold ids and counts only, never an address or a name. Throws (503
   * MAIL_UNAVAILABLE) when delivery fails, so the caller's transaction rolls back.
   */
  async send(mail: Mail, logLine: string): Promise<void> {
    if (!this.transport) {
      this.logger.log(logLine);
      return;
    }
    await this.deliver(this.transport, mail);
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}

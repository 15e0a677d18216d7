import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { CouncilScope } from '../access/council-scope';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { Mailer } from '../mail/mailer';
import { StaffRole } from './council.types';
import { CouncilsRepository } from './councils.repository';
import { InvitationsRepository } from './invitations.repository';

/** What the creator of an invitation is told: the link only where nobody else delivers it. */
export interface IssuedInvitation {
  id: string;
  expiresAt: string;
  token?: string;
  url?: string;
}

/**
 * Issues the single-use invitation of a pending staff record, inside the caller's council
 * scope: a random token (32 bytes) stored only as its SHA-256, valid for INVITATION_TTL_HOURS,
 * delivered by mail (nodemailer) with nothing personal but the council's name. Without mail
 * delivery — and always in the embedded demo — the link is printed in the server log and handed
 * back once to the creator, who passes it on. The answer never depends on whether the address
 * has an account (DESIGN.md §3.11).
 */
@Injectable()
export class InvitationIssuer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly councils: CouncilsRepository,
    private readonly invitations: InvitationsRepository,
    private readonly mailer: Mailer,
  ) {}

  async issue(
    s: CouncilScope,
    inv: {
      staffId: string;
      email: string;
      displayName: string;
      role: StaffRole;
      createdBy: string | null;
    },
    delivery: 'send' | 'none' = 'send',
  ): Promise<IssuedInvitation> {
    const token = randomBytes(32).toString('base64url');
    const { id, expiresAt } = await this.invitations.insert(s, {
      ...inv,
      tokenHash: createHash('sha256').update(token, 'utf8').digest(),
      ttlHours: this.config.accounts.invitationTtlHours,
    });
    const url = this.mailer.link('/invitations/accept', { token });
    if (delivery === 'send') {
      const council = (await this.councils.findCouncil(s))!;
      // Sent inside the transaction: if the mail cannot go, nothing is created (503).
      await this.mailer.sendLink({
        kind: 'invitation',
        url,
        to: inv.email,
        subject: `${council.name}への招待 / Invitation`,
        text: [
          `${council.name}の事務に従事する者として招待されました。`,
          `You have been invited to work on the business of ${council.name}.`,
          '',
          url,
          '',
          `有効期限 / valid until: ${expiresAt.toISOString()}`,
          'アカウントをお持ちの場合は、サインインしてから招待を承諾してください。',
          'If you already have an account, sign in and accept the invitation there.',
        ].join('\n'),
      });
    }
    const reveal = delivery === 'none' || this.mailer.revealsLinks;
    return { id, expiresAt: expiresAt.toISOString(), ...(reveal ? { token, url } : {}) };
  }
}

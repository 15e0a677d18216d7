import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { InvitationFacts } from '../access/council-scope';
import { assertPasswordAcceptable, AuthService } from '../auth/auth.service';
import { AuthRepository } from '../auth/auth.repository';
import { AuthUser, RequestOrigin, TokenPair } from '../auth/auth.types';
import { PasswordHasher } from '../auth/password-hasher';
import { DomainError, notFound } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { MembershipDto } from '../users/me.dto';
import { UsersRepository } from '../users/users.repository';
import { CouncilErrors, isUniqueViolation } from './council-errors';
import { DeclinedInvitationDto, MyInvitationDto } from './dto/council.dto';
import { InvitationsRepository } from './invitations.repository';

const invalid = (): DomainError =>
  new DomainError(
    400,
    ErrorCode.InvitationInvalid,
    'This invitation is not valid (unknown, expired, already answered or withdrawn)',
  );

const notOpen = (inv: InvitationFacts): DomainError =>
  new DomainError(
    409,
    ErrorCode.InvitationInvalid,
    `This invitation is ${inv.state === 'pending' ? 'withdrawn' : inv.state}`,
    {
      state: inv.state === 'pending' ? 'revoked' : inv.state,
    },
  );

const isOpen = (inv: InvitationFacts): boolean => inv.state === 'pending' && inv.open;

/** A check_violation raised by the trigger that keeps system admins out of staff records. */
const isAdminTrigger = (error: unknown): boolean => {
  const e = (error as { driverError?: { constraint?: string } }).driverError ?? error;
  return (e as { constraint?: string }).constraint === 'staff_no_system_admin';
};

const adminRefused = (): DomainError =>
  new DomainError(
    403,
    ErrorCode.SystemAdminNotStaff,
    'A system admin never holds a staff record (use a separate account for council work)',
  );

/**
 * Answering an invitation (issue 13). A new address sets up its own account — its own password,
 * its own name — with the link's token; an existing account accepts or declines while signed in,
 * seeing only invitations to its own address. Each runs through the access layer's invitation
 * scope (AccessService.invitation): the council's transaction, the rows locked, `staff.accept` /
 * `staff.decline` in the council's log, refusals recorded. A system admin can accept nothing.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: InvitationsRepository,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly auth: AuthService,
    private readonly security: AuthRepository,
  ) {}

  /** The account a new invitee creates with the link; returns its id (nobody signed in yet). */
  async acceptWithNewAccount(
    token: string,
    password: string,
    displayName: string,
    origin: RequestOrigin,
  ): Promise<string> {
    try {
      return await this.access.invitation(
        { token },
        { event: 'staff.accept', actorUserId: null, requestId: origin.requestId, missing: invalid },
        async (i) => {
          const inv = i.invitation;
          if (!isOpen(inv)) throw invalid();
          // An address with an account accepts from that account, signed in: the link alone
          // must not attach someone's existing login to a council.
          if (await this.users.findByEmail(inv.email, i.em))
            throw new DomainError(
              409,
              ErrorCode.AccountExists,
              'This address already has an account: sign in and accept the invitation there (GET /api/me/invitations)',
            );
          assertPasswordAcceptable(password, inv.email, 'password');
          let userId: string;
          try {
            const user = await this.users.insert(
              {
                email: inv.email,
                displayName: displayName.trim(),
                passwordHash: await this.hasher.hash(password),
              },
              i.em,
            );
            userId = user.id;
          } catch (error) {
            if (isUniqueViolation(error, 'users_email_key'))
              throw new DomainError(
                409,
                ErrorCode.AccountExists,
                'This address already has an account',
              );
            throw error;
          }
          await this.repo.accept(i, userId);
          return {
            result: userId,
            actor: { userId, role: inv.role, memberBodyId: inv.memberBodyId },
            reason: 'new_account',
          };
        },
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.InvitationInvalid)
        await this.security.recordEvent({
          action: 'auth.invitation_accept',
          outcome: 'denied',
          reason: 'invalid_token',
          ...origin,
        });
      throw error;
    }
  }

  /** POST /api/auth/invitations/accept: the new account, then its first session. */
  async acceptAndSignIn(
    token: string,
    password: string,
    displayName: string,
    origin: RequestOrigin,
  ): Promise<TokenPair> {
    const userId = await this.acceptWithNewAccount(token, password, displayName, origin);
    return this.auth.startSession(userId, origin, { reason: 'invitation' });
  }

  /** An existing account accepts an invitation to its own address. */
  acceptAsUser(
    user: AuthUser,
    invitationId: string,
    origin: RequestOrigin,
  ): Promise<MembershipDto> {
    return this.access.invitation(
      { id: invitationId, userId: user.userId },
      {
        event: 'staff.accept',
        actorUserId: user.userId,
        requestId: origin.requestId,
        missing: () => notFound('Invitation'),
      },
      async (i) => {
        const inv = i.invitation;
        // DESIGN.md §3.11: not by inviting its own address, nor any other way (a trigger too).
        if (user.isSystemAdmin) throw adminRefused();
        if (!isOpen(inv)) throw notOpen(inv);
        try {
          await this.repo.accept(i, user.userId);
        } catch (error) {
          if (isUniqueViolation(error, 'staff_one_current_per_user'))
            throw CouncilErrors.staffExists();
          if (isAdminTrigger(error)) throw adminRefused();
          throw error;
        }
        return {
          result: {
            staffId: inv.staffId,
            councilId: inv.councilId,
            memberBodyId: inv.memberBodyId,
            role: inv.role,
            pledgedAt: null,
            active: true,
          },
          actor: { userId: user.userId, role: inv.role, memberBodyId: inv.memberBodyId },
          reason: 'existing_account',
        };
      },
    );
  }

  decline(
    user: AuthUser,
    invitationId: string,
    origin: RequestOrigin,
  ): Promise<DeclinedInvitationDto> {
    return this.access.invitation(
      { id: invitationId, userId: user.userId },
      {
        event: 'staff.decline',
        actorUserId: user.userId,
        requestId: origin.requestId,
        missing: () => notFound('Invitation'),
      },
      async (i) => {
        const inv = i.invitation;
        if (!(inv.state === 'pending' || inv.state === 'expired') || !inv.open) throw notOpen(inv);
        await this.repo.decline(i);
        return {
          result: { id: inv.id, status: 'declined' as const },
          actor: { userId: user.userId, role: null, memberBodyId: null },
        };
      },
    );
  }

  /** The caller's open invitations, across councils (only those to their own address). */
  async mine(user: AuthUser): Promise<MyInvitationDto[]> {
    const rows = await this.access.register(user.userId, (r) => this.repo.mine(r));
    return rows.map((r) => ({ ...r, expiresAt: r.expiresAt.toISOString() }));
  }
}

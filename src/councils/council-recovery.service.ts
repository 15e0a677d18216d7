import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { UsersRepository } from '../users/users.repository';
import { normalizeEmail } from '../users/users.service';
import { CouncilsRepository } from './councils.repository';
import { IssuedInvitation, InvitationIssuer } from './invitation-issuer';
import { InvitationsRepository } from './invitations.repository';

export class RecoveryRefused extends Error {}

/**
 * `council:recover` (issue 13): a council that lost every coordinator gets a new one — an
 * invitation, like any staff record, accepted by the person with their own password. It is an
 * operator's procedure with database access, run from the CLI and written into the council's
 * log as `council.recovered`; no API offers it, so the system admin cannot use it to make
 * itself coordinator of an established council (DESIGN.md §3.11).
 */
@Injectable()
export class CouncilRecoveryService {
  constructor(
    private readonly access: AccessService,
    private readonly councils: CouncilsRepository,
    private readonly invitations: InvitationsRepository,
    private readonly issuer: InvitationIssuer,
    private readonly users: UsersRepository,
  ) {}

  recover(input: {
    councilId: string;
    email: string;
    displayName: string;
    memberBodyId: string | null;
  }): Promise<{ staffId: string; memberBodyId: string; invitation: IssuedInvitation }> {
    const email = normalizeEmail(input.email);
    return this.access.operator(input.councilId, 'council.recovered', async (s) => {
      await this.councils.lockCouncil(s);
      if ((await this.councils.countActiveCoordinators(s)) > 0)
        throw new RecoveryRefused(
          'the council has a coordinator in force: coordinators manage its staff (recovery is for a council that lost them all)',
        );
      const bodyId =
        input.memberBodyId ?? (await this.councils.currentDesignation(s))?.memberBodyId;
      if (!bodyId)
        throw new RecoveryRefused(
          'the council has no coordinating body: name the member body with --member-body <id>',
        );
      const body = await this.councils.findMemberBody(s, bodyId);
      if (!body?.current)
        throw new RecoveryRefused(`member body ${bodyId} is not a current member`);
      // The operator knows who the admins are: refuse plainly rather than issue a dead invitation.
      if ((await this.users.findByEmail(email, s.em))?.isSystemAdmin)
        throw new RecoveryRefused('a system admin never holds a staff record: use another address');
      if (await this.invitations.openFor(s, email))
        throw new RecoveryRefused('an invitation to this address is already open in the council');
      const staffId = await this.councils.insertPendingStaff(
        s,
        { memberBodyId: bodyId, role: 'coordinator' },
        null,
      );
      const invitation = await this.issuer.issue(s, {
        staffId,
        email,
        displayName: input.displayName,
        role: 'coordinator',
        createdBy: null,
      });
      return {
        result: { staffId, memberBodyId: bodyId, invitation },
        resourceType: 'staff',
        resourceId: staffId,
        reason: 'role=coordinator,invited',
      };
    });
  }
}

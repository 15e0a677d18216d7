import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { MemberBodyFacts, StaffFacts } from '../access/subject-registry';
import { AuthService } from '../auth/auth.service';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/http/pagination';
import { normalizeEmail } from '../users/users.service';
import { CouncilErrors } from './council-errors';
import { CouncilsRepository, StaffRow } from './councils.repository';
import { CreatedStaffDto, CreateStaffDto, StaffDto, UpdateStaffDto } from './dto/council.dto';
import { InvitationIssuer } from './invitation-issuer';
import { InvitationsRepository } from './invitations.repository';
import { assertBootstrap } from './member-bodies.service';
import { CONTINUING_DUTY } from './pledge.service';

export const toStaffDto = (row: StaffRow): StaffDto => ({
  id: row.id,
  userId: row.userId,
  email: row.email,
  displayName: row.displayName,
  memberBodyId: row.memberBodyId,
  role: row.role,
  startedOn: row.startedOn,
  endedOn: row.endedOn,
  pledgedAt: row.pledgedAt ? row.pledgedAt.toISOString() : null,
  pledgeVersion: row.pledgeVersion,
  active: row.active,
  status: row.status,
  acceptedAt: row.acceptedAt ? row.acceptedAt.toISOString() : null,
  endReason: row.endReason,
  continuingDuty: row.continuingDuty,
});

/** The body a staff record names must be a current member (in force today). */
const currentBody = (ref: Record<string, unknown>): void => {
  if (!(ref as unknown as MemberBodyFacts).current) throw CouncilErrors.memberBodyNotCurrent();
};

/**
 * 事務に従事する者. Staff records are never deleted (Art. 18 binds former staff too); ending one
 * cuts access at once. No API grants system_admin, and no one edits their own record's role
 * or body — privilege escalation through user editing is the classic flaw of such systems. That
 * rule is `coordinator.staff.not-self` in policies/coordinator.yaml: the access primitive loads
 * the record through the `update Staff` policy and answers its refusal (403 OWN_RECORD).
 *
 * Nobody is above the council (DESIGN.md §3.11, issue 13): a staff record starts as an
 * invitation to an e-mail address, names no account until that person accepts it, grants nothing
 * until then, and the creator learns nothing about whether the address has an account. Nobody
 * chooses another person's password: the invitee sets their own.
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: CouncilsRepository,
    private readonly invitations: InvitationsRepository,
    private readonly issuer: InvitationIssuer,
    private readonly auth: AuthService,
  ) {}

  /**
   * A pending record and its invitation. `delivery: 'none'` is for callers without HTTP that
   * accept the invitation themselves (the demo seed): no mail, and the token is returned.
   */
  create(
    p: CouncilPrincipal,
    dto: CreateStaffDto,
    delivery: 'send' | 'none' = 'send',
  ): Promise<CreatedStaffDto> {
    return this.access.use(
      p,
      {
        action: 'create',
        subject: 'Staff',
        refs: [{ subject: 'MemberBody', id: dto.memberBodyId }],
      },
      async (s, l) => {
        await this.repo.lockCouncil(s);
        // The operator sets up the first coordinator of a council never staffed; from then on
        // coordinators manage staff, and only the CLI recovery can step in.
        await assertBootstrap(this.repo, s, p, dto.role);
        currentBody(l.refs[0]);
        const email = normalizeEmail(dto.email);
        // Only this council's own open invitations are consulted — never accounts: whether the
        // address has one (here or in any council) changes nothing in the answer.
        if (await this.invitations.openFor(s, email)) throw CouncilErrors.invitationPending();
        const id = await this.repo.insertPendingStaff(
          s,
          { memberBodyId: dto.memberBodyId, role: dto.role },
          p.userId,
        );
        const invitation = await this.issuer.issue(
          s,
          {
            staffId: id,
            email,
            displayName: dto.displayName.trim(),
            role: dto.role,
            createdBy: p.userId,
          },
          delivery,
        );
        return {
          result: { ...toStaffDto((await this.repo.findStaff(s, id))!), invitation },
          resourceId: id,
          reason: `role=${dto.role},invited`,
        };
      },
    );
  }

  list(p: CouncilPrincipal, active: boolean | null, q: PageQueryDto): Promise<Page<StaffDto>> {
    const limit = pageLimit(q);
    return this.access.use(
      p,
      { action: 'read', subject: 'Staff', recordAllowed: false },
      async (s) => {
        const rows = await this.repo.listStaff(s, active, decodeCursor(q.cursor), limit);
        return { result: toPage(rows, limit, (r) => ({ key: r.createdAt, id: r.id }), toStaffDto) };
      },
    );
  }

  get(p: CouncilPrincipal, staffId: string): Promise<StaffDto> {
    return this.access.use(
      p,
      { action: 'read', subject: 'Staff', id: staffId, recordAllowed: false },
      async (s) => ({ result: toStaffDto((await this.repo.findStaff(s, staffId))!) }),
    );
  }

  update(p: CouncilPrincipal, staffId: string, dto: UpdateStaffDto): Promise<StaffDto> {
    return this.access.use<StaffDto, StaffFacts>(
      p,
      {
        action: 'update',
        subject: 'Staff',
        id: staffId,
        lock: true,
        refs: dto.memberBodyId ? [{ subject: 'MemberBody', id: dto.memberBodyId }] : [],
      },
      async (s, l) => {
        // What the invitee was offered is what they accept: a pending record is ended and
        // re-issued, never changed under them.
        if (l.row!.acceptedAt === null && l.row!.endedOn === null)
          throw CouncilErrors.staffPending();
        if (!l.row!.active) throw CouncilErrors.staffAlreadyEnded();
        if (dto.memberBodyId) currentBody(l.refs[0]);
        await this.repo.updateStaff(s, staffId, dto);
        return {
          result: toStaffDto((await this.repo.findStaff(s, staffId))!),
          reason: Object.keys(dto)
            .filter((k) => dto[k as keyof UpdateStaffDto] !== undefined)
            .join(','),
        };
      },
    );
  }

  /**
   * Ends a record on `endedOn`. An accepted one is ended with the continuing duty (Art. 18) in
   * the answer and on the record; once the date has come, the person's sessions end too — but
   * only if they hold no other record in force anywhere (their session in another council goes
   * on, issue 13). A pending one just has its invitation revoked.
   */
  end(p: CouncilPrincipal, staffId: string, endedOn: string): Promise<StaffDto> {
    return this.access.use<StaffDto, StaffFacts>(
      p,
      { action: 'end', subject: 'Staff', id: staffId, lock: true },
      async (s, l) => {
        const staff = l.row!;
        if (staff.endedOn) throw CouncilErrors.staffAlreadyEnded();
        if (endedOn < staff.startedOn)
          throw CouncilErrors.datesOutOfOrder(
            'endedOn',
            'endedOn must not be before the record started',
          );
        const pending = staff.acceptedAt === null;
        await this.repo.endStaff(s, staffId, {
          endedOn,
          by: p.userId,
          reason: pending ? 'invitation_revoked' : 'ended',
          continuingDuty: pending ? null : CONTINUING_DUTY,
        });
        let revoked = false;
        if (pending) await this.invitations.revokeForStaff(s, [staffId]);
        else if (await this.repo.hasCome(s, endedOn))
          revoked = await this.auth.revokeUnlessStaffElsewhere(staff.userId!, s.councilId, s.em);
        return {
          result: toStaffDto((await this.repo.findStaff(s, staffId))!),
          reason: pending ? 'invitation_revoked' : `sessions_revoked=${revoked}`,
        };
      },
    );
  }
}

import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { MemberBodyFacts, StaffFacts } from '../access/subject-registry';
import { AuthService } from '../auth/auth.service';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/http/pagination';
import { UsersService } from '../users/users.service';
import { CouncilErrors, isUniqueViolation } from './council-errors';
import { CouncilsRepository, StaffRow } from './councils.repository';
import { CreateStaffDto, StaffDto, UpdateStaffDto } from './dto/council.dto';
import { assertBootstrap } from './member-bodies.service';

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
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: CouncilsRepository,
    private readonly users: UsersService,
    private readonly auth: AuthService,
  ) {}

  create(p: CouncilPrincipal, dto: CreateStaffDto): Promise<StaffDto> {
    return this.access.use(
      p,
      {
        action: 'create',
        subject: 'Staff',
        refs: [{ subject: 'MemberBody', id: dto.memberBodyId }],
      },
      async (s, l) => {
        await this.repo.lockCouncil(s);
        // The operator sets up the first coordinator; from then on coordinators manage staff.
        await assertBootstrap(this.repo, s, p, dto.role);
        currentBody(l.refs[0]);
        // An existing login is linked as it is: its password and name are not touched.
        const { user } = await this.users.findOrCreate(
          { email: dto.email, displayName: dto.displayName, password: dto.initialPassword },
          s.em,
        );
        try {
          const id = await this.repo.insertStaff(
            s,
            { userId: user.id, memberBodyId: dto.memberBodyId, role: dto.role },
            p.userId,
          );
          return {
            result: toStaffDto((await this.repo.findStaff(s, id))!),
            resourceId: id,
            reason: `role=${dto.role}`,
          };
        } catch (error) {
          if (isUniqueViolation(error, 'staff_one_current_per_user'))
            throw CouncilErrors.staffExists();
          throw error;
        }
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
        await this.repo.endStaff(s, staffId, endedOn, p.userId);
        if (await this.repo.hasCome(s, endedOn))
          await this.auth.revokeAllSessions(staff.userId, 'staff_ended', s.em);
        return { result: toStaffDto((await this.repo.findStaff(s, staffId))!) };
      },
    );
  }
}

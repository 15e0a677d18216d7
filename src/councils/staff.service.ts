import { AuditService } from '../audit/audit.service';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthService } from '../auth/auth.service';
import { notFound } from '../common/errors/domain-error';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/http/pagination';
import { CouncilTransactions } from '../database/council-transactions';
import { UsersService } from '../users/users.service';
import { Actor, auditActor } from './actor';
import { CouncilErrors, isUniqueViolation } from './council-errors';
import { CouncilsRepository, StaffRow } from './councils.repository';
import { CreateStaffDto, StaffDto, UpdateStaffDto } from './dto/council.dto';

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

/**
 * 事務に従事する者. Staff records are never deleted (Art. 18 binds former staff too); ending one
 * cuts access at once. No API grants system_admin, and no one edits their own record's role
 * or body: privilege escalation through user editing is the classic flaw of such systems.
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly tx: CouncilTransactions,
    private readonly repo: CouncilsRepository,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  create(actor: Actor, councilId: string, dto: CreateStaffDto): Promise<StaffDto> {
    return this.tx.run(councilId, async (em) => {
      await this.repo.lockCouncil(em, councilId);
      if (actor.actingAs === 'system_admin') {
        // The operator sets up the first coordinator; from then on coordinators manage staff.
        if (
          dto.role !== 'coordinator' ||
          (await this.repo.countActiveCoordinators(em, councilId)) > 0
        ) {
          throw CouncilErrors.bootstrapOnly();
        }
      }
      await this.assertCurrentBody(em, councilId, dto.memberBodyId);
      // An existing login is linked as it is: its password and name are not touched.
      const { user } = await this.users.findOrCreate(
        { email: dto.email, displayName: dto.displayName, password: dto.initialPassword },
        em,
      );
      try {
        const id = await this.repo.insertStaff(
          em,
          councilId,
          { userId: user.id, memberBodyId: dto.memberBodyId, role: dto.role },
          actor.userId,
        );
        await this.audit.record(em, {
          councilId,
          actor: auditActor(actor),
          action: 'staff.create',
          outcome: 'allowed',
          resourceType: 'staff',
          resourceId: id,
          requestId: actor.requestId ?? null,
          reason: `role=${dto.role}`,
        });
        return toStaffDto((await this.repo.findStaff(em, councilId, id))!);
      } catch (error) {
        if (isUniqueViolation(error, 'staff_one_current_per_user'))
          throw CouncilErrors.staffExists();
        throw error;
      }
    });
  }

  list(councilId: string, active: boolean | null, q: PageQueryDto): Promise<Page<StaffDto>> {
    const limit = pageLimit(q);
    return this.tx.run(councilId, async (em) => {
      const rows = await this.repo.listStaff(em, councilId, active, decodeCursor(q.cursor), limit);
      return toPage(rows, limit, (r) => ({ key: r.createdAt, id: r.id }), toStaffDto);
    });
  }

  get(councilId: string, staffId: string): Promise<StaffDto> {
    return this.tx.run(councilId, async (em) =>
      toStaffDto(await this.mustFind(em, councilId, staffId)),
    );
  }

  update(actor: Actor, councilId: string, staffId: string, dto: UpdateStaffDto): Promise<StaffDto> {
    return this.tx.run(councilId, async (em) => {
      const staff = await this.mustFind(em, councilId, staffId, true);
      if (staff.userId === actor.userId) throw CouncilErrors.ownRole();
      if (!staff.active) throw CouncilErrors.staffAlreadyEnded();
      if (dto.memberBodyId) await this.assertCurrentBody(em, councilId, dto.memberBodyId);
      await this.repo.updateStaff(em, councilId, staffId, dto);
      await this.audit.record(em, {
        councilId,
        actor: auditActor(actor),
        action: 'staff.update',
        outcome: 'allowed',
        resourceType: 'staff',
        resourceId: staffId,
        requestId: actor.requestId ?? null,
        reason: Object.keys(dto)
          .filter((k) => dto[k as keyof UpdateStaffDto] !== undefined)
          .join(','),
      });

      return toStaffDto((await this.repo.findStaff(em, councilId, staffId))!);
    });
  }

  end(actor: Actor, councilId: string, staffId: string, endedOn: string): Promise<StaffDto> {
    return this.tx.run(councilId, async (em) => {
      const staff = await this.mustFind(em, councilId, staffId, true);
      if (staff.endedOn) throw CouncilErrors.staffAlreadyEnded();
      if (endedOn < staff.startedOn)
        throw CouncilErrors.datesOutOfOrder(
          'endedOn',
          'endedOn must not be before the record started',
        );
      await this.repo.endStaff(em, councilId, staffId, endedOn, actor.userId);
      const [{ effective }] = (await em.query(`SELECT $1::date <= current_date AS effective`, [
        endedOn,
      ])) as { effective: boolean }[];
      if (effective) await this.auth.revokeAllSessions(staff.userId, 'staff_ended', em);
      await this.audit.record(em, {
        councilId,
        actor: auditActor(actor),
        action: 'staff.end',
        outcome: 'allowed',
        resourceType: 'staff',
        resourceId: staffId,
        requestId: actor.requestId ?? null,
      });

      return toStaffDto((await this.repo.findStaff(em, councilId, staffId))!);
    });
  }

  private async assertCurrentBody(
    em: EntityManager,
    councilId: string,
    memberBodyId: string,
  ): Promise<void> {
    const body = await this.repo.findMemberBody(em, councilId, memberBodyId);
    if (!body) throw notFound('Member body');
    if (!body.current) throw CouncilErrors.memberBodyNotCurrent();
  }

  private async mustFind(
    em: EntityManager,
    councilId: string,
    staffId: string,
    lock = false,
  ): Promise<StaffRow> {
    const row = await this.repo.findStaff(em, councilId, staffId, lock);
    if (!row) throw notFound('Staff');
    return row;
  }
}

import { AuditService } from '../audit/audit.service';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthService } from '../auth/auth.service';
import { notFound } from '../common/errors/domain-error';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/http/pagination';
import { CouncilTransactions } from '../database/council-transactions';
import { Actor, auditActor } from './actor';
import { CouncilErrors, isCheckViolation, isUniqueViolation } from './council-errors';
import { CouncilsRepository, MemberBodyRow } from './councils.repository';
import { CreateMemberBodyDto, MemberBodyDto, UpdateMemberBodyDto } from './dto/council.dto';

export const toMemberBodyDto = (row: MemberBodyRow): MemberBodyDto => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  joinedOn: row.joinedOn,
  leftOn: row.leftOn,
  isCoordinatingBody: row.isCoordinatingBody,
});

/** 関係機関等: join, edit, leave. Leaving is never deleting. */
@Injectable()
export class MemberBodiesService {
  constructor(
    private readonly tx: CouncilTransactions,
    private readonly repo: CouncilsRepository,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  create(actor: Actor, councilId: string, dto: CreateMemberBodyDto): Promise<MemberBodyDto> {
    return this.tx.run(councilId, async (em) => {
      await this.repo.lockCouncil(em, councilId);
      await this.assertMayManage(em, actor, councilId);
      try {
        const id = await this.repo.insertMemberBody(em, councilId, dto, actor.userId);
        await this.audit.record(em, {
          councilId,
          actor: auditActor(actor),
          action: 'member_body.create',
          outcome: 'allowed',
          resourceType: 'member_body',
          resourceId: id,
          requestId: actor.requestId ?? null,
        });
        return toMemberBodyDto((await this.repo.findMemberBody(em, councilId, id))!);
      } catch (error) {
        if (isUniqueViolation(error, 'member_bodies_name_key'))
          throw CouncilErrors.memberBodyNameTaken();
        throw error;
      }
    });
  }

  list(councilId: string, includeLeft: boolean, q: PageQueryDto): Promise<Page<MemberBodyDto>> {
    const limit = pageLimit(q);
    return this.tx.run(councilId, async (em) => {
      const rows = await this.repo.listMemberBodies(
        em,
        councilId,
        includeLeft,
        decodeCursor(q.cursor),
        limit,
      );
      return toPage(rows, limit, (r) => ({ key: r.createdAt, id: r.id }), toMemberBodyDto);
    });
  }

  get(councilId: string, id: string): Promise<MemberBodyDto> {
    return this.tx.run(councilId, async (em) =>
      toMemberBodyDto(await this.mustFind(em, councilId, id)),
    );
  }

  update(
    actor: Actor,
    councilId: string,
    id: string,
    dto: UpdateMemberBodyDto,
  ): Promise<MemberBodyDto> {
    return this.tx.run(councilId, async (em) => {
      const body = await this.mustFind(em, councilId, id, true);
      if (dto.joinedOn && body.leftOn && dto.joinedOn > body.leftOn) {
        throw CouncilErrors.datesOutOfOrder('joinedOn', 'joinedOn must not be after leftOn');
      }
      try {
        await this.repo.updateMemberBody(em, councilId, id, dto);
      } catch (error) {
        if (isUniqueViolation(error, 'member_bodies_name_key'))
          throw CouncilErrors.memberBodyNameTaken();
        if (isCheckViolation(error))
          throw CouncilErrors.datesOutOfOrder('joinedOn', 'dates are out of order');
        throw error;
      }
      await this.audit.record(em, {
        councilId,
        actor: auditActor(actor),
        action: 'member_body.update',
        outcome: 'allowed',
        resourceType: 'member_body',
        resourceId: id,
        requestId: actor.requestId ?? null,
      });
      return toMemberBodyDto((await this.repo.findMemberBody(em, councilId, id))!);
    });
  }

  /**
   * The body leaves on `leftOn`: it stays on record with everyone who acted for it, its staff
   * records end on that date, it stops being the coordinating body, and — when the date has
   * come — its people's sessions are revoked at once.
   */
  leave(actor: Actor, councilId: string, id: string, leftOn: string): Promise<MemberBodyDto> {
    return this.tx.run(councilId, async (em) => {
      await this.repo.lockCouncil(em, councilId);
      const body = await this.mustFind(em, councilId, id, true);
      if (body.leftOn) throw CouncilErrors.memberBodyAlreadyLeft();
      if (leftOn < body.joinedOn)
        throw CouncilErrors.datesOutOfOrder('leftOn', 'leftOn must not be before joinedOn');
      await this.repo.setMemberBodyLeft(em, councilId, id, leftOn);
      const userIds = await this.repo.endStaffOfBody(em, councilId, id, leftOn, actor.userId);
      const designation = await this.repo.currentDesignation(em, councilId);
      if (designation?.memberBodyId === id) {
        await this.repo.endDesignation(
          em,
          councilId,
          designation.id,
          actor.userId,
          'member_body_left',
        );
      }
      const [{ effective }] = (await em.query(`SELECT $1::date <= current_date AS effective`, [
        leftOn,
      ])) as { effective: boolean }[];
      if (effective) {
        for (const userId of userIds) await this.auth.revokeAllSessions(userId, 'staff_ended', em);
        // Its case assignments end with it (DESIGN.md §2), so a new lead can be named at once.
        await this.repo.endAssignmentsOfBody(em, councilId, id, actor.userId);
      }
      await this.audit.record(em, {
        councilId,
        actor: auditActor(actor),
        action: 'member_body.leave',
        outcome: 'allowed',
        resourceType: 'member_body',
        resourceId: id,
        requestId: actor.requestId ?? null,
        reason: `staff_ended=${userIds.length}`,
      });

      return toMemberBodyDto((await this.repo.findMemberBody(em, councilId, id))!);
    });
  }

  /** A system admin may add bodies only while setting the council up (no coordinator yet). */
  private async assertMayManage(em: EntityManager, actor: Actor, councilId: string): Promise<void> {
    if (
      actor.actingAs === 'system_admin' &&
      (await this.repo.countActiveCoordinators(em, councilId)) > 0
    ) {
      throw CouncilErrors.bootstrapOnly();
    }
  }

  private async mustFind(
    em: EntityManager,
    councilId: string,
    id: string,
    lock = false,
  ): Promise<MemberBodyRow> {
    const row = await this.repo.findMemberBody(em, councilId, id, lock);
    if (!row) throw notFound('Member body');
    return row;
  }
}

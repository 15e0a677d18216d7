import { AuditService } from '../audit/audit.service';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { forbidden, notFound } from '../common/errors/domain-error';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/http/pagination';
import { CouncilTransactions } from '../database/council-transactions';
import { Actor, auditActor } from './actor';
import { CouncilErrors } from './council-errors';
import { CouncilRow, CouncilsRepository } from './councils.repository';
import {
  CouncilDto,
  CreateCouncilDto,
  PublicCouncilDto,
  UpdateCouncilDto,
} from './dto/council.dto';
import { PledgeService } from './pledge.service';

export const toCouncilDto = (row: CouncilRow): CouncilDto => ({
  id: row.id,
  name: row.name,
  municipalities: row.municipalities,
  establishedOn: row.establishedOn,
  coordinatingBody: row.coordinatingBodyId
    ? { id: row.coordinatingBodyId, name: row.coordinatingBodyName as string }
    : null,
});

@Injectable()
export class CouncilsService {
  constructor(
    private readonly tx: CouncilTransactions,
    private readonly repo: CouncilsRepository,
    private readonly pledges: PledgeService,
    private readonly audit: AuditService,
  ) {}

  /** system_admin only (Art. 15: the municipality sets the council up; the operator records it). */
  async create(
    actor: { userId: string; isSystemAdmin: boolean },
    dto: CreateCouncilDto,
  ): Promise<CouncilDto> {
    if (!actor.isSystemAdmin) throw forbidden('Only a system admin creates councils');
    return this.tx.runUnscoped(async (em) => {
      const id = await this.repo.insertCouncil(em, dto);
      await this.tx.scope(em, id);
      await this.pledges.publishInitial(em, id, actor.userId);
      await this.audit.record(em, {
        councilId: id,
        actor: { userId: actor.userId, role: 'system_admin', memberBodyId: null },
        action: 'council.create',
        outcome: 'allowed',
        resourceType: 'council',
        resourceId: id,
        reason: 'pledge_version=1',
      });
      return toCouncilDto((await this.repo.findCouncil(em, id)) as CouncilRow);
    });
  }

  get(councilId: string): Promise<CouncilDto> {
    return this.tx.run(councilId, async (em) => toCouncilDto(await this.mustFind(em, councilId)));
  }

  update(actor: Actor, councilId: string, dto: UpdateCouncilDto): Promise<CouncilDto> {
    return this.tx.run(councilId, async (em) => {
      await this.repo.lockCouncil(em, councilId);
      await this.repo.updateCouncil(em, councilId, dto);
      await this.audit.record(em, {
        councilId,
        actor: auditActor(actor),
        action: 'council.update',
        outcome: 'allowed',
        resourceType: 'council',
        resourceId: councilId,
        requestId: actor.requestId ?? null,
      });

      return toCouncilDto(await this.mustFind(em, councilId));
    });
  }

  /**
   * The councils the caller has a staff record in (current or former: /api/me tells which are
   * active); a system admin sees all of them. Each council is read in its own RLS scope.
   */
  list(
    user: { userId: string; isSystemAdmin: boolean },
    q: PageQueryDto,
  ): Promise<Page<CouncilDto>> {
    const limit = pageLimit(q);
    return this.tx.runUnscoped(async (em) => {
      const ids = await this.repo.pageCouncilIds(
        em,
        user.isSystemAdmin ? 'all' : user.userId,
        decodeCursor(q.cursor),
        limit,
      );
      const rows: (CouncilRow & { createdAt: string })[] = [];
      for (const { id, createdAt } of ids) {
        await this.tx.scope(em, id);
        rows.push({ ...(await this.mustFind(em, id)), createdAt });
      }
      return toPage(rows, limit, (r) => ({ key: r.createdAt, id: r.id }), toCouncilDto);
    });
  }

  /** Designates the one coordinating body (Art. 17(1)), replacing and keeping any earlier one. */
  designateCoordinatingBody(
    actor: Actor,
    councilId: string,
    memberBodyId: string,
  ): Promise<CouncilDto> {
    return this.tx.run(councilId, async (em) => {
      await this.repo.lockCouncil(em, councilId);
      const body = await this.repo.findMemberBody(em, councilId, memberBodyId);
      if (!body) throw notFound('Member body');
      if (!body.current) throw CouncilErrors.memberBodyNotCurrent();
      const current = await this.repo.currentDesignation(em, councilId);
      if (current?.memberBodyId !== memberBodyId) {
        if (current)
          await this.repo.endDesignation(em, councilId, current.id, actor.userId, 'replaced');
        await this.repo.insertDesignation(em, councilId, memberBodyId, actor.userId);
        await this.audit.record(em, {
          councilId,
          actor: auditActor(actor),
          action: 'council.designate',
          outcome: 'allowed',
          resourceType: 'member_body',
          resourceId: memberBodyId,
          requestId: actor.requestId ?? null,
        });
      }
      return toCouncilDto(await this.mustFind(em, councilId));
    });
  }

  /** 公示 (施行規則 Art. 1): the only council data that is public. One RLS scope per council. */
  publicNotice(q: PageQueryDto): Promise<Page<PublicCouncilDto>> {
    const limit = pageLimit(q);
    return this.tx.runUnscoped(async (em) => {
      const ids = await this.repo.pageCouncilIds(em, 'all', decodeCursor(q.cursor), limit);
      const entries: (PublicCouncilDto & { createdAt: string })[] = [];
      for (const { id, createdAt } of ids) {
        await this.tx.scope(em, id);
        const council = await this.mustFind(em, id);
        entries.push({
          createdAt,
          id: council.id,
          name: council.name,
          municipalities: council.municipalities,
          establishedOn: council.establishedOn,
          coordinatingBody: await this.repo.publicCoordinatingBody(em, id),
          memberBodies: await this.repo.currentMemberBodyRefs(em, id),
        });
      }
      return toPage(
        entries,
        limit,
        (r) => ({ key: r.createdAt, id: r.id }),
        ({ createdAt: _, ...entry }) => entry,
      );
    });
  }

  private async mustFind(em: EntityManager, councilId: string): Promise<CouncilRow> {
    const row = await this.repo.findCouncil(em, councilId);
    if (!row) throw notFound('Council');
    return row;
  }
}

import { Injectable } from '@nestjs/common';
import { decidingRuleId } from '../access/ability.factory';
import { actorOf, CouncilPrincipal } from '../access/council-principal';
import { AuditService } from '../audit/audit.service';
import { forbidden } from '../common/errors/domain-error';
import { decodeCursor, pageLimit, toPage } from '../common/http/pagination';
import { CouncilTransactions } from '../database/council-transactions';
import { notVisible } from './meeting-access';
import { minutesNotFinal } from './meeting-errors';
import { actionItemView, decisionView } from './meeting-projection';
import { ActionItemQueryDto, DecisionQueryDto, UpdateActionItemDto } from './meetings.dto';
import { MeetingsRepository } from './meetings.repository';

/**
 * Decisions and action items across meetings: a member body's to-do list, and what was decided
 * about a case. What each caller sees is the Decision / ActionItem policy as SQL: coordinators
 * everything; agency staff what they attended, what concerns a case their body is assigned to
 * (covered today), and their own body's items.
 */
@Injectable()
export class ActionItemsService {
  constructor(
    private readonly tx: CouncilTransactions,
    private readonly repo: MeetingsRepository,
    private readonly audit: AuditService,
  ) {}

  list(p: CouncilPrincipal, q: ActionItemQueryDto) {
    const limit = pageLimit(q);
    return this.tx.run(p.councilId, async (em) => {
      // `mine`: the caller's own body's to-do list (a principal without a body has none).
      const mine = q.mine ? (p.staff?.memberBodyId ?? null) : undefined;
      const rows =
        mine === null
          ? []
          : await this.repo.actionItems(
              em,
              p.councilId,
              {
                memberBodyId: mine,
                status: q.status,
                caseId: q.caseId,
                after: decodeCursor(q.cursor),
                limit,
              },
              p.ability,
            );
      const page = toPage(rows, limit, (r) => ({ key: r.dueOn, id: r.id }), actionItemView);
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'action_item.list',
        outcome: 'allowed',
        resourceType: 'action_item',
        resourceIds: page.items.map((i) => i.id),
        ruleId: decidingRuleId(p.ability, 'read', 'ActionItem'),
        requestId: p.requestId,
        reason: q.mine ? 'mine' : null,
      });
      return page;
    });
  }

  /** The owning body (or a coordinator) moves an item of final minutes along; history is kept. */
  async update(p: CouncilPrincipal, itemId: string, dto: UpdateActionItemDto) {
    const result = await this.tx.run(p.councilId, async (em) => {
      const item = await this.repo.findActionItemForUpdate(em, p.ability, p.councilId, itemId);
      if (!item || !item.readable) return null;
      if (!item.updatable)
        throw forbidden(
          'Only staff of the owning member body (or a coordinator) may change this item',
        );
      if (item.minutesStatus !== 'final')
        throw minutesNotFinal('Action items are worked on once the minutes are final');
      if (item.status !== dto.status)
        await this.repo.setActionItemStatus(em, p.councilId, item, dto.status, p.userId);
      const updated = (
        await this.repo.actionItems(em, p.councilId, { meetingId: item.meetingId }, null)
      ).find((r) => r.id === itemId)!;
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'action_item.update',
        outcome: 'allowed',
        resourceType: 'action_item',
        resourceId: itemId,
        caseId: item.caseId,
        ruleId: decidingRuleId(p.ability, 'update', 'ActionItem'),
        requestId: p.requestId,
        reason: `status=${item.status}->${dto.status}`,
      });
      return actionItemView(updated);
    });
    if (!result)
      throw await notVisible(
        this.audit,
        p,
        'action_item.update',
        'action_item',
        itemId,
        'Action item',
      );
    return result;
  }

  /** Decisions the caller may read across meetings, oldest first (e.g. all about one case). */
  decisions(p: CouncilPrincipal, q: DecisionQueryDto) {
    const limit = pageLimit(q);
    return this.tx.run(p.councilId, async (em) => {
      const rows = await this.repo.decisions(
        em,
        p.councilId,
        { caseId: q.caseId, after: decodeCursor(q.cursor), limit },
        p.ability,
      );
      const page = toPage(rows, limit, (r) => ({ key: r.sortKey, id: r.id }), decisionView);
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'decision.list',
        outcome: 'allowed',
        resourceType: 'decision',
        resourceIds: page.items.map((d) => d.id),
        caseId: q.caseId ?? null,
        ruleId: decidingRuleId(p.ability, 'read', 'Decision'),
        requestId: p.requestId,
      });
      return page;
    });
  }
}

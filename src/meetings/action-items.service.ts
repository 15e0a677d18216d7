import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { decodeCursor, pageLimit, toPage } from '../common/http/pagination';
import { minutesNotFinal } from './meeting-errors';
import { actionItemView, caseIdsOf, decisionView } from './meeting-projection';
import { ActionItemQueryDto, DecisionQueryDto, UpdateActionItemDto } from './meetings.dto';
import { ActionItemRow, MeetingsRepository } from './meetings.repository';

/**
 * Decisions and action items across meetings: a member body's to-do list, and what was decided
 * about a case. What each caller sees is the Decision / ActionItem policy as SQL: coordinators
 * everything; agency staff what concerns a case their body is covered on now (attended or not;
 * owning an item is not coverage), and items about no case of meetings whose minutes they may
 * read in full, or owned by their body. Every list names the cases it disclosed (§3.10).
 */
@Injectable()
export class ActionItemsService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: MeetingsRepository,
  ) {}

  list(p: CouncilPrincipal, q: ActionItemQueryDto) {
    const limit = pageLimit(q);
    return this.access.use(
      p,
      { action: 'read', subject: 'ActionItem', event: 'action_item.list' },
      async (s) => {
        // `mine`: the caller's own body's to-do list (a principal without a body has none).
        const mine = q.mine ? (p.staff?.memberBodyId ?? null) : undefined;
        const rows =
          mine === null
            ? []
            : await this.repo.actionItems(
                s,
                {
                  memberBodyId: mine,
                  status: q.status,
                  caseId: q.caseId,
                  after: decodeCursor(q.cursor),
                  limit,
                },
                true,
              );
        const page = toPage(rows, limit, (r) => ({ key: r.dueOn, id: r.id }), actionItemView);
        return {
          result: page,
          resourceType: 'case',
          resourceIds: caseIdsOf(page.items),
          caseId: q.caseId ?? null,
          reason: q.mine ? 'mine' : null,
        };
      },
    );
  }

  /**
   * The owning body (or a coordinator) moves an item of final minutes along; history is kept.
   * The item is loaded through the ActionItem policies: not visible → audited 404; visible but
   * another body's → audited 403 (the update policy).
   */
  update(p: CouncilPrincipal, itemId: string, dto: UpdateActionItemDto) {
    return this.access.use<ReturnType<typeof actionItemView>, ActionItemRow>(
      p,
      { action: 'update', subject: 'ActionItem', id: itemId, lock: true },
      async (s, l) => {
        const item = l.row!;
        if (item.minutesStatus !== 'final')
          throw minutesNotFinal('Action items are worked on once the minutes are final');
        const updatedAt =
          item.status === dto.status
            ? item.updatedAt
            : await this.repo.setActionItemStatus(s, item, dto.status, p.userId);
        return {
          result: actionItemView({ ...item, status: dto.status, updatedAt }),
          reason: `status=${item.status}->${dto.status}`,
        };
      },
    );
  }

  /** Decisions the caller may read across meetings, oldest first (e.g. all about one case). */
  decisions(p: CouncilPrincipal, q: DecisionQueryDto) {
    const limit = pageLimit(q);
    return this.access.use(
      p,
      { action: 'read', subject: 'Decision', event: 'decision.list' },
      async (s) => {
        const rows = await this.repo.decisions(
          s,
          { caseId: q.caseId, after: decodeCursor(q.cursor), limit },
          true,
        );
        const page = toPage(rows, limit, (r) => ({ key: r.sortKey, id: r.id }), decisionView);
        return {
          result: page,
          resourceType: 'case',
          resourceIds: caseIdsOf(page.items),
          caseId: q.caseId ?? null,
        };
      },
    );
  }
}

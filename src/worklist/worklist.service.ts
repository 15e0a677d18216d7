import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { WorklistQueryDto } from './worklist.dto';
import {
  RiskLevel,
  WORKLIST_KINDS,
  WorklistKind,
  WorklistRepository,
  WorklistRow,
} from './worklist.repository';

export interface Worklist {
  items: WorklistRow[];
  /** How many items of each kind are due in the window (for a badge), before `kind` and `limit`. */
  counts: Record<WorklistKind, number>;
  nextCursor: null;
}

/** The digest counts what is due within this many days (the worklist's default window). */
export const DIGEST_WINDOW_DAYS = 14;

const countsOf = (items: WorklistRow[]): Record<WorklistKind, number> => {
  const counts = Object.fromEntries(WORKLIST_KINDS.map((k) => [k, 0])) as Record<
    WorklistKind,
    number
  >;
  for (const item of items) counts[item.kind] += 1;
  return counts;
};

/** Urgent first, unassessed (or not the caller's to see) last: the order of `?sort=risk` on cases. */
const RISK_RANK: Record<RiskLevel, number> = { urgent: 0, high: 1, medium: 2, low: 3 };
const riskRank = (r: WorklistRow): number => (r.riskLevel ? RISK_RANK[r.riskLevel] : 4);

/**
 * Sorted by urgency and case risk (issue 18 item 1; docs/api.md): overdue first, then by due
 * date (undated items — pledges, referrals — last); among items due the same day, the case's
 * current risk decides, urgent first; then kind and id, so the order is stable.
 */
export const byUrgency = (a: WorklistRow, b: WorklistRow): number =>
  Number(b.overdue) - Number(a.overdue) ||
  (a.dueOn ?? '9999-12-31').localeCompare(b.dueOn ?? '9999-12-31') ||
  riskRank(a) - riskRank(b) ||
  a.kind.localeCompare(b.kind) ||
  a.refId.localeCompare(b.refId);

/**
 * What the caller has to do (issue 18 item 1): consents running out or expired under an active
 * assignment, reviews due, information requests to answer or awaiting an answer, plan actions
 * and action items due, staff without the current pledge, meetings coming up. Items carry ids,
 * case numbers and dates only; the event names every case the list disclosed (§3.10).
 */
@Injectable()
export class WorklistService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: WorklistRepository,
  ) {}

  /**
   * The caller's counts by kind (the daily digest), under the same policies as the list. `send`
   * runs inside the council transaction, after the counts and before the audit event
   * (`digest.sent`, counts in its reason, no case ids since no case is named): if it throws —
   * already sent today (`false`), or delivery failed — nothing is recorded.
   */
  digest(
    p: CouncilPrincipal,
    send: (s: CouncilScope, counts: Record<WorklistKind, number>) => Promise<boolean>,
  ): Promise<boolean> {
    return this.access.use(
      p,
      { action: 'read', subject: 'Worklist', event: 'digest.sent' },
      async (s) => {
        const counts = countsOf(await this.repo.items(s, DIGEST_WINDOW_DAYS));
        if (!(await send(s, counts))) return { result: false, noop: true };
        return {
          result: true,
          resourceType: 'worklist',
          reason:
            WORKLIST_KINDS.filter((k) => counts[k] > 0)
              .map((k) => `${k}=${counts[k]}`)
              .join(' ') || 'nothing due',
        };
      },
    );
  }

  get(p: CouncilPrincipal, q: WorklistQueryDto): Promise<Worklist> {
    return this.access.use(
      p,
      { action: 'read', subject: 'Worklist', event: 'worklist.read' },
      async (s) => {
        const all = (await this.repo.items(s, q.dueWithin ?? 14)).sort(byUrgency);
        const counts = countsOf(all);
        const wanted = q.kind ? new Set(q.kind) : null;
        const items = all.filter((i) => !wanted || wanted.has(i.kind)).slice(0, q.limit ?? 50);
        return {
          result: { items, counts, nextCursor: null },
          resourceType: 'case',
          resourceIds: [...new Set(items.map((i) => i.caseId).filter((id): id is string => !!id))],
          reason: q.kind ? `kinds=${q.kind.join(',')}` : null,
        };
      },
    );
  }
}

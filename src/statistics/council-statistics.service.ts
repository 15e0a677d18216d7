import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { conflict, DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { lastDayOf, parsePeriod } from '../platform/period';
import {
  CouncilStatisticsDto,
  HoldDto,
  MonthStateDto,
  MonthStatus,
} from './dto/council-statistics.dto';
import { HoldRow, MonthRow, StatisticsRepository } from './statistics.repository';

const holdView = (h: HoldRow): HoldDto => ({
  id: h.id,
  month: h.month,
  reason: h.reason,
  heldAt: h.heldAt.toISOString(),
  heldBy: h.heldBy,
  releasedAt: h.releasedAt ? h.releasedAt.toISOString() : null,
  releasedBy: h.releasedBy,
});

const notBegun = (period: string): DomainError =>
  new DomainError(400, ErrorCode.PeriodNotBegun, `${period} has not begun`, {
    details: [{ field: 'period', messages: ['must have begun'] }],
  });

/**
 * A council's own statistics, for its coordinators (DESIGN.md §3.12): the unsuppressed figures
 * of any period that has begun, which months are published, and holding a month back from
 * publication (and releasing it). Everything through the access primitive: policy, council
 * transaction, audit event last.
 */
@Injectable()
export class CouncilStatisticsService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: StatisticsRepository,
  ) {}

  read(p: CouncilPrincipal, periodId: string): Promise<CouncilStatisticsDto> {
    const period = parsePeriod(periodId);
    if (!period) throw notBegun(periodId); // the DTO refuses these already
    return this.access.use(
      p,
      { action: 'read', subject: 'CouncilStatistics', event: 'statistics.council_read' },
      async (s) => {
        const today = await this.repo.today(s);
        if (period.from > today) throw notBegun(period.id);
        const rows = await this.repo.months(
          s,
          period.months[0],
          period.months[period.months.length - 1],
        );
        const months = rows.map((m) => monthState(m, today));
        const counts = await this.repo.liveCounts(s, period.from, period.to);
        const timing = await this.repo.livePlanTiming(s, period.from, period.to);
        const published = await this.repo.published(s, period.id);
        const statuses = new Set(months.map((m) => m.status));
        const status: MonthStatus = published
          ? 'published'
          : (['open', 'held', 'pending'] as const).find((x) => statuses.has(x))!;
        return {
          result: {
            councilId: p.councilId,
            period: { id: period.id, kind: period.kind, from: period.from, to: period.to },
            status,
            months,
            figures: [
              ...counts.map((c) => ({ dimension: c.dimension, value: c.value, count: c.n })),
              {
                dimension: 'median_days_to_first_plan',
                value: 'days',
                count: timing.medianDays === null ? null : Math.round(timing.medianDays * 10) / 10,
              },
            ],
            published: published
              ? {
                  k: published.k,
                  publishedAt: new Date(published.publishedAt).toISOString(),
                  cells: published.cells,
                }
              : null,
          },
          resourceType: 'statistics',
          reason: `period=${period.id}`,
        };
      },
    );
  }

  /** Keeps a month that has begun and is not yet published from publication. */
  hold(p: CouncilPrincipal, month: string, reason: string | null): Promise<HoldDto> {
    return this.access.use(
      p,
      { action: 'update', subject: 'CouncilStatistics', event: 'statistics.hold' },
      async (s) => {
        if (`${month}-01` > (await this.repo.today(s))) throw notBegun(month);
        const state = await this.repo.lockMonth(s, month);
        if (state.publishedAt)
          throw conflict(ErrorCode.AlreadyPublished, `${month} is published already`);
        if (state.hold) throw conflict(ErrorCode.AlreadyHeld, `${month} is held already`);
        const hold = await this.repo.insertHold(s, month, reason, p.userId);
        return {
          result: holdView(hold),
          resourceType: 'statistics_hold',
          resourceId: hold.id,
          reason: `period=${month}`,
        };
      },
    );
  }

  /** Lets a held month be published again (by the next run of the job, or the CLI). */
  release(p: CouncilPrincipal, month: string): Promise<HoldDto> {
    return this.access.use(
      p,
      { action: 'update', subject: 'CouncilStatistics', event: 'statistics.release' },
      async (s) => {
        const state = await this.repo.lockMonth(s, month);
        if (!state.hold) throw conflict(ErrorCode.NotHeld, `${month} is not held`);
        const hold = await this.repo.releaseHold(s, state.hold.id, p.userId);
        return {
          result: holdView(hold),
          resourceType: 'statistics_hold',
          resourceId: hold.id,
          reason: `period=${month}`,
        };
      },
    );
  }
}

function monthState(m: MonthRow, today: string): MonthStateDto {
  const status: MonthStatus = m.publishedAt
    ? 'published'
    : m.hold
      ? 'held'
      : lastDayOf(m.month) >= today
        ? 'open'
        : 'pending';
  return {
    month: m.month,
    status,
    publishedAt: m.publishedAt ? m.publishedAt.toISOString() : null,
    hold: m.hold ? holdView(m.hold) : null,
  };
}

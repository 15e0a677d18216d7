import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { DomainError, notFound } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { StatisticsDto, StatisticsQueryDto } from './dto/statistics.dto';
import { coversAMonth, Period } from './period';
import { PlatformStatisticsRepository } from './platform-statistics.repository';
import { ADDITIVE_GROUPS, COUNT_VALUES } from './statistics-vocabulary';
import { Cell, RawCell, suppress } from './suppression';

/**
 * Suppressed aggregate statistics for the wider platform (DESIGN.md §3.6). The aggregates come
 * through the platform role (no table grants); this service checks the period, keeps only the
 * cells of the fixed vocabulary and suppresses small counts before anything is answered.
 */
@Injectable()
export class PlatformStatisticsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly repo: PlatformStatisticsRepository,
  ) {}

  async statistics(q: StatisticsQueryDto): Promise<StatisticsDto> {
    const period: Period = { from: q.from, to: q.to };
    if (period.to < period.from) {
      throw new DomainError(400, ErrorCode.ValidationFailed, 'The period ends before it begins', {
        details: [{ field: 'to', messages: ['must not be before from'] }],
      });
    }
    if (!coversAMonth(period)) {
      throw new DomainError(
        400,
        ErrorCode.PeriodTooShort,
        'The period must cover at least one calendar month',
        { details: [{ field: 'to', messages: ['must be at least one month after from'] }] },
      );
    }
    const councilId = q.councilId.toLowerCase();
    const aggregates = await this.repo.read(councilId, period);
    if (!aggregates) throw notFound('Council');
    const k = this.config.platform.k;

    // Answer exactly the vocabulary's cells, in its order: a row the function might return
    // beyond it is dropped, a missing one is a server fault (never a silently absent cell).
    const raw: RawCell[] = [];
    for (const [dimension, values] of Object.entries(COUNT_VALUES)) {
      for (const value of values) {
        const row = aggregates.counts.find((c) => c.dimension === dimension && c.value === value);
        if (!row || !Number.isInteger(row.count) || row.count < 0)
          throw new Error(`platform.council_statistics gave no count for ${dimension}/${value}`);
        raw.push(row);
      }
    }
    const { cases, medianDays } = aggregates.planTiming;
    // A median of fewer than k cases says too much about each of them: withheld like a count.
    const median: Cell =
      cases >= k && medianDays !== null
        ? {
            dimension: 'median_days_to_first_plan',
            value: 'days',
            count: Math.round(medianDays * 10) / 10,
            suppressed: false,
          }
        : { dimension: 'median_days_to_first_plan', value: 'days', count: null, suppressed: true };

    return {
      councilId,
      period,
      k,
      cells: [...suppress(raw, ADDITIVE_GROUPS, k), median],
    };
  }
}

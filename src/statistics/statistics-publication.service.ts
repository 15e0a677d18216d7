import { Inject, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { addMonths, lastDayOf, parsePeriod } from '../platform/period';
import { PublishOutcome, StatisticsRepository } from './statistics.repository';

/** Who asked for a publication: the scheduled job, or an operator through the CLI. */
export type PublishedVia = 'schedule' | 'cli';

/**
 * Publication of a council's monthly statistics (DESIGN.md §3.12): each closed month is
 * computed once, suppressed and stored by statistics.publish_month in the database; this
 * decides which months are due and records each publication in the council's audit log
 * (`statistics.publish`). Quarters and years need no publication of their own: they are built
 * from the published months when asked for.
 */
@Injectable()
export class StatisticsPublicationService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly access: AccessService,
    private readonly repo: StatisticsRepository,
  ) {}

  /** Publishes one closed month (YYYY-MM) now; a held month is refused and recorded as such. */
  publish(councilId: string, month: string, via: PublishedVia): Promise<PublishOutcome> {
    return this.access.system(councilId, async (s) => {
      const outcome = await this.repo.publishMonth(s, month, this.config.platform.k);
      return {
        result: outcome,
        audit:
          outcome === 'already_published'
            ? null
            : {
                action: 'statistics.publish',
                outcome: outcome === 'published' ? 'allowed' : 'denied',
                resourceType: 'statistics_snapshot',
                reason: `period=${month} via=${via}${outcome === 'held' ? ' held' : ''}`,
              },
      };
    });
  }

  /**
   * Every month of a period (YYYY-MM, YYYY-Qn, FYYYYY) for the CLI: each must have closed.
   * Returns the outcome per month, in order.
   */
  async publishPeriod(
    councilId: string,
    periodId: string,
  ): Promise<{ month: string; outcome: PublishOutcome }[]> {
    const period = parsePeriod(periodId);
    if (!period) throw new Error('--period must be YYYY-MM, YYYY-Qn or FYYYYY');
    const today = await this.access.system(councilId, async (s) => ({
      result: await this.repo.today(s),
      audit: null,
    }));
    if (period.to >= today)
      throw new Error(`${period.id} has not closed yet (it ends on ${period.to})`);
    const out: { month: string; outcome: PublishOutcome }[] = [];
    for (const month of period.months)
      out.push({ month, outcome: await this.publish(councilId, month, 'cli') });
    return out;
  }

  /**
   * The council's months that are due — closed at least STATISTICS_PUBLISH_DELAY_DAYS ago, from
   * the month the council was established — and neither published nor held: published now.
   */
  async publishDueIn(council: { id: string; establishedOn: string }): Promise<number> {
    const due = await this.access.system(council.id, async (s) => {
      const today = await this.repo.today(s);
      const cutoff = new Date(
        Date.parse(`${today}T00:00:00Z`) - this.config.statistics.publishDelayDays * 86_400_000,
      )
        .toISOString()
        .slice(0, 10);
      // The last month whose last day is before the cutoff.
      let last = addMonths(today.slice(0, 7), -1);
      while (lastDayOf(last) >= cutoff) last = addMonths(last, -1);
      const first = council.establishedOn.slice(0, 7);
      if (last < first) return { result: [] as string[], audit: null };
      const months = await this.repo.months(s, first, last);
      return {
        result: months.filter((m) => !m.publishedAt && !m.hold).map((m) => m.month),
        audit: null, // which months are published: bookkeeping, no case data
      };
    });
    let made = 0;
    for (const month of due)
      if ((await this.publish(council.id, month, 'schedule')) === 'published') made++;
    return made;
  }
}

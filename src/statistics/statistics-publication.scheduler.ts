import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { StatisticsPublicationService } from './statistics-publication.service';
import { StatisticsRepository } from './statistics.repository';

/** Its interval's name in @nestjs/schedule's SchedulerRegistry. */
export const STATISTICS_PUBLICATION_JOB = 'statistics.publication';

/**
 * Publishes every council's due months on a schedule (STATISTICS_PUBLISH_INTERVAL_MINUTES, 0:
 * off), like the audit checkpoint scheduler. Several instances may run it: publication is
 * idempotent per (council, month) and serialised in the database, so a second run finds the
 * month published. `publishDue()` is the job's whole entry point.
 */
@Injectable()
export class StatisticsPublicationScheduler
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('StatisticsPublication');

  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly repo: StatisticsRepository,
    private readonly publisher: StatisticsPublicationService,
    private readonly schedule: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.statistics.publishIntervalMinutes;
    if (minutes > 0) {
      const timer = setInterval(() => void this.publishDue(), minutes * 60_000);
      timer.unref();
      this.schedule.addInterval(STATISTICS_PUBLICATION_JOB, timer);
    }
  }

  onApplicationShutdown(): void {
    if (this.schedule.doesExist('interval', STATISTICS_PUBLICATION_JOB))
      this.schedule.deleteInterval(STATISTICS_PUBLICATION_JOB);
  }

  /** One run over every council; returns how many months it published. */
  async publishDue(): Promise<number> {
    let councils: { id: string; establishedOn: string }[];
    try {
      councils = await this.repo.councils();
    } catch (error) {
      this.warn(error, null);
      return 0;
    }
    let made = 0;
    // One council that fails must not stop the others.
    for (const council of councils) {
      try {
        made += await this.publisher.publishDueIn(council);
      } catch (error) {
        this.warn(error, council.id);
      }
    }
    return made;
  }

  private warn(error: unknown, councilId: string | null): void {
    this.logger.warn(
      { councilId, error: error instanceof Error ? error.name : 'unknown' },
      'statistics publication failed',
    );
  }
}

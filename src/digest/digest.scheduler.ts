import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { DigestService } from './digest.service';

/**
 * Runs the daily digest on `DIGEST_CRON` (in TIME_ZONE) with @nestjs/schedule. Every instance
 * schedules it; the per-person, per-day claim (digest_deliveries) makes the runs add up to one
 * mail each, so no leader is needed.
 */
@Injectable()
export class DigestScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('Digest');

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly digest: DigestService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    const cron = this.config.digest.cron;
    if (!cron) return;
    const job = CronJob.from({
      cronTime: cron,
      timeZone: this.config.database.timeZone,
      onTick: async () => {
        try {
          const run = await this.digest.run();
          this.logger.log(`daily digest: ${run.sent} sent, ${run.skipped} skipped`);
        } catch (error) {
          this.logger.error(
            `daily digest failed: ${error instanceof Error ? error.name : 'error'}`,
          );
        }
      },
    });
    this.registry.addCronJob('daily-digest', job);
    job.start();
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { JobRun, PeriodicJobs } from '../database/leader';
import { Metrics } from '../metrics/metrics';
import { AuditReportsService } from './audit-reports.service';

export const CHECKPOINT_JOB = 'audit.checkpoints';

/**
 * Signs a checkpoint of every council's chain on a schedule, so there is always a recent
 * signed statement an auditor can keep outside the database. However many instances run, one
 * of them does it once per AUDIT_CHECKPOINT_INTERVAL_MINUTES (PeriodicJobs); should it run
 * twice after a crash, checkpoints are idempotent per (council, seq).
 */
@Injectable()
export class AuditCheckpointScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('AuditCheckpoints');

  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly dataSource: DataSource,
    private readonly reports: AuditReportsService,
    private readonly jobs: PeriodicJobs,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.audit.checkpointIntervalMinutes;
    if (minutes > 0) this.jobs.every(CHECKPOINT_JOB, minutes * 60_000, () => this.runOnce());
  }

  /** This interval's checkpoints, unless another instance has made them (or is making them). */
  runDue(intervalMinutes: number, at?: Date): Promise<JobRun<number>> {
    return this.jobs.runDue(CHECKPOINT_JOB, intervalMinutes * 60_000, () => this.runOnce(), at);
  }

  /** Checkpoints every council now (no leader: tests and the interval's leader call it). */
  async runOnce(): Promise<number> {
    let made = 0;
    let failed = 0;
    let councils: { id: string }[];
    try {
      councils = (await this.dataSource.query(`SELECT id FROM councils ORDER BY id`)) as {
        id: string;
      }[];
    } catch (error) {
      this.warn(error, null);
      this.metrics.checkpointFailures.inc();
      return made;
    }
    // One council whose chain does not verify (never signed) must not stop the others.
    for (const { id } of councils) {
      try {
        if (await this.reports.checkpoint(null, id)) made++;
      } catch (error) {
        failed++;
        this.warn(error, id);
      }
    }
    this.metrics.checkpointFailures.inc(failed);
    if (failed === 0) this.metrics.lastCheckpoint.setToCurrentTime();
    return made;
  }

  private warn(error: unknown, councilId: string | null): void {
    this.logger.warn(
      {
        councilId,
        error: error instanceof Error ? error.name : 'unknown',
        code: error instanceof DomainError ? error.code : undefined,
      },
      'scheduled checkpoint failed',
    );
  }
}

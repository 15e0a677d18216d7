import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { AuditReportsService } from './audit-reports.service';

/**
 * Signs a checkpoint of every council's chain on a schedule, so there is always a recent
 * signed statement an auditor can keep outside the database. Several instances may run it:
 * checkpoints are idempotent per (council, seq).
 */
@Injectable()
export class AuditCheckpointScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditCheckpoints');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly dataSource: DataSource,
    private readonly reports: AuditReportsService,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.audit.checkpointIntervalMinutes;
    if (minutes > 0) {
      this.timer = setInterval(() => void this.runOnce(), minutes * 60_000);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async runOnce(): Promise<number> {
    let made = 0;
    let councils: { id: string }[];
    try {
      councils = (await this.dataSource.query(`SELECT id FROM councils ORDER BY id`)) as {
        id: string;
      }[];
    } catch (error) {
      this.warn(error, null);
      return made;
    }
    // One council whose chain does not verify (never signed) must not stop the others.
    for (const { id } of councils) {
      try {
        if (await this.reports.checkpoint(null, id)) made++;
      } catch (error) {
        this.warn(error, id);
      }
    }
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

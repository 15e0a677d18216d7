import { Injectable } from '@nestjs/common';
import { PlatformDatabase } from './platform-database';

/** One published period as migrations/1763780740000-published-statistics.ts stores it. */
export interface PublishedSnapshot {
  period: string;
  kind: 'month' | 'quarter' | 'year';
  from: string;
  to: string;
  k: number;
  publishedAt: string;
  cells: { dimension: string; value: string; count: number | null; suppressed: boolean }[];
}

/**
 * The only queries of the platform: calls of the two functions the platform role may run —
 * never a table, as the role could not read one, and never an ad-hoc count, as no function
 * it can run computes one (DESIGN.md §3.12).
 */
@Injectable()
export class PlatformStatisticsRepository {
  constructor(private readonly db: PlatformDatabase) {}

  /**
   * The council's stored snapshot of the period; null when the period is not (entirely)
   * published; 'no_council' when there is no such council.
   */
  read(councilId: string, period: string): Promise<PublishedSnapshot | null | 'no_council'> {
    return this.db.snapshot(async (client) => {
      const exists = await client.query<{ exists: boolean }>(
        'SELECT platform.council_exists($1) AS exists',
        [councilId],
      );
      if (!exists.rows[0].exists) return 'no_council';
      const { rows } = await client.query<{ snapshot: PublishedSnapshot | null }>(
        'SELECT platform.published_statistics($1, $2) AS snapshot',
        [councilId, period],
      );
      return rows[0].snapshot;
    });
  }
}

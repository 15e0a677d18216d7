import { Injectable } from '@nestjs/common';
import { Period } from './period';
import { PlatformDatabase } from './platform-database';
import { RawCell } from './suppression';

export interface CouncilAggregates {
  counts: RawCell[];
  /** Cases registered in the period with a first plan before its end, and their median days. */
  planTiming: { cases: number; medianDays: number | null };
}

/**
 * The only queries of the platform: calls of the aggregate functions that
 * migrations/1763780600000-platform.ts defines — never a table, as the role could not read one.
 */
@Injectable()
export class PlatformStatisticsRepository {
  constructor(private readonly db: PlatformDatabase) {}

  /** The council's aggregates for the period, or null if there is no such council. */
  read(councilId: string, period: Period): Promise<CouncilAggregates | null> {
    return this.db.snapshot(async (client) => {
      const exists = await client.query<{ exists: boolean }>(
        'SELECT platform.council_exists($1) AS exists',
        [councilId],
      );
      if (!exists.rows[0].exists) return null;
      const counts = await client.query<{ dimension: string; value: string; n: number }>(
        'SELECT dimension, value, n FROM platform.council_statistics($1, $2::date, $3::date)',
        [councilId, period.from, period.to],
      );
      const timing = await client.query<{ cases: number; medianDays: number | null }>(
        'SELECT cases, median_days AS "medianDays" FROM platform.council_plan_timing($1, $2::date, $3::date)',
        [councilId, period.from, period.to],
      );
      return {
        counts: counts.rows.map((r) => ({ dimension: r.dimension, value: r.value, count: r.n })),
        planTiming: timing.rows[0],
      };
    });
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CouncilScope, SystemScope } from '../access/council-scope';
import type { PublishedSnapshot } from '../platform/platform-statistics.repository';

/** A caller's council transaction, or the installation's own (the publication job, the CLI). */
type Scoped = CouncilScope | SystemScope;

export interface HoldRow {
  id: string;
  month: string; // YYYY-MM
  reason: string | null;
  heldAt: Date;
  heldBy: string;
  releasedAt: Date | null;
  releasedBy: string | null;
}

export interface MonthRow {
  month: string; // YYYY-MM
  publishedAt: Date | null;
  hold: HoldRow | null;
}

export type PublishOutcome = 'published' | 'already_published' | 'held';

const HOLD_COLUMNS = `h.id, to_char(h.month, 'YYYY-MM') AS month, h.reason, h.held_at AS "heldAt", h.held_by AS "heldBy",
  h.released_at AS "releasedAt", h.released_by AS "releasedBy"`;

/** Serialises holds with publication of the same month (the lock publish_month takes too). */
const MONTH_LOCK = `SELECT pg_advisory_xact_lock(1763780740, hashtext($1::text || $2::date::text))`;

/**
 * The only file that queries statistics tables and functions for the application role
 * (migrations/1763780740000-published-statistics.ts). Counting, suppression and publication
 * happen in the database functions; this calls them.
 */
@Injectable()
export class StatisticsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The register of councils (public, 公示) with the month each was established. */
  async councils(): Promise<{ id: string; establishedOn: string }[]> {
    return (await this.dataSource.query(
      `SELECT id, established_on::text AS "establishedOn" FROM councils ORDER BY id`,
    )) as { id: string; establishedOn: string }[];
  }

  /** The council's calendar date today (the session's TIME_ZONE). */
  async today(s: Scoped): Promise<string> {
    const rows = (await s.em.query(`SELECT current_date::text AS today`)) as { today: string }[];
    return rows[0].today;
  }

  /** Unsuppressed counts of the council for [from, to], computed now (coordinators only). */
  async liveCounts(
    s: CouncilScope,
    from: string,
    to: string,
  ): Promise<{ dimension: string; value: string; n: number }[]> {
    return (await s.em.query(
      `SELECT dimension, value, n FROM statistics.council_counts($1, $2::date, $3::date)`,
      [s.councilId, from, to],
    )) as { dimension: string; value: string; n: number }[];
  }

  async livePlanTiming(
    s: CouncilScope,
    from: string,
    to: string,
  ): Promise<{ cases: number; medianDays: number | null }> {
    const rows = (await s.em.query(
      `SELECT cases, median_days AS "medianDays" FROM statistics.council_plan_timing($1, $2::date, $3::date)`,
      [s.councilId, from, to],
    )) as { cases: number; medianDays: number | null }[];
    return rows[0];
  }

  /** The stored snapshot of a period as the platform receives it, or null if not published. */
  async published(s: CouncilScope, period: string): Promise<PublishedSnapshot | null> {
    const rows = (await s.em.query(`SELECT statistics.published($1, $2) AS snapshot`, [
      s.councilId,
      period,
    ])) as { snapshot: PublishedSnapshot | null }[];
    return rows[0].snapshot;
  }

  /** Publication state of each month in [first, last] (YYYY-MM): when published, active hold. */
  async months(s: Scoped, first: string, last: string): Promise<MonthRow[]> {
    const rows = (await s.em.query(
      `SELECT to_char(m, 'YYYY-MM') AS month, sn.published_at AS "publishedAt",
              (SELECT row_to_json(x) FROM (SELECT ${HOLD_COLUMNS} FROM statistics_holds h
                 WHERE h.council_id = $1 AND h.month = m AND h.released_at IS NULL) x) AS hold
         FROM generate_series($2::date, $3::date, interval '1 month') AS m
         LEFT JOIN statistics_snapshots sn ON sn.council_id = $1 AND sn.month = m
        ORDER BY m`,
      [s.councilId, `${first}-01`, `${last}-01`],
    )) as (Omit<MonthRow, 'hold'> & {
      hold: (Omit<HoldRow, 'heldAt' | 'releasedAt'> & { heldAt: string; releasedAt: null }) | null;
    })[];
    return rows.map((r) => ({
      ...r,
      hold: r.hold ? { ...r.hold, heldAt: new Date(r.hold.heldAt), releasedAt: null } : null,
    }));
  }

  /** Computes, suppresses and stores one closed month, once (statistics.publish_month). */
  async publishMonth(s: SystemScope, month: string, k: number): Promise<PublishOutcome> {
    const rows = (await s.em.query(`SELECT statistics.publish_month($1, $2::date, $3) AS outcome`, [
      s.councilId,
      `${month}-01`,
      k,
    ])) as { outcome: PublishOutcome }[];
    return rows[0].outcome;
  }

  /** Takes the month's lock, then says whether it is published and whether it is held. */
  async lockMonth(s: CouncilScope, month: string): Promise<MonthRow> {
    await s.em.query(MONTH_LOCK, [s.councilId, `${month}-01`]);
    return (await this.months(s, month, month))[0];
  }

  async insertHold(
    s: CouncilScope,
    month: string,
    reason: string | null,
    by: string,
  ): Promise<HoldRow> {
    const rows = (await s.em.query(
      `INSERT INTO statistics_holds AS h (council_id, month, reason, held_by) VALUES ($1, $2::date, $3, $4)
       RETURNING ${HOLD_COLUMNS}`,
      [s.councilId, `${month}-01`, reason, by],
    )) as HoldRow[];
    return rows[0];
  }

  async releaseHold(s: CouncilScope, holdId: string, by: string): Promise<HoldRow> {
    const rows = (await s.em.query(
      `UPDATE statistics_holds AS h SET released_at = now(), released_by = $3
        WHERE h.council_id = $1 AND h.id = $2 AND h.released_at IS NULL
       RETURNING ${HOLD_COLUMNS}`,
      [s.councilId, holdId, by],
    )) as [HoldRow[], number];
    return rows[0][0];
  }
}

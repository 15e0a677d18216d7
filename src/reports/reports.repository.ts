import { Injectable } from '@nestjs/common';
import { CouncilScope } from '../access/council-scope';

/** A 年度 (April 1st to March 31st) as calendar days of the council's time zone. */
export interface FiscalYear {
  fiscalYear: number;
  /** YYYY-MM-DD, first day included. */
  from: string;
  /** YYYY-MM-DD, last day included. */
  to: string;
}

export const fiscalYear = (year: number): FiscalYear => ({
  fiscalYear: year,
  from: `${year}-04-01`,
  to: `${year + 1}-03-31`,
});

export interface Counted {
  key: string;
  count: number;
}

export interface AnnualFigures {
  casesOpened: number;
  casesClosed: number;
  casesOpenAtYearEnd: number;
  casesOpenedByConcern: Counted[];
  casesSupportedByMemberBodyKind: Counted[];
  meetingsHeldByTier: Counted[];
  infoRequestsMade: number;
  infoRequestsAnswered: number;
  averageDaysToFirstContact: number | null;
  casesWithFirstContact: number;
  consentsWithdrawn: number;
}

export interface LedgerRow {
  caseId: string;
  caseNumber: string;
  status: 'open' | 'closed';
  openedOn: string;
  closedOn: string | null;
  leadBodyName: string | null;
  lastReviewOn: string | null;
  nextReviewOn: string | null;
}

/**
 * Day boundaries: `$n::date::timestamptz` is midnight of that day in the transaction's
 * TimeZone, which the council transaction set to the council's zone (issue 18 item 5), so a
 * case opened at 2026-03-31T15:30Z is in 2026年度 in Tokyo. `DAY(x)` is a timestamp's calendar
 * day there.
 */
const LO = `$2::date::timestamptz`;
const HI = `($3::date + 1)::timestamptz`;
const DAY = (column: string) => `(${column} AT TIME ZONE current_setting('TimeZone'))::date`;

/**
 * The council's annual activity report and case ledger (進行管理台帳). Coordinators only (the
 * Report policy), whole-council figures: no row carries a name, a summary or a note.
 */
@Injectable()
export class ReportsRepository {
  async annual(s: CouncilScope, fy: FiscalYear): Promise<AnnualFigures> {
    const v = [s.councilId, fy.from, fy.to];
    const one = async (label: string, sql: string): Promise<number> => {
      const rows = await s.query<{ n: number }>(label, sql, v);
      return Number(rows[0]?.n ?? 0);
    };
    const counted = async (label: string, sql: string): Promise<Counted[]> =>
      (await s.query<{ key: string; count: number }>(label, sql, v)).map((r) => ({
        key: r.key,
        count: Number(r.count),
      }));

    const casesOpened = await one(
      'report.opened',
      `SELECT count(*)::int AS n FROM cases c
        WHERE c.council_id = $1 AND c.created_at >= ${LO} AND c.created_at < ${HI}`,
    );
    const casesClosed = await one(
      'report.closed',
      `SELECT count(DISTINCT h.case_id)::int AS n FROM case_status_history h
        WHERE h.council_id = $1 AND h.status = 'closed' AND h.changed_at >= ${LO} AND h.changed_at < ${HI}`,
    );
    // Open at year end: opened before it, and its last status change before it (if any) not a closing.
    const yearEnd = await s.query<{ n: number }>(
      'report.open_at_end',
      `SELECT count(*)::int AS n FROM cases c
        WHERE c.council_id = $1 AND c.created_at < ($2::date + 1)::timestamptz
          AND COALESCE((SELECT h.status FROM case_status_history h
                         WHERE h.council_id = c.council_id AND h.case_id = c.id
                           AND h.changed_at < ($2::date + 1)::timestamptz
                         ORDER BY h.changed_at DESC, h.id DESC LIMIT 1), 'open') = 'open'`,
      [s.councilId, fy.to],
    );
    const casesOpenAtYearEnd = Number(yearEnd[0]?.n ?? 0);
    const casesOpenedByConcern = await counted(
      'report.by_concern',
      `SELECT concern AS key, count(*)::int AS count
         FROM cases c CROSS JOIN LATERAL unnest(c.concerns) AS concern
        WHERE c.council_id = $1 AND c.created_at >= ${LO} AND c.created_at < ${HI}
        GROUP BY concern ORDER BY concern`,
    );
    // Cases a body of each kind was assigned to at some time in the year.
    const casesSupportedByMemberBodyKind = await counted(
      'report.by_body_kind',
      `SELECT mb.kind AS key, count(DISTINCT a.case_id)::int AS count
         FROM case_assignments a JOIN member_bodies mb ON mb.council_id = a.council_id AND mb.id = a.member_body_id
        WHERE a.council_id = $1 AND a.started_at < ${HI} AND (a.ended_at IS NULL OR a.ended_at >= ${LO})
        GROUP BY mb.kind ORDER BY mb.kind`,
    );
    const meetingsHeldByTier = await counted(
      'report.meetings',
      `SELECT m.tier AS key, count(*)::int AS count FROM meetings m
        WHERE m.council_id = $1 AND m.held_at >= ${LO} AND m.held_at < ${HI} AND m.held_at <= now()
        GROUP BY m.tier ORDER BY m.tier`,
    );
    const infoRequestsMade = await one(
      'report.requests_made',
      `SELECT count(*)::int AS n FROM info_requests r
        WHERE r.council_id = $1 AND r.created_at >= ${LO} AND r.created_at < ${HI}`,
    );
    const infoRequestsAnswered = await one(
      'report.requests_answered',
      `SELECT count(*)::int AS n FROM info_requests r
        WHERE r.council_id = $1 AND r.answered_at >= ${LO} AND r.answered_at < ${HI}`,
    );
    // There is no contact log: the first contact is the case's first note (any body's), in
    // calendar days of the council from the day the case was opened.
    const contact = await s.query<{ avg: string | null; n: number }>(
      'report.first_contact',
      `SELECT round(avg(${DAY('f.first_at')} - ${DAY('c.created_at')}), 1)::text AS avg, count(f.first_at)::int AS n
         FROM cases c
         CROSS JOIN LATERAL (SELECT min(n.created_at) AS first_at FROM case_notes n
                              WHERE n.council_id = c.council_id AND n.case_id = c.id) f
        WHERE c.council_id = $1 AND c.created_at >= ${LO} AND c.created_at < ${HI} AND f.first_at IS NOT NULL`,
      v,
    );
    const consentsWithdrawn = await one(
      'report.consents_withdrawn',
      `SELECT count(*)::int AS n FROM consents cs
        WHERE cs.council_id = $1 AND cs.withdrawn_on BETWEEN $2::date AND $3::date`,
    );
    return {
      casesOpened,
      casesClosed,
      casesOpenAtYearEnd,
      casesOpenedByConcern,
      casesSupportedByMemberBodyKind,
      meetingsHeldByTier,
      infoRequestsMade,
      infoRequestsAnswered,
      averageDaysToFirstContact: (contact[0]?.avg ?? null) === null ? null : Number(contact[0].avg),
      casesWithFirstContact: Number(contact[0]?.n ?? 0),
      consentsWithdrawn,
    };
  }

  /**
   * The case ledger, by case number. Last review: the latest meeting already held (practitioners'
   * or case conference) that discussed the case; next review: the case's review date.
   */
  async ledger(s: CouncilScope, status: 'open' | 'closed' | null): Promise<LedgerRow[]> {
    return s.query<LedgerRow>(
      'report.ledger',
      `SELECT c.id AS "caseId", c.case_number AS "caseNumber", c.status,
              ${DAY('c.created_at')}::text AS "openedOn",
              CASE WHEN c.status = 'closed' THEN ${DAY('c.closed_at')}::text END AS "closedOn",
              (SELECT mb.name FROM case_assignments a
                 JOIN member_bodies mb ON mb.council_id = a.council_id AND mb.id = a.member_body_id
                WHERE a.council_id = c.council_id AND a.case_id = c.id AND a.role = 'lead' AND a.ended_at IS NULL
                ORDER BY a.started_at DESC LIMIT 1) AS "leadBodyName",
              (SELECT max(${DAY('m.held_at')})::text FROM meeting_cases mc
                 JOIN meetings m ON m.council_id = mc.council_id AND m.id = mc.meeting_id
                WHERE mc.council_id = c.council_id AND mc.case_id = c.id AND m.held_at <= now()
                  AND m.tier IN ('practitioners', 'case_conference')) AS "lastReviewOn",
              c.review_due_on::text AS "nextReviewOn"
         FROM cases c
        WHERE c.council_id = $1 AND ($2::text IS NULL OR c.status = $2::text)
        ORDER BY c.case_number`,
      [s.councilId, status],
    );
  }
}

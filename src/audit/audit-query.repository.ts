import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { staffInForce } from '../access/in-force';
import { CHAIN_HEAD_SQL, CHECKPOINTS_SQL, CheckpointRow } from './verify-council';

export type { CheckpointRow };

/** The calendar day of audit event `e`, in the database's time zone. */
const EVENT_DAY = `(e.at AT TIME ZONE current_setting('TimeZone'))::date`;

export interface EventFilter {
  caseId?: string;
  actorUserId?: string;
  action?: string;
  outcome?: 'allowed' | 'denied';
  /** Instants, half-open [from, to): the service turns the API's inclusive dates into these. */
  from?: string;
  to?: string;
}

export interface EventRow {
  seq: string;
  at: Date;
  actorUserId: string | null;
  actorRole: string | null;
  memberBodyId: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  resourceIds: string[] | null;
  caseId: string | null;
  outcome: 'allowed' | 'denied';
  reason: string | null;
  ruleId: string | null;
  basis: string | null;
  requestId: string | null;
  /** `at` exactly as hashed (microseconds), and the previous hash: enough to re-verify an export. */
  atExact: string;
  prevHash: Buffer;
  hash: Buffer;
}

const EVENT_COLUMNS = `seq::text AS seq, at, actor_user_id AS "actorUserId", actor_role AS "actorRole", member_body_id AS "memberBodyId",
  action, resource_type AS "resourceType", resource_id AS "resourceId", resource_ids AS "resourceIds", case_id AS "caseId",
  outcome, reason, rule_id AS "ruleId", basis, request_id AS "requestId",
  to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "atExact", prev_hash AS "prevHash", hash`;

/** Reads of the audit log (identifiers and metadata only: the log holds no case content). */
@Injectable()
export class AuditQueryRepository {
  /** Events matching the filter, in seq order after `afterSeq`. `caseId` also finds list reads naming the case. */
  async events(
    em: EntityManager,
    councilId: string,
    f: EventFilter,
    afterSeq: string | null,
    limit: number,
  ): Promise<EventRow[]> {
    return (await em.query(
      `SELECT ${EVENT_COLUMNS} FROM audit_events
        WHERE council_id = $1
          AND ($2::uuid IS NULL OR case_id = $2 OR resource_id = $2 OR $2 = ANY(resource_ids))
          AND ($3::uuid IS NULL OR actor_user_id = $3)
          AND ($4::text IS NULL OR action = $4)
          AND ($5::text IS NULL OR outcome = $5)
          AND ($6::timestamptz IS NULL OR at >= $6) AND ($7::timestamptz IS NULL OR at < $7)
          AND ($8::bigint IS NULL OR seq > $8)
        ORDER BY audit_events.seq LIMIT $9`, // the column, not the text alias: 10 sorts after 9
      [
        councilId,
        f.caseId ?? null,
        f.actorUserId ?? null,
        f.action ?? null,
        f.outcome ?? null,
        f.from ?? null,
        f.to ?? null,
        afterSeq,
        limit,
      ],
    )) as EventRow[];
  }

  /**
   * Inclusive dates (whole days of the council's calendar, the session's TIME_ZONE) as the
   * half-open range of instants the queries use: [first day 00:00, the day after the last 00:00).
   */
  async dayRange(
    em: EntityManager,
    from: string | null,
    to: string | null,
  ): Promise<{ from: string | null; to: string | null }> {
    const rows = (await em.query(
      `SELECT $1::date::timestamptz AS "from", ($2::date + 1)::timestamptz AS "to"`,
      [from, to],
    )) as { from: Date | null; to: Date | null }[];
    return {
      from: rows[0].from ? rows[0].from.toISOString() : null,
      to: rows[0].to ? rows[0].to.toISOString() : null,
    };
  }

  async head(em: EntityManager, councilId: string): Promise<{ seq: string; hash: Buffer } | null> {
    const rows = (await em.query(CHAIN_HEAD_SQL, [councilId])) as {
      seq: string;
      hash: Buffer;
    }[];
    return rows[0] ?? null;
  }

  async insertCheckpoint(
    em: EntityManager,
    councilId: string,
    c: { seq: string; hash: Buffer; at: Date; signature: Buffer; publicKey: string },
    by: string | null,
  ): Promise<boolean> {
    const result = (await em.query(
      `INSERT INTO audit_checkpoints (council_id, seq, hash, at, signature, public_key, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (council_id, seq) DO NOTHING RETURNING seq`,
      [councilId, c.seq, c.hash, c.at, c.signature, c.publicKey, by],
    )) as unknown[];
    return result.length > 0;
  }

  async checkpoints(em: EntityManager, councilId: string): Promise<CheckpointRow[]> {
    return (await em.query(CHECKPOINTS_SQL, [councilId])) as CheckpointRow[];
  }

  // ---- anomalies -----------------------------------------------------------------------

  async deniedBursts(
    em: EntityManager,
    councilId: string,
    from: string,
    to: string,
    burst: number,
    windowMinutes: number,
  ) {
    return (await em.query(
      `SELECT actor_user_id AS "actorUserId", min(at) AS "firstAt", max(at) AS "lastAt", count(*)::int AS count,
              array_agg(seq::text ORDER BY seq) AS seqs
         FROM (SELECT *, date_bin(make_interval(mins => $5), at, timestamptz '2000-01-01') AS bucket
                 FROM audit_events WHERE council_id = $1 AND outcome = 'denied' AND at >= $2 AND at < $3) d
        GROUP BY actor_user_id, bucket HAVING count(*) >= $4
        ORDER BY "firstAt"`,
      [councilId, from, to, burst, windowMinutes],
    )) as {
      actorUserId: string | null;
      firstAt: Date;
      lastAt: Date;
      count: number;
      seqs: string[];
    }[];
  }

  /** Per person and day in the window: case reads, against their daily average over the 30 days before. */
  async heavyReaders(
    em: EntityManager,
    councilId: string,
    from: string,
    to: string,
    factor: number,
    min: number,
  ) {
    return (await em.query(
      `WITH reads AS (
         SELECT actor_user_id, (at AT TIME ZONE current_setting('TimeZone'))::date AS day, count(*)::int AS n,
                array_agg(seq::text ORDER BY seq) AS seqs, min(at) AS first_at, max(at) AS last_at
           FROM audit_events WHERE council_id = $1 AND action = 'case.read' AND outcome = 'allowed' AND at >= $2 AND at < $3
          GROUP BY 1, 2),
       usual AS (
         SELECT actor_user_id, count(*)::numeric / 30 AS per_day
           FROM audit_events WHERE council_id = $1 AND action = 'case.read' AND outcome = 'allowed'
            AND at >= $2::timestamptz - interval '30 days' AND at < $2
          GROUP BY 1)
       SELECT r.actor_user_id AS "actorUserId", r.day::text AS day, r.n AS count, COALESCE(u.per_day, 0)::float AS "usualPerDay",
              r.seqs, r.first_at AS "firstAt", r.last_at AS "lastAt"
         FROM reads r LEFT JOIN usual u USING (actor_user_id)
        WHERE r.n >= $5 AND r.n > $4 * COALESCE(u.per_day, 0)
        ORDER BY r.day, r.actor_user_id`,
      [councilId, from, to, factor, min],
    )) as {
      actorUserId: string;
      day: string;
      count: number;
      usualPerDay: number;
      seqs: string[];
      firstAt: Date;
      lastAt: Date;
    }[];
  }

  async outsideHours(
    em: EntityManager,
    councilId: string,
    from: string,
    to: string,
    start: string,
    end: string,
  ) {
    return (await em.query(
      `SELECT actor_user_id AS "actorUserId", count(*)::int AS count, min(at) AS "firstAt", max(at) AS "lastAt",
              array_agg(seq::text ORDER BY seq) AS seqs
         FROM audit_events
        WHERE council_id = $1 AND at >= $2 AND at < $3 AND actor_user_id IS NOT NULL AND outcome = 'allowed'
          AND action NOT LIKE 'auth.%'
          AND ((at AT TIME ZONE current_setting('TimeZone'))::time < $4::time OR (at AT TIME ZONE current_setting('TimeZone'))::time >= $5::time)
        GROUP BY actor_user_id ORDER BY "firstAt"`,
      [councilId, from, to, start, end === '24:00' ? '23:59:59.999999' : end],
    )) as { actorUserId: string; count: number; firstAt: Date; lastAt: Date; seqs: string[] }[];
  }

  /**
   * Allowed accesses by someone whose staff record or body was not in force that day (should
   * never happen): in-force.ts's definition, asked for the day of each event.
   */
  async afterMembershipEnded(em: EntityManager, councilId: string, from: string, to: string) {
    return (await em.query(
      `SELECT e.actor_user_id AS "actorUserId", count(*)::int AS count, min(e.at) AS "firstAt", max(e.at) AS "lastAt",
              array_agg(e.seq::text ORDER BY e.seq) AS seqs
         FROM audit_events e
        WHERE e.council_id = $1 AND e.at >= $2 AND e.at < $3 AND e.outcome = 'allowed' AND e.actor_role IN ('coordinator', 'agency_staff', 'auditor')
          AND e.action NOT LIKE 'auth.%'
          AND NOT EXISTS (
            SELECT 1 FROM staff st JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
             WHERE st.council_id = e.council_id AND st.user_id = e.actor_user_id
               AND st.started_on <= ${EVENT_DAY} AND ${staffInForce('st', 'mb', EVENT_DAY)})
        GROUP BY e.actor_user_id ORDER BY "firstAt"`,
      [councilId, from, to],
    )) as { actorUserId: string; count: number; firstAt: Date; lastAt: Date; seqs: string[] }[];
  }

  async byAction(
    em: EntityManager,
    councilId: string,
    from: string,
    to: string,
    action: string,
    reason: string | null,
  ) {
    return (await em.query(
      `SELECT actor_user_id AS "actorUserId", seq::text AS seq, at, case_id AS "caseId", resource_id AS "resourceId"
         FROM audit_events WHERE council_id = $1 AND at >= $2 AND at < $3 AND action = $4 AND ($5::text IS NULL OR reason = $5)
        ORDER BY seq`,
      [councilId, from, to, action, reason],
    )) as {
      actorUserId: string;
      seq: string;
      at: Date;
      caseId: string | null;
      resourceId: string | null;
    }[];
  }
}

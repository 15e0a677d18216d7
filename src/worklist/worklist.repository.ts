import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { retentionEndsOnSql } from '../retention/fiscal-year';
import { CouncilScope } from '../access/council-scope';
import { staffInForce } from '../access/in-force';
import { policySql } from '../access/sql-filter';
import { SUBJECT_TABLES } from '../access/subject-registry';

export const WORKLIST_KINDS = [
  'consent_expiring',
  'consent_expired',
  'review_due',
  'info_request_to_answer',
  'info_request_awaiting_answer',
  'plan_action_due',
  'action_item_due',
  'pledge_not_accepted',
  'meeting_upcoming',
  // Issue 19: closed cases whose retention period ends (coordinators review, then dispose).
  'retention_due',
  // Issue 19: files of a closed case whose attachments period ends (POST …/attachment-disposal).
  'attachments_retention_due',
  // Issue 19: a person's request past its statutory (or extended) deadline, undecided.
  'subject_request_overdue',
  'referral_awaiting_triage',
  'statutory_basis_lapsing',
] as const;
export type WorklistKind = (typeof WORKLIST_KINDS)[number];

/** The case's current risk level (issue 17: `cases.risk_level`, history in case_risk_assessments). */
export type RiskLevel = 'low' | 'medium' | 'high' | 'urgent';

export interface WorklistRow {
  kind: WorklistKind;
  /** The record the item is about (consent, case, request, action, item, staff record, meeting, referral). */
  refId: string;
  caseId: string | null;
  caseNumber: string | null;
  /** The day it is due (YYYY-MM-DD in the council's calendar), or null. */
  dueOn: string | null;
  overdue: boolean;
  /**
   * The case's current risk level, where the caller may read it (the Case read policy for the
   * field `riskLevel`); null when unassessed, when the item is about no case, or when the caller
   * sees the item but not the case (a request addressed to a body not assigned to it).
   */
  riskLevel: RiskLevel | null;
}

const OPEN_CASE = `c.status = 'open'`;

/**
 * What is due, kind by kind. Every query carries the caller's policy for what it discloses (the
 * case read policy for anything about a case, the subject's own policy for information requests,
 * action items and meetings), so an agency's worklist holds only items on cases its body is
 * covered on now (DESIGN.md §3.9) — and only its own body's items. "Today" is the database's
 * `current_date`, i.e. the council's calendar (TIME_ZONE), never UTC's.
 */
/**
 * How long a "without delay" request (a private member body, APPI Art. 33) may wait undecided
 * before the worklist calls it overdue: the council's yardstick, not a statutory period.
 */
export const WITHOUT_DELAY_DAYS = 14;

@Injectable()
export class WorklistRepository {
  constructor(@Inject(APP_CONFIG) private readonly config: RuntimeConfig) {}

  async items(s: CouncilScope, dueWithinDays: number): Promise<WorklistRow[]> {
    const p = s.principal;
    const coordinator = p.actingAs === 'coordinator';
    const body = coordinator ? null : (p.staff?.memberBodyId ?? null);
    if (!coordinator && !body) return [];
    const rows: WorklistRow[] = [];
    /** Each query binds what it uses: $1 is the council, then `bind` adds values in order. */
    const run = async (sql: (params: unknown[], bind: (v: unknown) => string) => string) => {
      const params: unknown[] = [s.councilId];
      const bind = (v: unknown) => {
        params.push(v);
        return `$${params.length}`;
      };
      rows.push(...((await s.em.query(sql(params, bind), params)) as WorklistRow[]));
    };
    const ability = p.ability;
    const caseVisible = (params: unknown[]) => policySql(ability, 'read', 'Case', 'c', params);
    const due = (column: string) =>
      `${column}::text AS "dueOn", (${column} < current_date) AS overdue`;
    // The risk orders the list (worklist.service.ts), so it is disclosed only as the case's field
    // would be: under the Case read policy for `riskLevel` (DESIGN.md §3.9). An item the caller
    // sees without seeing its case is ordered as unassessed — the order leaks nothing either.
    const riskOf = (params: unknown[]) =>
      `CASE WHEN ${policySql(ability, 'read', 'Case', 'c', params, 'riskLevel')} THEN c.risk_level END`;
    const risk = (params: unknown[]) => `${riskOf(params)} AS "riskLevel"`;
    const within = (bind: (v: unknown) => string, column: string) =>
      `${column} <= current_date + ${bind(dueWithinDays)}::int`;
    const ownBody = (bind: (v: unknown) => string, column: string) =>
      body ? `${column} = ${bind(body)}::uuid` : 'TRUE';

    // Consent running out: the coordinator renews it; a named body is about to lose access.
    await run(
      (params, bind) => `
      SELECT 'consent_expiring' AS kind, cs.id AS "refId", c.id AS "caseId", c.case_number AS "caseNumber", ${due('cs.expires_on')}, ${risk(params)}
        FROM consents cs JOIN cases c ON c.council_id = cs.council_id AND c.id = cs.case_id
       WHERE cs.council_id = $1 AND cs.withdrawn_on IS NULL AND cs.expires_on >= current_date
         AND ${within(bind, 'cs.expires_on')} AND ${OPEN_CASE} AND ${caseVisible(params)}
         AND (${body ? 'FALSE' : 'TRUE'} OR EXISTS (SELECT 1 FROM consent_bodies cb
               WHERE cb.council_id = cs.council_id AND cb.consent_id = cs.id AND ${ownBody(bind, 'cb.member_body_id')}))`,
    );
    if (coordinator) {
      // Expired, while an assignment still rests on it: access has ended silently.
      await run(
        (params) => `
        SELECT 'consent_expired' AS kind, cs.id AS "refId", c.id AS "caseId", c.case_number AS "caseNumber", ${due('cs.expires_on')}, ${risk(params)}
          FROM consents cs JOIN cases c ON c.council_id = cs.council_id AND c.id = cs.case_id
         WHERE cs.council_id = $1 AND cs.withdrawn_on IS NULL AND cs.expires_on < current_date AND ${OPEN_CASE}
           AND EXISTS (
             SELECT 1 FROM consent_bodies cb
               JOIN case_assignments a ON a.council_id = cb.council_id AND a.case_id = cs.case_id AND a.member_body_id = cb.member_body_id
              WHERE cb.council_id = cs.council_id AND cb.consent_id = cs.id AND a.ended_at IS NULL AND a.basis = 'consent'
                AND NOT EXISTS (
                  SELECT 1 FROM consents o JOIN consent_bodies ob ON ob.council_id = o.council_id AND ob.consent_id = o.id
                   WHERE o.council_id = cs.council_id AND o.case_id = cs.case_id AND ob.member_body_id = cb.member_body_id
                     AND o.withdrawn_on IS NULL AND o.obtained_on <= current_date
                     AND (o.expires_on IS NULL OR o.expires_on >= current_date)))`,
      );
      // A statutory basis reaching its review date (or past it while the assignment is open):
      // renew it or the body loses access (issue 17 item 7). Overdue means it has lapsed.
      await run(
        (params, bind) => `
        SELECT 'statutory_basis_lapsing' AS kind, a.id AS "refId", c.id AS "caseId", c.case_number AS "caseNumber", ${due('a.review_on')}, ${risk(params)}
          FROM case_assignments a JOIN cases c ON c.council_id = a.council_id AND c.id = a.case_id
         WHERE a.council_id = $1 AND a.ended_at IS NULL AND a.basis = 'statutory' AND a.review_on IS NOT NULL
           AND ${OPEN_CASE} AND ${within(bind, 'a.review_on')}`,
      );
      await run(
        (params, bind) => `
        SELECT 'review_due' AS kind, c.id AS "refId", c.id AS "caseId", c.case_number AS "caseNumber", ${due('c.review_due_on')}, ${risk(params)}
          FROM cases c
         WHERE c.council_id = $1 AND ${OPEN_CASE} AND ${within(bind, 'c.review_due_on')}`,
      );
      // Retention (issue 19): closed cases reaching the end of their period, not yet disposed of.
      // Held cases are listed too (the hold is reviewed with them); disposal refuses them.
      await run((params, bind) => {
        const ends = retentionEndsOnSql(
          'c.closed_at::date',
          `COALESCE((SELECT rs.years FROM retention_schedules rs WHERE rs.council_id = c.council_id
                      AND rs.record_class = 'closed_cases'), ${bind(this.config.retention.defaultYears)}::int)`,
        );
        return `
        SELECT 'retention_due' AS kind, c.id AS "refId", c.id AS "caseId", c.case_number AS "caseNumber",
               ends::text AS "dueOn", (ends <= current_date) AS overdue, ${risk(params)}
          FROM cases c CROSS JOIN LATERAL (SELECT ${ends} AS ends) r
         WHERE c.council_id = $1 AND c.status = 'closed' AND c.disposed_at IS NULL
           AND ends <= current_date + ${bind(dueWithinDays)}::int`;
      });
      // The files of such a case, when the attachments period ends first (refId: the case, whose
      // files go together); only while some file still holds its bytes.
      await run((params, bind) => {
        const ends = retentionEndsOnSql(
          'c.closed_at::date',
          `COALESCE((SELECT rs.years FROM retention_schedules rs WHERE rs.council_id = c.council_id
                      AND rs.record_class = 'attachments'), ${bind(this.config.retention.defaultYears)}::int)`,
        );
        return `
        SELECT 'attachments_retention_due' AS kind, c.id AS "refId", c.id AS "caseId", c.case_number AS "caseNumber",
               ends::text AS "dueOn", (ends <= current_date) AS overdue, ${risk(params)}
          FROM cases c CROSS JOIN LATERAL (SELECT ${ends} AS ends) r
         WHERE c.council_id = $1 AND c.status = 'closed' AND c.disposed_at IS NULL
           AND ends <= current_date + ${bind(dueWithinDays)}::int
           AND EXISTS (SELECT 1 FROM attachments a WHERE a.council_id = c.council_id AND a.case_id = c.id
                         AND a.content_destroyed_at IS NULL)`;
      });
      // APPI requests past their deadline (extended or statutory), or "without delay" ones left
      // undecided longer than the council's yardstick.
      await run(
        (params, bind) => `
        SELECT 'subject_request_overdue' AS kind, sr.id AS "refId", c.id AS "caseId", c.case_number AS "caseNumber",
               d.due::text AS "dueOn", (d.due < current_date) AS overdue, ${risk(params)}
          FROM subject_requests sr JOIN cases c ON c.council_id = sr.council_id AND c.id = sr.case_id
          CROSS JOIN LATERAL (SELECT COALESCE(sr.extended_until, sr.deadline_on,
                                              sr.received_on + ${bind(WITHOUT_DELAY_DAYS)}::int) AS due) d
         WHERE sr.council_id = $1 AND sr.status <> 'decided' AND d.due < current_date`,
      );
      await run(
        () => `
        SELECT 'pledge_not_accepted' AS kind, st.id AS "refId", NULL AS "caseId", NULL AS "caseNumber",
               NULL AS "dueOn", false AS overdue, NULL AS "riskLevel"
          FROM staff st JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
         WHERE st.council_id = $1 AND ${staffInForce('st', 'mb')}
           AND st.pledge_version IS DISTINCT FROM (SELECT max(pl.version) FROM pledges pl WHERE pl.council_id = st.council_id)`,
      );
    }
    if (coordinator) {
      // Referrals from member bodies waiting for triage (issue 17): undated, so always listed;
      // the Referral read policy applies as for any read of them.
      await run((params) => {
        const visible = policySql(ability, 'read', 'Referral', 'rf', params);
        return `
        SELECT 'referral_awaiting_triage' AS kind, rf.id AS "refId", NULL AS "caseId", NULL AS "caseNumber",
               NULL AS "dueOn", false AS overdue, NULL AS "riskLevel"
          FROM referrals rf
         WHERE rf.council_id = $1 AND rf.status = 'submitted' AND ${visible}`;
      });
    }
    // Information requests: to answer (the addressed body) or awaiting an answer (coordinators).
    await run((params, bind) => {
      const visible = policySql(ability, 'read', 'InfoRequest', 'r', params);
      return `
      SELECT '${body ? 'info_request_to_answer' : 'info_request_awaiting_answer'}' AS kind,
             r.id AS "refId", c.id AS "caseId", c.case_number AS "caseNumber", ${due('r.due_on')}, ${risk(params)}
        FROM info_requests r JOIN cases c ON c.council_id = r.council_id AND c.id = r.case_id
       WHERE r.council_id = $1 AND r.answered_at IS NULL AND ${within(bind, 'r.due_on')} AND ${OPEN_CASE}
         AND ${ownBody(bind, 'r.member_body_id')} AND ${visible}`;
    });
    // Actions of the current support plan, not done.
    await run(
      (params, bind) => `
      SELECT 'plan_action_due' AS kind, pa.id AS "refId", c.id AS "caseId", c.case_number AS "caseNumber", ${due('pa.due_on')}, ${risk(params)}
        FROM plan_actions pa JOIN cases c ON c.council_id = pa.council_id AND c.id = pa.case_id
       WHERE pa.council_id = $1 AND pa.status <> 'done' AND ${within(bind, 'pa.due_on')} AND ${OPEN_CASE}
         AND pa.plan_id = (SELECT sp.id FROM support_plans sp WHERE sp.council_id = pa.council_id AND sp.case_id = pa.case_id
                            ORDER BY sp.version DESC LIMIT 1)
         AND ${ownBody(bind, 'pa.member_body_id')} AND ${caseVisible(params)}`,
    );
    // Action items of final minutes, not done (the ActionItem read policy: coverage of its case now).
    await run((params, bind) => {
      const t = SUBJECT_TABLES.ActionItem!;
      const visible = policySql(ability, 'read', 'ActionItem', t.alias, params);
      return `
      SELECT 'action_item_due' AS kind, i.id AS "refId", i.case_id AS "caseId",
             (SELECT c.case_number FROM cases c WHERE c.council_id = i.council_id AND c.id = i.case_id) AS "caseNumber",
             ${due('i.due_on')},
             (SELECT ${riskOf(params)} FROM cases c WHERE c.council_id = i.council_id AND c.id = i.case_id) AS "riskLevel"
        FROM ${t.from}
       WHERE i.council_id = $1 AND mn.status = 'final' AND i.status <> 'done' AND ${within(bind, 'i.due_on')}
         AND ${ownBody(bind, 'i.member_body_id')} AND ${visible}`;
    });
    // Meetings coming up that the caller may see (agencies: those they attend).
    await run((params, bind) => {
      const t = SUBJECT_TABLES.Meeting!;
      const visible = policySql(ability, 'read', 'Meeting', t.alias, params);
      return `
      SELECT 'meeting_upcoming' AS kind, m.id AS "refId", NULL AS "caseId", NULL AS "caseNumber",
             (m.held_at AT TIME ZONE current_setting('TimeZone'))::date::text AS "dueOn", false AS overdue,
             NULL AS "riskLevel"
        FROM ${t.from}
       WHERE m.council_id = $1 AND m.held_at >= now()
         AND (m.held_at AT TIME ZONE current_setting('TimeZone'))::date <= current_date + ${bind(dueWithinDays)}::int
         AND ${visible}`;
    });
    return rows;
  }
}

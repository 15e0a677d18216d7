import { Injectable } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import { CouncilScope, Statement } from '../access/council-scope';
import { memberBodyInForce, statutoryBasisInForce } from '../access/in-force';
import { policySql } from '../access/sql-filter';
import { CASE_COLUMNS, CASE_COVERAGE, CaseRow } from '../access/subject-registry';
import { ASSIGNMENT_COVERED } from '../access/subject-sql';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { Position } from '../common/http/pagination';
import { memberBodyCurrency } from '../councils/councils.repository';
import { CaseNumberFormat, formatCaseNumber } from './case-number';
import { normaliseName } from './name-normalisation';

export { CASE_COLUMNS, CaseRow };

export interface AssignmentRow {
  id: string;
  caseId: string;
  memberBodyId: string;
  role: 'lead' | 'support';
  scope: 'full' | 'limited';
  basis: 'consent' | 'statutory';
  basisNote: string | null;
  /** Statutory only: the legal basis (closed list) and, for `other`, the law named. */
  basisCode: string | null;
  basisText: string | null;
  /** Statutory only: the meeting that decided it (one that discussed this case). */
  basisMeetingId: string | null;
  /** Statutory only: the last day it covers the body unless renewed (null: v1, no review). */
  reviewOn: string | null;
  startedAt: Date;
  endedAt: Date | null;
  endReason: string | null;
  /** Active, body still a member, and covered by consent or a statutory basis today. */
  covered: boolean;
  /** Why access has lapsed, for the coordinator: e.g. "consent_withdrawn". */
  accessEndedReason:
    | 'assignment_ended'
    | 'member_body_left'
    | 'statutory_basis_lapsed'
    | 'consent_withdrawn'
    | 'consent_expired'
    | null;
}

export interface ConsentRow {
  id: string;
  caseId: string;
  memberBodyIds: string[];
  method: 'written' | 'verbal';
  obtainedOn: string;
  expiresOn: string | null;
  note: string | null;
  withdrawnOn: string | null;
  withdrawnReason: string | null;
  createdAt: Date;
  active: boolean;
  /** The signed form (同意書): none uploaded, uploaded but not yet confirmed, or confirmed. */
  formStatus: 'none' | 'unconfirmed' | 'confirmed';
}

/** The search key column of each name field (issue 17). */
const NAME_KEYS: Record<string, string> = {
  familyName: 'family_name_key',
  givenName: 'given_name_key',
  familyNameKana: 'family_kana_key',
  givenNameKana: 'given_kana_key',
};

/** How a case list is ordered: by registration (default), or most urgent risk first. */
export type CaseSort = 'created' | 'risk';

/** Urgent first, unassessed last: the order of `?sort=risk` (and its cursor's first key). */
export const RISK_RANK: Record<string, number> = { urgent: 0, high: 1, medium: 2, low: 3 };
export const UNASSESSED_RANK = 4;
const riskRankSql = (c: string) =>
  `(CASE ${c}.risk_level WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END)`;

/**
 * A page of cases ($1 council, $2 status, $3/$4 keyset position, $5 limit, $6 review due before,
 * $7 risk levels, $8 days without a reached contact; with `sort` risk, $9 the position's rank),
 * filtered by `allowed` (the caller's read policy as SQL): the page first, then the policy facts
 * of its rows only (CASE_COVERAGE). Exported for the benchmark's EXPLAIN of its generic plan.
 */
export const caseListSql = (allowed: string, sort: CaseSort = 'created'): string => {
  const created = `to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
  const after =
    sort === 'risk'
      ? `(${riskRankSql('c')}, ${created}, c.id) > ($9::int, $3::text, $4::uuid)`
      : `(${created}, c.id) > ($3::text, $4::uuid)`;
  const order = sort === 'risk' ? `${riskRankSql('c')}, c.created_at, c.id` : 'c.created_at, c.id';
  return `SELECT ${CASE_COLUMNS}
   FROM (SELECT c.* FROM cases c
          WHERE c.council_id = $1 AND ($2::text IS NULL OR c.status = $2)
            AND ($6::date IS NULL OR c.review_due_on < $6::date)
            AND ($7::text[] IS NULL OR c.risk_level = ANY ($7::text[]))
            AND ($8::int IS NULL OR COALESCE(c.last_contact_at, c.created_at) <= now() - make_interval(days => $8::int))
            AND ($3::text IS NULL OR ${after})
            AND ${allowed}
          ORDER BY ${order} LIMIT $5) c
   ${CASE_COVERAGE}
  ORDER BY ${order}`;
};

/** What a case list may be narrowed by (beyond status and the review ledger). */
export interface CaseListFilter {
  risk: string[] | null;
  noContactForDays: number | null;
  sort: CaseSort;
}

const CONSENT_ACTIVE = `(cs.withdrawn_on IS NULL AND cs.obtained_on <= current_date AND (cs.expires_on IS NULL OR cs.expires_on >= current_date))`;

/**
 * The only file that queries case tables. Reads carry the caller's policy as SQL (policySql):
 * a case outside the policy is simply not found, in lists and lookups alike.
 */
@Injectable()
export class CasesRepository {
  async caseNumberFormat(s: CouncilScope): Promise<CaseNumberFormat> {
    const rows = await s.query<{ format: CaseNumberFormat }>(
      'case_number_format',
      `SELECT case_number_format AS format FROM councils WHERE id = $1`,
      [s.councilId],
    );
    return rows[0].format;
  }

  async setCaseNumberFormat(s: CouncilScope, format: CaseNumberFormat): Promise<void> {
    await s.query(
      'case_number_format_set',
      `UPDATE councils SET case_number_format = $2, updated_at = now() WHERE id = $1`,
      [s.councilId, format],
    );
  }

  /**
   * The next number of the council's 年度 (April–March in Asia/Tokyo: `case_fiscal_year`, the
   * one definition), in the council's format (case-number.ts). The counter row is locked by
   * the upsert, so concurrent registrations never share a number.
   */
  async nextCaseNumber(s: CouncilScope): Promise<string> {
    const rows = await s.query<{ year: number; last: number; format: CaseNumberFormat }>(
      'case_number_fy',
      `WITH n AS (
         INSERT INTO case_number_counters (council_id, year, last) VALUES ($1, case_fiscal_year(now()), 1)
         ON CONFLICT (council_id, year) DO UPDATE SET last = case_number_counters.last + 1
         RETURNING year, last)
       SELECT n.year, n.last, c.case_number_format AS format FROM n, councils c WHERE c.id = $1`,
      [s.councilId],
    );
    return formatCaseNumber(rows[0].format, rows[0].year, rows[0].last);
  }

  async insertCase(
    s: CouncilScope,
    c: {
      id: string;
      caseNumber: string;
      familyName: string;
      givenName: string;
      familyNameKana?: string;
      givenNameKana?: string;
      birthDate?: string;
      gender?: string;
      address?: string;
      phone?: string;
      /** The `sensitive` object sealed under the case's data key (src/crypto/case-cipher.ts). */
      sensitiveSealed: Buffer | null;
      summary: string;
      concerns: string[];
      reviewDueOn?: string;
    },
    createdBy: string,
  ): Promise<CaseRow> {
    const rows = await s.query<CaseRow>(
      'case_insert',
      `WITH c AS (
         INSERT INTO cases (council_id, case_number, family_name, given_name, family_name_kana, given_name_kana, birth_date,
                            gender, address, phone, sensitive_sealed, summary, concerns, review_due_on, created_by,
                            family_name_key, given_name_key, family_kana_key, given_kana_key, id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING *)
       SELECT ${CASE_COLUMNS} FROM c ${CASE_COVERAGE}`,
      [
        s.councilId,
        c.caseNumber,
        c.familyName,
        c.givenName,
        c.familyNameKana ?? null,
        c.givenNameKana ?? null,
        c.birthDate ?? null,
        c.gender ?? null,
        c.address ?? null,
        c.phone ?? null,
        c.sensitiveSealed,
        c.summary,
        c.concerns,
        c.reviewDueOn ?? null,
        createdBy,
        normaliseName(c.familyName),
        normaliseName(c.givenName),
        normaliseName(c.familyNameKana),
        normaliseName(c.givenNameKana),
        c.id,
      ],
    );
    return rows[0];
  }

  /** A page of the cases the caller may read, newest last, by keyset. */
  async listPermitted(
    s: CouncilScope,
    status: 'open' | 'closed' | null,
    after: Position | null,
    limit: number,
    reviewDueBefore: string | null = null,
    filter: CaseListFilter = { risk: null, noContactForDays: null, sort: 'created' },
  ): Promise<CaseRow[]> {
    // With sort=risk the cursor's key is "<rank>|<created>" (cases.service.ts writes it).
    let key = after?.key ?? null;
    let rank: number | null = null;
    if (filter.sort === 'risk' && key !== null) {
      const [r, created] = key.split('|');
      rank = Number(r);
      key = created ?? null;
      if (!Number.isInteger(rank) || rank < 0 || rank > UNASSESSED_RANK || !created)
        throw new DomainError(400, ErrorCode.ValidationFailed, 'The cursor is not valid', {
          details: [{ field: 'cursor', messages: ['does not belong to this sort order'] }],
        });
    }
    const params: unknown[] = [
      s.councilId,
      status,
      key,
      after?.id ?? null,
      limit + 1,
      reviewDueBefore,
      filter.risk,
      filter.noContactForDays,
    ];
    if (filter.sort === 'risk') params.push(rank);
    const allowed = policySql(s.principal.ability, 'read', 'Case', 'c', params);
    return s.query<CaseRow>(`case_list_${filter.sort}`, caseListSql(allowed, filter.sort), params);
  }

  async updateCase(
    s: CouncilScope,
    caseId: string,
    set: Record<string, unknown>,
  ): Promise<CaseRow | null> {
    const columns: Record<string, string> = {
      familyName: 'family_name',
      givenName: 'given_name',
      familyNameKana: 'family_name_kana',
      givenNameKana: 'given_name_kana',
      birthDate: 'birth_date',
      gender: 'gender',
      address: 'address',
      phone: 'phone',
      sensitiveSealed: 'sensitive_sealed',
      summary: 'summary',
      concerns: 'concerns',
      reviewDueOn: 'review_due_on',
    };
    const params: unknown[] = [s.councilId, caseId];
    const sets = Object.entries(set)
      .filter(([k, v]) => columns[k] && v !== undefined)
      .map(([k, v]) => {
        params.push(v);
        return `${columns[k]} = $${params.length}`;
      });
    // A sealed `sensitive` replaces any plain text left from before envelope encryption.
    if (set.sensitiveSealed !== undefined) sets.push('sensitive = NULL');
    // A name changed: so does its search key (name-normalisation.ts).
    for (const [field, key] of Object.entries(NAME_KEYS)) {
      if (set[field] === undefined) continue;
      params.push(normaliseName(set[field] as string | null));
      sets.push(`${key} = $${params.length}`);
    }
    if (sets.length === 0) return null;
    const rows = await s.query<CaseRow>(
      'case_update',
      `WITH c AS (
         UPDATE cases SET ${sets.join(', ')}, updated_at = now() WHERE council_id = $1 AND id = $2 RETURNING *)
       SELECT ${CASE_COLUMNS} FROM c ${CASE_COVERAGE}`,
      params,
    );
    return rows[0] ?? null;
  }

  // ---- assignments ---------------------------------------------------------------------

  async assignments(s: CouncilScope, caseId: string): Promise<AssignmentRow[]> {
    const { label, text, values } = this.assignmentsStatement(s, caseId);
    return s.query<AssignmentRow>(label, text, values);
  }

  /**
   * A case's assignments and its active consents, as statements the access primitive sends with
   * the case's load (`prefetch`, issue 15); `coverageOf` reads their rows.
   */
  coverageStatements(s: CouncilScope, caseId: string): Statement[] {
    return [this.assignmentsStatement(s, caseId), this.consentsStatement(s, caseId, true)];
  }

  coverageOf(rows: QueryResultRow[][]): {
    assignments: AssignmentRow[];
    activeConsents: ConsentRow[];
  } {
    const [assignments, activeConsents] = rows;
    return {
      assignments: assignments as AssignmentRow[],
      activeConsents: activeConsents as ConsentRow[],
    };
  }

  private assignmentsStatement(s: CouncilScope, caseId: string): Statement {
    return {
      label: 'case_assignments',
      text: `SELECT a.id, a.case_id AS "caseId", a.member_body_id AS "memberBodyId", a.role, a.scope, a.basis,
              a.basis_note AS "basisNote", a.basis_code AS "basisCode", a.basis_text AS "basisText",
              a.basis_meeting_id AS "basisMeetingId", a.review_on AS "reviewOn", a.started_at AS "startedAt", a.ended_at AS "endedAt", a.end_reason AS "endReason",
              (${ASSIGNMENT_COVERED}) AS covered,
              CASE WHEN a.ended_at IS NOT NULL THEN 'assignment_ended'
                   WHEN NOT ${memberBodyInForce('amb')} THEN 'member_body_left'
                   WHEN a.basis = 'statutory' AND NOT ${statutoryBasisInForce('a')} THEN 'statutory_basis_lapsed'
                   WHEN a.basis = 'statutory' THEN NULL
                   WHEN NOT (${ASSIGNMENT_COVERED}) AND EXISTS (
                     SELECT 1 FROM consents cs JOIN consent_bodies cb ON cb.council_id = cs.council_id AND cb.consent_id = cs.id
                      WHERE cs.council_id = a.council_id AND cs.case_id = a.case_id AND cb.member_body_id = a.member_body_id
                        AND cs.withdrawn_on IS NOT NULL) THEN 'consent_withdrawn'
                   WHEN NOT (${ASSIGNMENT_COVERED}) THEN 'consent_expired'
              END AS "accessEndedReason"
         FROM case_assignments a
         JOIN member_bodies amb ON amb.council_id = a.council_id AND amb.id = a.member_body_id
        WHERE a.council_id = $1 AND a.case_id = $2
        ORDER BY a.started_at, a.id`,
      values: [s.councilId, caseId],
    };
  }

  async findAssignment(s: CouncilScope, caseId: string, id: string): Promise<AssignmentRow | null> {
    return (await this.assignments(s, caseId)).find((a) => a.id === id) ?? null;
  }

  async insertAssignment(
    s: CouncilScope,
    caseId: string,
    a: {
      memberBodyId: string;
      role: string;
      scope: string;
      basis: string;
      basisNote?: string;
      basisCode?: string | null;
      basisText?: string | null;
      basisMeetingId?: string | null;
      reviewOn?: string | null;
    },
    by: string,
  ): Promise<string> {
    const rows = await s.query<{ id: string }>(
      'assignment_insert',
      `INSERT INTO case_assignments (council_id, case_id, member_body_id, role, scope, basis, basis_note, created_by,
                                     basis_code, basis_text, basis_meeting_id, review_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        s.councilId,
        caseId,
        a.memberBodyId,
        a.role,
        a.scope,
        a.basis,
        a.basisNote ?? null,
        by,
        a.basisCode ?? null,
        a.basisText ?? null,
        a.basisMeetingId ?? null,
        a.reviewOn ?? null,
      ],
    );
    return rows[0].id;
  }

  /** Whether the meeting discussed the case (a statutory basis may name only such a meeting). */
  async meetingDiscussed(s: CouncilScope, meetingId: string, caseId: string): Promise<boolean> {
    const rows = await s.query(
      'meeting_discussed_case',
      `SELECT 1 FROM meeting_cases WHERE council_id = $1 AND meeting_id = $2 AND case_id = $3`,
      [s.councilId, meetingId, caseId],
    );
    return rows.length > 0;
  }

  /** A new review date for a statutory basis, its earlier one kept in the renewal history. */
  async renewStatutoryBasis(
    s: CouncilScope,
    a: { id: string; caseId: string; reviewOn: string | null },
    reviewOn: string,
    by: string,
  ): Promise<void> {
    await s.query(
      'assignment_renew',
      `UPDATE case_assignments SET review_on = $3 WHERE council_id = $1 AND id = $2`,
      [s.councilId, a.id, reviewOn],
    );
    await s.query(
      'assignment_renew_history',
      `INSERT INTO assignment_basis_reviews (council_id, assignment_id, case_id, previous_review_on, review_on, renewed_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.councilId, a.id, a.caseId, a.reviewOn, reviewOn, by],
    );
  }

  /** A day `years` after today in the council's calendar. */
  async yearsFromToday(s: CouncilScope, years: number): Promise<string> {
    const [{ day }] = await s.query<{ day: string }>(
      'date_years_ahead',
      `SELECT (current_date + make_interval(years => $1))::date AS day`,
      [years],
    );
    return day;
  }

  /** Whether a date lies before today in the database's calendar (TIME_ZONE). */
  async isPast(s: CouncilScope, date: string): Promise<boolean> {
    const [{ past }] = await s.query<{ past: boolean }>(
      'date_is_past',
      `SELECT $1::date < current_date AS past`,
      [date],
    );
    return past;
  }

  async endAssignment(s: CouncilScope, id: string, by: string): Promise<void> {
    await s.query(
      'assignment_end',
      `UPDATE case_assignments SET ended_at = now(), ended_by = $3, end_reason = 'ended' WHERE council_id = $1 AND id = $2`,
      [s.councilId, id, by],
    );
  }

  /**
   * Ends the case's open assignments of bodies that have left the council (a leaving date set
   * ahead, now passed): they give no access already (coverage asks whether the body is in
   * force), and ending them frees the case's one lead place. Returns the ids and bodies ended.
   */
  async endAssignmentsOfBodiesLeft(
    s: CouncilScope,
    caseId: string,
    by: string,
  ): Promise<{ id: string; memberBodyId: string }[]> {
    return s.query<{ id: string; memberBodyId: string }>(
      'assignment_end_left',
      `UPDATE case_assignments a SET ended_at = now(), ended_by = $3, end_reason = 'member_body_left'
         FROM member_bodies amb
        WHERE amb.council_id = a.council_id AND amb.id = a.member_body_id
          AND a.council_id = $1 AND a.case_id = $2 AND a.ended_at IS NULL
          AND amb.left_on IS NOT NULL AND NOT ${memberBodyInForce('amb')}
        RETURNING a.id, a.member_body_id AS "memberBodyId"`,
      [s.councilId, caseId, by],
    );
  }

  /** Ends every open assignment of a case (closing it): returns the ids and bodies ended. */
  async endAllAssignments(
    s: CouncilScope,
    caseId: string,
    reason: 'case_closed',
    by: string,
  ): Promise<{ id: string; memberBodyId: string }[]> {
    return s.query<{ id: string; memberBodyId: string }>(
      'assignment_end_all',
      `UPDATE case_assignments SET ended_at = now(), ended_by = $3, end_reason = $4
        WHERE council_id = $1 AND case_id = $2 AND ended_at IS NULL
        RETURNING id, member_body_id AS "memberBodyId"`,
      [s.councilId, caseId, by, reason],
    );
  }

  // ---- consents ------------------------------------------------------------------------

  async consents(s: CouncilScope, caseId: string, onlyActive: boolean): Promise<ConsentRow[]> {
    const { label, text, values } = this.consentsStatement(s, caseId, onlyActive);
    return s.query<ConsentRow>(label, text, values);
  }

  private consentsStatement(s: CouncilScope, caseId: string, onlyActive: boolean): Statement {
    return {
      label: 'case_consents',
      text: `SELECT cs.id, cs.case_id AS "caseId",
              ARRAY(SELECT cb.member_body_id FROM consent_bodies cb WHERE cb.council_id = cs.council_id AND cb.consent_id = cs.id ORDER BY 1) AS "memberBodyIds",
              cs.method, cs.obtained_on AS "obtainedOn", cs.expires_on AS "expiresOn", cs.note,
              cs.withdrawn_on AS "withdrawnOn", cs.withdrawn_reason AS "withdrawnReason", cs.created_at AS "createdAt",
              ${CONSENT_ACTIVE} AS active,
              (SELECT CASE WHEN count(*) = 0 THEN 'none'
                           WHEN bool_or(f.confirmed_at IS NOT NULL) THEN 'confirmed' ELSE 'unconfirmed' END
                 FROM attachments f
                WHERE f.council_id = cs.council_id AND f.parent_type = 'consent' AND f.parent_id = cs.id) AS "formStatus"
         FROM consents cs
        WHERE cs.council_id = $1 AND cs.case_id = $2 AND (NOT $3 OR ${CONSENT_ACTIVE})
        ORDER BY cs.created_at, cs.id`,
      values: [s.councilId, caseId, onlyActive],
    };
  }

  async insertConsent(
    s: CouncilScope,
    caseId: string,
    c: {
      memberBodyIds: string[];
      method: string;
      obtainedOn: string;
      expiresOn?: string;
      note?: string;
    },
    by: string,
  ): Promise<string> {
    const rows = await s.query<{ id: string }>(
      'consent_insert',
      `INSERT INTO consents (council_id, case_id, method, obtained_on, expires_on, note, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [s.councilId, caseId, c.method, c.obtainedOn, c.expiresOn ?? null, c.note ?? null, by],
    );
    await s.query(
      'consent_bodies_insert',
      `INSERT INTO consent_bodies (council_id, consent_id, member_body_id) SELECT $1, $2, unnest($3::uuid[])`,
      [s.councilId, rows[0].id, c.memberBodyIds],
    );
    return rows[0].id;
  }

  async withdrawConsent(
    s: CouncilScope,
    id: string,
    withdrawnOn: string,
    reason: string | null,
  ): Promise<void> {
    await s.query(
      'consent_withdraw',
      `UPDATE consents SET withdrawn_on = $3, withdrawn_reason = $4 WHERE council_id = $1 AND id = $2`,
      [s.councilId, id, withdrawnOn, reason],
    );
  }

  /** Whether an active consent for the case names the body (the CONSENT_REQUIRED rule). */
  async hasActiveConsentFor(
    s: CouncilScope,
    caseId: string,
    memberBodyId: string,
  ): Promise<boolean> {
    const rows = await s.query(
      'consent_active_for',
      `SELECT 1 FROM consents cs JOIN consent_bodies cb ON cb.council_id = cs.council_id AND cb.consent_id = cs.id
        WHERE cs.council_id = $1 AND cs.case_id = $2 AND cb.member_body_id = $3 AND ${CONSENT_ACTIVE}`,
      [s.councilId, caseId, memberBodyId],
    );
    return rows.length > 0;
  }

  /** Whether a date lies after today in the database's calendar (TIME_ZONE). */
  async isFuture(s: CouncilScope, date: string): Promise<boolean> {
    const [{ future }] = await s.query<{ future: boolean }>(
      'date_is_future',
      `SELECT $1::date > current_date AS future`,
      [date],
    );
    return future;
  }

  /** Member bodies of the council among `ids`, with whether each is a current member. */
  memberBodies(s: CouncilScope, ids: string[]): Promise<{ id: string; current: boolean }[]> {
    return memberBodyCurrency(s.em, s.councilId, ids);
  }
}

import { memberBodyCurrency } from '../councils/councils.repository';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppAbility } from '../access/ability.factory';
import { Action } from '../access/policy-catalog';
import { policySql } from '../access/sql-filter';
import { ASSIGNMENT_COVERED, coveredAssignmentSql } from '../access/subject-sql';
import { Position } from '../common/http/pagination';

/** A case row with the facts policies decide on (visibleToBodyIds, fullScopeBodyIds). */
export interface CaseRow {
  councilId: string;
  id: string;
  caseNumber: string;
  status: 'open' | 'closed';
  familyName: string;
  givenName: string;
  familyNameKana: string | null;
  givenNameKana: string | null;
  birthDate: string | null;
  gender: string | null;
  address: string | null;
  phone: string | null;
  sensitive: Record<string, unknown> | null;
  summary: string;
  concerns: string[];
  reviewDueOn: string | null;
  createdAt: Date;
  updatedAt: Date;
  sortKey: string;
  visibleToBodyIds: string[];
  fullScopeBodyIds: string[];
}

export interface AssignmentRow {
  id: string;
  caseId: string;
  memberBodyId: string;
  role: 'lead' | 'support';
  scope: 'full' | 'limited';
  basis: 'consent' | 'statutory';
  basisNote: string | null;
  startedAt: Date;
  endedAt: Date | null;
  endReason: string | null;
  /** Active, body still a member, and covered by consent or a statutory basis today. */
  covered: boolean;
  /** Why access has lapsed, for the coordinator: e.g. "consent_withdrawn". */
  accessEndedReason:
    'assignment_ended' | 'member_body_left' | 'consent_withdrawn' | 'consent_expired' | null;
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
}

/** The case columns plus the facts policies decide on (exported for the benchmark's direct path). */
export const CASE_COLUMNS = `
  c.council_id AS "councilId", c.id, c.case_number AS "caseNumber", c.status,
  c.family_name AS "familyName", c.given_name AS "givenName", c.family_name_kana AS "familyNameKana",
  c.given_name_kana AS "givenNameKana", c.birth_date AS "birthDate", c.gender, c.address, c.phone, c.sensitive,
  c.summary, c.concerns, c.review_due_on AS "reviewDueOn", c.created_at AS "createdAt", c.updated_at AS "updatedAt",
  to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "sortKey",
  ARRAY(${coveredAssignmentSql('c', 'TRUE', '', 'DISTINCT a.member_body_id')}) AS "visibleToBodyIds",
  ARRAY(${coveredAssignmentSql('c', 'TRUE', ` AND a.scope = 'full'`, 'DISTINCT a.member_body_id')}) AS "fullScopeBodyIds"`;

const CONSENT_ACTIVE = `(cs.withdrawn_on IS NULL AND cs.obtained_on <= current_date AND (cs.expires_on IS NULL OR cs.expires_on >= current_date))`;

/**
 * The only file that queries case tables. Reads carry the caller's policy as SQL (policySql):
 * a case outside the policy is simply not found, in lists and lookups alike.
 */
@Injectable()
export class CasesRepository {
  async nextCaseNumber(em: EntityManager, councilId: string): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO case_number_counters (council_id, year, last) VALUES ($1, extract(year FROM current_date)::int, 1)
       ON CONFLICT (council_id, year) DO UPDATE SET last = case_number_counters.last + 1
       RETURNING year, last`,
      [councilId],
    )) as { year: number; last: number }[];
    return `${rows[0].year}-${String(rows[0].last).padStart(4, '0')}`;
  }

  async insertCase(
    em: EntityManager,
    councilId: string,
    c: {
      caseNumber: string;
      familyName: string;
      givenName: string;
      familyNameKana?: string;
      givenNameKana?: string;
      birthDate?: string;
      gender?: string;
      address?: string;
      phone?: string;
      sensitive?: Record<string, unknown>;
      summary: string;
      concerns: string[];
      reviewDueOn?: string;
    },
    createdBy: string,
  ): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO cases (council_id, case_number, family_name, given_name, family_name_kana, given_name_kana, birth_date,
                          gender, address, phone, sensitive, summary, concerns, review_due_on, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
      [
        councilId,
        c.caseNumber,
        c.familyName,
        c.givenName,
        c.familyNameKana ?? null,
        c.givenNameKana ?? null,
        c.birthDate ?? null,
        c.gender ?? null,
        c.address ?? null,
        c.phone ?? null,
        c.sensitive === undefined ? null : JSON.stringify(c.sensitive),
        c.summary,
        c.concerns,
        c.reviewDueOn ?? null,
        createdBy,
      ],
    )) as { id: string }[];
    return rows[0].id;
  }

  /**
   * A case and its policy facts regardless of policy: for deciding about it (explain, policy
   * tests), never for returning it.
   */
  async facts(em: EntityManager, councilId: string, caseId: string): Promise<CaseRow | null> {
    const rows = (await em.query(
      `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.council_id = $1 AND c.id = $2`,
      [councilId, caseId],
    )) as CaseRow[];
    return rows[0] ?? null;
  }

  /** One case, if the caller's policy lets them `action` it; otherwise null (→ 404). */
  async findPermitted(
    em: EntityManager,
    ability: AppAbility,
    action: Action,
    councilId: string,
    caseId: string,
    lock = false,
  ): Promise<CaseRow | null> {
    const params: unknown[] = [councilId, caseId];
    const allowed = policySql(ability, action, 'Case', 'c', params);
    const rows = (await em.query(
      `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.council_id = $1 AND c.id = $2 AND ${allowed}${lock ? ' FOR UPDATE OF c' : ''}`,
      params,
    )) as CaseRow[];
    return rows[0] ?? null;
  }

  /** A page of the cases the caller may read, newest last, by keyset. */
  async listPermitted(
    em: EntityManager,
    ability: AppAbility,
    councilId: string,
    status: 'open' | 'closed' | null,
    after: Position | null,
    limit: number,
    reviewDueBefore: string | null = null,
  ): Promise<CaseRow[]> {
    const params: unknown[] = [
      councilId,
      status,
      after?.key ?? null,
      after?.id ?? null,
      limit + 1,
      reviewDueBefore,
    ];
    const allowed = policySql(ability, 'read', 'Case', 'c', params);
    return (await em.query(
      `SELECT ${CASE_COLUMNS} FROM cases c
        WHERE c.council_id = $1 AND ($2::text IS NULL OR c.status = $2)
          AND ($6::date IS NULL OR c.review_due_on < $6::date)
          AND ($3::text IS NULL OR (to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), c.id) > ($3::text, $4::uuid))
          AND ${allowed}
        ORDER BY c.created_at, c.id LIMIT $5`,
      params,
    )) as CaseRow[];
  }

  async updateCase(
    em: EntityManager,
    councilId: string,
    caseId: string,
    set: Record<string, unknown>,
  ): Promise<void> {
    const columns: Record<string, string> = {
      familyName: 'family_name',
      givenName: 'given_name',
      familyNameKana: 'family_name_kana',
      givenNameKana: 'given_name_kana',
      birthDate: 'birth_date',
      gender: 'gender',
      address: 'address',
      phone: 'phone',
      sensitive: 'sensitive',
      summary: 'summary',
      concerns: 'concerns',
      reviewDueOn: 'review_due_on',
    };
    const params: unknown[] = [councilId, caseId];
    const sets = Object.entries(set)
      .filter(([k, v]) => columns[k] && v !== undefined)
      .map(([k, v]) => {
        params.push(k === 'sensitive' ? JSON.stringify(v) : v);
        return `${columns[k]} = $${params.length}`;
      });
    if (sets.length === 0) return;
    await em.query(
      `UPDATE cases SET ${sets.join(', ')}, updated_at = now() WHERE council_id = $1 AND id = $2`,
      params,
    );
  }

  // ---- assignments ---------------------------------------------------------------------

  async assignments(
    em: EntityManager,
    councilId: string,
    caseId: string,
  ): Promise<AssignmentRow[]> {
    return (await em.query(
      `SELECT a.id, a.case_id AS "caseId", a.member_body_id AS "memberBodyId", a.role, a.scope, a.basis,
              a.basis_note AS "basisNote", a.started_at AS "startedAt", a.ended_at AS "endedAt", a.end_reason AS "endReason",
              (${ASSIGNMENT_COVERED}) AS covered,
              CASE WHEN a.ended_at IS NOT NULL THEN 'assignment_ended'
                   WHEN amb.left_on IS NOT NULL AND amb.left_on <= current_date THEN 'member_body_left'
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
      [councilId, caseId],
    )) as AssignmentRow[];
  }

  async findAssignment(
    em: EntityManager,
    councilId: string,
    caseId: string,
    id: string,
  ): Promise<AssignmentRow | null> {
    return (await this.assignments(em, councilId, caseId)).find((a) => a.id === id) ?? null;
  }

  async insertAssignment(
    em: EntityManager,
    councilId: string,
    caseId: string,
    a: { memberBodyId: string; role: string; scope: string; basis: string; basisNote?: string },
    by: string,
  ): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO case_assignments (council_id, case_id, member_body_id, role, scope, basis, basis_note, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [councilId, caseId, a.memberBodyId, a.role, a.scope, a.basis, a.basisNote ?? null, by],
    )) as { id: string }[];
    return rows[0].id;
  }

  async endAssignment(em: EntityManager, councilId: string, id: string, by: string): Promise<void> {
    await em.query(
      `UPDATE case_assignments SET ended_at = now(), ended_by = $3, end_reason = 'ended' WHERE council_id = $1 AND id = $2`,
      [councilId, id, by],
    );
  }

  // ---- consents ------------------------------------------------------------------------

  async consents(
    em: EntityManager,
    councilId: string,
    caseId: string,
    onlyActive: boolean,
  ): Promise<ConsentRow[]> {
    return (await em.query(
      `SELECT cs.id, cs.case_id AS "caseId",
              ARRAY(SELECT cb.member_body_id FROM consent_bodies cb WHERE cb.council_id = cs.council_id AND cb.consent_id = cs.id ORDER BY 1) AS "memberBodyIds",
              cs.method, cs.obtained_on AS "obtainedOn", cs.expires_on AS "expiresOn", cs.note,
              cs.withdrawn_on AS "withdrawnOn", cs.withdrawn_reason AS "withdrawnReason", cs.created_at AS "createdAt",
              ${CONSENT_ACTIVE} AS active
         FROM consents cs
        WHERE cs.council_id = $1 AND cs.case_id = $2 AND (NOT $3 OR ${CONSENT_ACTIVE})
        ORDER BY cs.created_at, cs.id`,
      [councilId, caseId, onlyActive],
    )) as ConsentRow[];
  }

  async insertConsent(
    em: EntityManager,
    councilId: string,
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
    const rows = (await em.query(
      `INSERT INTO consents (council_id, case_id, method, obtained_on, expires_on, note, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [councilId, caseId, c.method, c.obtainedOn, c.expiresOn ?? null, c.note ?? null, by],
    )) as { id: string }[];
    await em.query(
      `INSERT INTO consent_bodies (council_id, consent_id, member_body_id) SELECT $1, $2, unnest($3::uuid[])`,
      [councilId, rows[0].id, c.memberBodyIds],
    );
    return rows[0].id;
  }

  async withdrawConsent(
    em: EntityManager,
    councilId: string,
    id: string,
    withdrawnOn: string,
    reason: string | null,
  ): Promise<void> {
    await em.query(
      `UPDATE consents SET withdrawn_on = $3, withdrawn_reason = $4 WHERE council_id = $1 AND id = $2`,
      [councilId, id, withdrawnOn, reason],
    );
  }

  /** Whether an active consent for the case names the body (the CONSENT_REQUIRED rule). */
  async hasActiveConsentFor(
    em: EntityManager,
    councilId: string,
    caseId: string,
    memberBodyId: string,
  ): Promise<boolean> {
    const rows = (await em.query(
      `SELECT 1 FROM consents cs JOIN consent_bodies cb ON cb.council_id = cs.council_id AND cb.consent_id = cs.id
        WHERE cs.council_id = $1 AND cs.case_id = $2 AND cb.member_body_id = $3 AND ${CONSENT_ACTIVE}`,
      [councilId, caseId, memberBodyId],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Member bodies of the council among `ids`, with whether each is a current member. */
  memberBodies(
    em: EntityManager,
    councilId: string,
    ids: string[],
  ): Promise<{ id: string; current: boolean }[]> {
    return memberBodyCurrency(em, councilId, ids);
  }
}

import { Injectable } from '@nestjs/common';
import { CouncilScope } from '../access/council-scope';
import { policySql } from '../access/sql-filter';
import { Position } from '../common/http/pagination';
import { CreateReferralDto, AssignmentOutcome, ReferralStatus, Urgency } from './referral.dto';

export interface ReferralRow {
  id: string;
  memberBodyId: string;
  submittedBy: string;
  submittedAt: string;
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
  urgency: Urgency;
  consentMethod: 'written' | 'verbal' | null;
  consentObtainedOn: string | null;
  consentBodyIds: string[] | null;
  status: ReferralStatus;
  decidedAt: string | null;
  decisionReason: string | null;
  caseId: string | null;
  assignmentOutcome: AssignmentOutcome | null;
  /** Whether the caller may read the resulting case now (the case read policy). */
  caseVisible: boolean;
  sortKey: string;
}

const TS = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The columns of `referrals rf`; `caseVisible` is bound by the caller's case read policy. */
const columns = (caseVisible: string) => `
  rf.id, rf.member_body_id AS "memberBodyId", rf.submitted_by AS "submittedBy", ${TS('rf.submitted_at')} AS "submittedAt",
  rf.family_name AS "familyName", rf.given_name AS "givenName", rf.family_name_kana AS "familyNameKana",
  rf.given_name_kana AS "givenNameKana", rf.birth_date::text AS "birthDate", rf.gender, rf.address, rf.phone,
  rf.sensitive, rf.summary, rf.concerns, rf.urgency, rf.consent_method AS "consentMethod",
  rf.consent_obtained_on::text AS "consentObtainedOn", rf.consent_body_ids AS "consentBodyIds", rf.status,
  ${TS('rf.decided_at')} AS "decidedAt", rf.decision_reason AS "decisionReason", rf.case_id AS "caseId",
  rf.assignment_outcome AS "assignmentOutcome",
  EXISTS (SELECT 1 FROM cases c WHERE c.council_id = rf.council_id AND c.id = rf.case_id AND ${caseVisible}) AS "caseVisible",
  to_char(rf.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "sortKey"`;

/**
 * The only file that queries referrals. Reads carry the caller's Referral read policy as SQL
 * (coordinators: all; agency staff: their own body's), so another body's referral is neither
 * found nor counted (DESIGN.md §3.2).
 */
@Injectable()
export class ReferralsRepository {
  async insert(
    s: CouncilScope,
    memberBodyId: string,
    dto: CreateReferralDto,
    consentBodyIds: string[] | null,
    by: string,
  ): Promise<string> {
    const sub = dto.subject;
    const rows = await s.query<{ id: string }>(
      'referral_insert',
      `INSERT INTO referrals (council_id, member_body_id, submitted_by, family_name, given_name, family_name_kana,
                              given_name_kana, birth_date, gender, address, phone, sensitive, summary, concerns, urgency,
                              consent_method, consent_obtained_on, consent_body_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
      [
        s.councilId,
        memberBodyId,
        by,
        sub.familyName,
        sub.givenName,
        sub.familyNameKana ?? null,
        sub.givenNameKana ?? null,
        sub.birthDate ?? null,
        sub.gender ?? null,
        sub.address ?? null,
        sub.phone ?? null,
        dto.sensitive === undefined ? null : JSON.stringify(dto.sensitive),
        dto.summary,
        dto.concerns,
        dto.urgency,
        dto.consentObtained?.method ?? null,
        dto.consentObtained?.obtainedOn ?? null,
        consentBodyIds,
      ],
    );
    return rows[0].id;
  }

  /** One referral the caller may read, or null. */
  async find(s: CouncilScope, id: string): Promise<ReferralRow | null> {
    const params: unknown[] = [s.councilId, id];
    const visible = policySql(s.principal.ability, 'read', 'Referral', 'rf', params);
    const caseVisible = policySql(s.principal.ability, 'read', 'Case', 'c', params);
    const rows = (await s.em.query(
      `SELECT ${columns(caseVisible)} FROM referrals rf WHERE rf.council_id = $1 AND rf.id = $2 AND ${visible}`,
      params,
    )) as ReferralRow[];
    return rows[0] ?? null;
  }

  /** A page of the referrals the caller may read, oldest first, by keyset. */
  async list(
    s: CouncilScope,
    status: ReferralStatus | null,
    after: Position | null,
    limit: number,
  ): Promise<ReferralRow[]> {
    const params: unknown[] = [
      s.councilId,
      status,
      after?.key ?? null,
      after?.id ?? null,
      limit + 1,
    ];
    const visible = policySql(s.principal.ability, 'read', 'Referral', 'rf', params);
    const caseVisible = policySql(s.principal.ability, 'read', 'Case', 'c', params);
    return (await s.em.query(
      `SELECT ${columns(caseVisible)} FROM referrals rf
        WHERE rf.council_id = $1 AND ($2::text IS NULL OR rf.status = $2)
          AND ($3::text IS NULL OR (to_char(rf.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), rf.id) > ($3::text, $4::uuid))
          AND ${visible}
        ORDER BY rf.submitted_at, rf.id LIMIT $5`,
      params,
    )) as ReferralRow[];
  }

  async decide(
    s: CouncilScope,
    id: string,
    d: {
      status: Exclude<ReferralStatus, 'submitted'>;
      reason: string | null;
      caseId: string | null;
      assignmentOutcome: AssignmentOutcome | null;
    },
    by: string,
  ): Promise<void> {
    await s.query(
      'referral_decide',
      `UPDATE referrals SET status = $3, decided_at = now(), decided_by = $4, decision_reason = $5,
              case_id = $6, assignment_outcome = $7
        WHERE council_id = $1 AND id = $2 AND status = 'submitted'`,
      [s.councilId, id, d.status, by, d.reason, d.caseId, d.assignmentOutcome],
    );
  }
}

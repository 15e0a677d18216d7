import { Injectable } from '@nestjs/common';
import { CouncilScope } from '../access/council-scope';
import { policySql } from '../access/sql-filter';
import { RELATED_PERSON_COLUMNS } from '../access/subject-registry';
import { coveredAssignmentSql } from '../access/subject-sql';
import type {
  ContactChannel,
  CreateContactDto,
  CreateRelatedPersonDto,
  RelatedPersonConsentDto,
  RiskLevel,
  UpdateRelatedPersonDto,
} from './case-intake.dto';

export interface RelatedPersonRow {
  councilId: string;
  id: string;
  caseId: string;
  relation: string;
  relationText: string | null;
  familyName: string;
  givenName: string | null;
  familyNameKana: string | null;
  givenNameKana: string | null;
  birthDate: string | null;
  address: string | null;
  phone: string | null;
  sensitive: Record<string, unknown> | null;
  supported: boolean;
  createdAt: Date;
  updatedAt: Date;
  caseFullScopeBodyIds: string[];
}

export interface RelatedPersonConsentRow {
  id: string;
  relatedPersonId: string;
  memberBodyIds: string[];
  method: 'written' | 'verbal';
  obtainedOn: string;
  expiresOn: string | null;
  withdrawnOn: string | null;
  recordedAt: Date;
  active: boolean;
}

export interface RiskRow {
  id: string;
  level: RiskLevel;
  reason: string;
  setAt: Date;
  setBy: string;
  setByBodyId: string | null;
}

export interface ContactRow {
  councilId: string;
  id: string;
  caseId: string;
  memberBodyId: string;
  at: Date;
  channel: ContactChannel;
  reached: boolean;
  note: string | null;
  sensitive: boolean;
  recordedAt: Date;
  recordedBy: string;
  caseFullScopeBodyIds: string[];
}

/** Bodies covered with scope full on the record's case: the facts of restricted field rules. */
const fullScopeOf = (alias: string) =>
  `ARRAY(${coveredAssignmentSql(alias, 'TRUE', ` AND a.scope = 'full'`, 'DISTINCT a.member_body_id', 'case_id')}) AS "caseFullScopeBodyIds"`;

const CONTACT_COLUMNS = `ct.council_id AS "councilId", ct.id, ct.case_id AS "caseId", ct.member_body_id AS "memberBodyId",
  ct.at, ct.channel, ct.reached, ct.note, ct.sensitive, ct.recorded_at AS "recordedAt", ct.recorded_by AS "recordedBy",
  ${fullScopeOf('ct')}`;

const RP_CONSENT_ACTIVE = `(rc.withdrawn_on IS NULL AND rc.obtained_on <= current_date AND (rc.expires_on IS NULL OR rc.expires_on >= current_date))`;

/**
 * Related persons, risk levels and the contact log of a case (issue 17). Every method takes the
 * scope `AccessService.use` made after loading the case through the caller's policy; lists
 * carry the subject's read policy as SQL too.
 */
@Injectable()
export class CaseIntakeRepository {
  // ---- related persons -------------------------------------------------------------------

  async relatedPersons(s: CouncilScope, caseId: string): Promise<RelatedPersonRow[]> {
    const params: unknown[] = [s.councilId, caseId];
    const allowed = policySql(s.principal.ability, 'read', 'RelatedPerson', 'rp', params);
    return s.query<RelatedPersonRow>(
      'related_persons',
      `SELECT ${RELATED_PERSON_COLUMNS}, ${fullScopeOf('rp')}
         FROM case_related_persons rp
        WHERE rp.council_id = $1 AND rp.case_id = $2 AND ${allowed}
        ORDER BY rp.created_at, rp.id`,
      params,
    );
  }

  async insertRelatedPerson(
    s: CouncilScope,
    caseId: string,
    d: CreateRelatedPersonDto,
    by: string,
  ): Promise<string> {
    const rows = await s.query<{ id: string }>(
      'related_person_insert',
      `INSERT INTO case_related_persons (council_id, case_id, relation, relation_text, family_name, given_name,
                                         family_name_kana, given_name_kana, birth_date, address, phone, sensitive,
                                         supported, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
      [
        s.councilId,
        caseId,
        d.relation,
        d.relationText ?? null,
        d.familyName,
        d.givenName ?? null,
        d.familyNameKana ?? null,
        d.givenNameKana ?? null,
        d.birthDate ?? null,
        d.address ?? null,
        d.phone ?? null,
        d.sensitive === undefined ? null : JSON.stringify(d.sensitive),
        d.supported ?? false,
        by,
      ],
    );
    return rows[0].id;
  }

  async updateRelatedPerson(
    s: CouncilScope,
    id: string,
    d: UpdateRelatedPersonDto,
    by: string,
  ): Promise<void> {
    const columns: Record<string, string> = {
      relation: 'relation',
      relationText: 'relation_text',
      familyName: 'family_name',
      givenName: 'given_name',
      familyNameKana: 'family_name_kana',
      givenNameKana: 'given_name_kana',
      birthDate: 'birth_date',
      address: 'address',
      phone: 'phone',
      sensitive: 'sensitive',
      supported: 'supported',
    };
    const params: unknown[] = [s.councilId, id, by];
    const sets = Object.entries(d as Record<string, unknown>)
      .filter(([k, v]) => columns[k] && v !== undefined)
      .map(([k, v]) => {
        params.push(k === 'sensitive' && v !== null ? JSON.stringify(v) : v);
        return `${columns[k]} = $${params.length}`;
      });
    await s.query(
      'related_person_update',
      `UPDATE case_related_persons SET ${[...sets, 'updated_at = now()', 'updated_by = $3'].join(', ')}
        WHERE council_id = $1 AND id = $2`,
      params,
    );
  }

  async relatedPersonConsents(s: CouncilScope, caseId: string): Promise<RelatedPersonConsentRow[]> {
    return s.query<RelatedPersonConsentRow>(
      'related_person_consents',
      `SELECT rc.id, rc.related_person_id AS "relatedPersonId", rc.member_body_ids AS "memberBodyIds", rc.method,
              rc.obtained_on AS "obtainedOn", rc.expires_on AS "expiresOn", rc.withdrawn_on AS "withdrawnOn",
              rc.recorded_at AS "recordedAt", ${RP_CONSENT_ACTIVE} AS active
         FROM related_person_consents rc
        WHERE rc.council_id = $1 AND rc.case_id = $2
        ORDER BY rc.recorded_at, rc.id`,
      [s.councilId, caseId],
    );
  }

  async insertRelatedPersonConsent(
    s: CouncilScope,
    caseId: string,
    relatedPersonId: string,
    d: RelatedPersonConsentDto,
    by: string,
  ): Promise<string> {
    const rows = await s.query<{ id: string }>(
      'related_person_consent_insert',
      `INSERT INTO related_person_consents (council_id, case_id, related_person_id, member_body_ids, method,
                                            obtained_on, expires_on, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        s.councilId,
        caseId,
        relatedPersonId,
        d.memberBodyIds,
        d.method,
        d.obtainedOn,
        d.expiresOn ?? null,
        by,
      ],
    );
    return rows[0].id;
  }

  // ---- risk ------------------------------------------------------------------------------

  async riskHistory(s: CouncilScope, caseId: string): Promise<RiskRow[]> {
    const params: unknown[] = [s.councilId, caseId];
    const allowed = policySql(s.principal.ability, 'read', 'Risk', 'r', params);
    return s.query<RiskRow>(
      'risk_history',
      `SELECT r.id, r.level, r.reason, r.set_at AS "setAt", r.set_by AS "setBy", r.set_by_body_id AS "setByBodyId"
         FROM case_risk_assessments r
        WHERE r.council_id = $1 AND r.case_id = $2 AND ${allowed}
        ORDER BY r.set_at DESC, r.id DESC`,
      params,
    );
  }

  /** A new level in the history, and the case's current level (lists filter and sort by it). */
  async setRisk(
    s: CouncilScope,
    caseId: string,
    level: RiskLevel,
    reason: string,
    by: string,
    byBodyId: string | null,
  ): Promise<RiskRow> {
    const rows = await s.query<RiskRow>(
      'risk_insert',
      `INSERT INTO case_risk_assessments (council_id, case_id, level, reason, set_by, set_by_body_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, level, reason, set_at AS "setAt", set_by AS "setBy", set_by_body_id AS "setByBodyId"`,
      [s.councilId, caseId, level, reason, by, byBodyId],
    );
    await s.query(
      'risk_current',
      `UPDATE cases SET risk_level = $3, updated_at = now() WHERE council_id = $1 AND id = $2`,
      [s.councilId, caseId, level],
    );
    return rows[0];
  }

  // ---- contacts --------------------------------------------------------------------------

  async contacts(s: CouncilScope, caseId: string): Promise<ContactRow[]> {
    const params: unknown[] = [s.councilId, caseId];
    const allowed = policySql(s.principal.ability, 'read', 'Contact', 'ct', params);
    return s.query<ContactRow>(
      'contacts',
      `SELECT ${CONTACT_COLUMNS} FROM case_contacts ct
        WHERE ct.council_id = $1 AND ct.case_id = $2 AND ${allowed}
        ORDER BY ct.at DESC, ct.id DESC`,
      params,
    );
  }

  /** Records a contact; a reached one moves the case's last contact forward (never back). */
  async insertContact(
    s: CouncilScope,
    caseId: string,
    d: CreateContactDto,
    by: string,
  ): Promise<ContactRow> {
    const rows = await s.query<ContactRow>(
      'contact_insert',
      `WITH ct AS (
         INSERT INTO case_contacts (council_id, case_id, member_body_id, at, channel, reached, note, sensitive, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *)
       SELECT ${CONTACT_COLUMNS} FROM ct`,
      [
        s.councilId,
        caseId,
        d.memberBodyId,
        d.at,
        d.channel,
        d.reached,
        d.note ?? null,
        d.sensitive ?? false,
        by,
      ],
    );
    if (d.reached) {
      await s.query(
        'contact_last',
        `UPDATE cases SET last_contact_at = GREATEST(last_contact_at, $3::timestamptz)
          WHERE council_id = $1 AND id = $2`,
        [s.councilId, caseId, d.at],
      );
    }
    return rows[0];
  }

  /** Whether an instant lies in the future by the database's clock. */
  async isFutureInstant(s: CouncilScope, at: string): Promise<boolean> {
    const [{ future }] = await s.query<{ future: boolean }>(
      'instant_is_future',
      `SELECT $1::timestamptz > now() AS future`,
      [at],
    );
    return future;
  }
}

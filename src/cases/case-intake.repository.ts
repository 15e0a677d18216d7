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
  familyNameSealed: Buffer | null;
  givenNameSealed: Buffer | null;
  familyNameKanaSealed: Buffer | null;
  givenNameKanaSealed: Buffer | null;
  birthDateSealed: Buffer | null;
  addressSealed: Buffer | null;
  phoneSealed: Buffer | null;
  sensitiveSealed: Buffer | null;
  supported: boolean;
  createdAt: Date;
  updatedAt: Date;
  caseFullScopeBodyIds: string[];
}

/**
 * The related person's personal fields (API name → column), sealed under the case's data key
 * into `<column>_sealed` (issue 19). Nothing searches them, so none needs to stay plain.
 */
export const SEALED_PERSON_FIELDS = {
  familyName: 'family_name',
  givenName: 'given_name',
  familyNameKana: 'family_name_kana',
  givenNameKana: 'given_name_kana',
  birthDate: 'birth_date',
  address: 'address',
  phone: 'phone',
  sensitive: 'sensitive',
} as const;
export type SealedPersonField = keyof typeof SEALED_PERSON_FIELDS;
/** Sealed values by field; null clears the field. */
export type SealedPersonValues = Partial<Record<SealedPersonField, Buffer | null>>;

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
  /** Only rows written before envelope encryption (issue 19). */
  reason: string | null;
  reasonSealed: Buffer | null;
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
  /** Only rows written before envelope encryption (issue 19). */
  note: string | null;
  noteSealed: Buffer | null;
  sensitive: boolean;
  recordedAt: Date;
  recordedBy: string;
  caseFullScopeBodyIds: string[];
}

/** Bodies covered with scope full on the record's case: the facts of restricted field rules. */
const fullScopeOf = (alias: string) =>
  `ARRAY(${coveredAssignmentSql(alias, 'TRUE', ` AND a.scope = 'full'`, 'DISTINCT a.member_body_id', 'case_id')}) AS "caseFullScopeBodyIds"`;

const CONTACT_COLUMNS = `ct.council_id AS "councilId", ct.id, ct.case_id AS "caseId", ct.member_body_id AS "memberBodyId",
  ct.at, ct.channel, ct.reached, ct.note, ct.note_sealed AS "noteSealed", ct.sensitive, ct.recorded_at AS "recordedAt", ct.recorded_by AS "recordedBy",
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

  /** A related person, its personal fields only sealed (the plain columns stay NULL). */
  async insertRelatedPerson(
    s: CouncilScope,
    caseId: string,
    d: Pick<CreateRelatedPersonDto, 'relation' | 'relationText' | 'supported'>,
    sealed: SealedPersonValues,
    by: string,
  ): Promise<string> {
    const rows = await s.query<{ id: string }>(
      'related_person_insert',
      `INSERT INTO case_related_persons (council_id, case_id, relation, relation_text, family_name_sealed, given_name_sealed,
                                         family_name_kana_sealed, given_name_kana_sealed, birth_date_sealed, address_sealed,
                                         phone_sealed, sensitive_sealed, supported, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
      [
        s.councilId,
        caseId,
        d.relation,
        d.relationText ?? null,
        sealed.familyName ?? null,
        sealed.givenName ?? null,
        sealed.familyNameKana ?? null,
        sealed.givenNameKana ?? null,
        sealed.birthDate ?? null,
        sealed.address ?? null,
        sealed.phone ?? null,
        sealed.sensitive ?? null,
        d.supported ?? false,
        by,
      ],
    );
    return rows[0].id;
  }

  /**
   * Changes the named fields: plain ones as given, personal ones sealed (a value written sealed
   * clears the plain column a row written before envelope encryption may still hold).
   */
  async updateRelatedPerson(
    s: CouncilScope,
    id: string,
    d: Pick<UpdateRelatedPersonDto, 'relation' | 'relationText' | 'supported'>,
    sealed: SealedPersonValues,
    by: string,
  ): Promise<void> {
    const columns: Record<string, string> = {
      relation: 'relation',
      relationText: 'relation_text',
      supported: 'supported',
    };
    const params: unknown[] = [s.councilId, id, by];
    const sets = Object.entries(d as Record<string, unknown>)
      .filter(([k, v]) => columns[k] && v !== undefined)
      .map(([k, v]) => {
        params.push(v);
        return `${columns[k]} = $${params.length}`;
      });
    for (const [field, value] of Object.entries(sealed)) {
      const column = SEALED_PERSON_FIELDS[field as SealedPersonField];
      if (!column || value === undefined) continue;
      params.push(value);
      sets.push(`${column}_sealed = $${params.length}`, `${column} = NULL`);
    }
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
      `SELECT r.id, r.level, r.reason, r.reason_sealed AS "reasonSealed", r.set_at AS "setAt", r.set_by AS "setBy", r.set_by_body_id AS "setByBodyId"
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
    reasonSealed: Buffer,
    by: string,
    byBodyId: string | null,
  ): Promise<RiskRow> {
    const rows = await s.query<RiskRow>(
      'risk_insert',
      `INSERT INTO case_risk_assessments (council_id, case_id, level, reason_sealed, set_by, set_by_body_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, level, reason, reason_sealed AS "reasonSealed", set_at AS "setAt", set_by AS "setBy",
                 set_by_body_id AS "setByBodyId"`,
      [s.councilId, caseId, level, reasonSealed, by, byBodyId],
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
    noteSealed: Buffer | null,
    by: string,
  ): Promise<ContactRow> {
    const rows = await s.query<ContactRow>(
      'contact_insert',
      `WITH ct AS (
         INSERT INTO case_contacts (council_id, case_id, member_body_id, at, channel, reached, note_sealed, sensitive, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *)
       SELECT ${CONTACT_COLUMNS} FROM ct`,
      [
        s.councilId,
        caseId,
        d.memberBodyId,
        d.at,
        d.channel,
        d.reached,
        noteSealed,
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

import { Injectable } from '@nestjs/common';
import { CouncilScope } from '../access/council-scope';
import { SEALED_PERSON_FIELDS } from '../cases/case-intake.repository';
import { retentionEndsOnSql } from './fiscal-year';

export const RECORD_CLASSES = [
  'closed_cases',
  'minutes',
  'audit_events',
  'attachments',
  'login_history',
] as const;
export type RecordClass = (typeof RECORD_CLASSES)[number];

export interface LegalHoldRow {
  id: string;
  caseId: string;
  reason: string;
  until: string | null;
  placedBy: string;
  placedAt: Date;
  releasedBy: string | null;
  releasedAt: Date | null;
  releaseReason: string | null;
  /** Not released and `until` not passed (the council's calendar). */
  inForce: boolean;
}

const HOLD_COLUMNS = `id, case_id AS "caseId", reason, until::text AS until, placed_by AS "placedBy", placed_at AS "placedAt",
  released_by AS "releasedBy", released_at AS "releasedAt", release_reason AS "releaseReason",
  (released_at IS NULL AND (until IS NULL OR until >= current_date)) AS "inForce"`;

/** What a disposal needs to know about a case, decided in the council's calendar. */
export interface DisposalFacts {
  closedOn: string | null;
  years: number;
  /** The first day it may be disposed of (null while open). */
  endsOn: string | null;
  due: boolean;
  holds: string[];
}

/** Retention schedules, legal holds and the disposal of a case's content (issue 19). */
@Injectable()
export class RetentionRepository {
  /** The council's chosen periods (classes without a row use the installation's default). */
  async schedules(s: CouncilScope): Promise<{ recordClass: RecordClass; years: number }[]> {
    return s.query(
      'retention_schedules',
      `SELECT record_class AS "recordClass", years FROM retention_schedules WHERE council_id = $1`,
      [s.councilId],
    );
  }

  async setSchedule(s: CouncilScope, recordClass: RecordClass, years: number, by: string) {
    await s.query(
      'retention_schedule_set',
      `INSERT INTO retention_schedules (council_id, record_class, years, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (council_id, record_class) DO UPDATE SET years = $3, updated_by = $4, updated_at = now()`,
      [s.councilId, recordClass, years, by],
    );
  }

  async holds(s: CouncilScope, caseId: string): Promise<LegalHoldRow[]> {
    return s.query<LegalHoldRow>(
      'legal_holds',
      `SELECT ${HOLD_COLUMNS} FROM legal_holds WHERE council_id = $1 AND case_id = $2 ORDER BY placed_at, id`,
      [s.councilId, caseId],
    );
  }

  async placeHold(
    s: CouncilScope,
    caseId: string,
    h: { reason: string; until: string | null },
    by: string,
  ): Promise<LegalHoldRow> {
    const rows = await s.query<LegalHoldRow>(
      'legal_hold_place',
      `INSERT INTO legal_holds (council_id, case_id, reason, until, placed_by) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${HOLD_COLUMNS}`,
      [s.councilId, caseId, h.reason, h.until, by],
    );
    return rows[0];
  }

  /** Releases a hold of this case that is not yet released; null when there is none such. */
  async releaseHold(
    s: CouncilScope,
    caseId: string,
    holdId: string,
    reason: string,
    by: string,
  ): Promise<LegalHoldRow | null> {
    const rows = await s.query<LegalHoldRow>(
      'legal_hold_release',
      `UPDATE legal_holds SET released_at = now(), released_by = $4, release_reason = $5
        WHERE council_id = $1 AND case_id = $2 AND id = $3 AND released_at IS NULL RETURNING ${HOLD_COLUMNS}`,
      [s.councilId, caseId, holdId, by, reason],
    );
    return rows[0] ?? null;
  }

  /**
   * Whether the case (or, for `attachments`, its files) may go now: closed, the class's retention
   * period over (counted from the closure), no hold in force.
   */
  async disposalFacts(
    s: CouncilScope,
    caseId: string,
    defaultYears: number,
    recordClass: 'closed_cases' | 'attachments' = 'closed_cases',
  ): Promise<DisposalFacts> {
    const rows = await s.query<DisposalFacts>(
      'disposal_facts',
      `WITH r AS (
         SELECT c.closed_at::date AS closed_on,
                COALESCE((SELECT rs.years FROM retention_schedules rs
                           WHERE rs.council_id = c.council_id AND rs.record_class = $4), $3::int) AS years
           FROM cases c WHERE c.council_id = $1 AND c.id = $2 AND c.status = 'closed')
       SELECT (SELECT closed_on::text FROM r) AS "closedOn",
              COALESCE((SELECT years FROM r), $3::int) AS years,
              (SELECT ${retentionEndsOnSql('closed_on', 'years')}::text FROM r) AS "endsOn",
              COALESCE((SELECT ${retentionEndsOnSql('closed_on', 'years')} <= current_date FROM r), false) AS due,
              ARRAY(SELECT h.id FROM legal_holds h WHERE h.council_id = $1 AND h.case_id = $2
                       AND h.released_at IS NULL AND (h.until IS NULL OR h.until >= current_date)) AS holds`,
      [s.councilId, caseId, defaultYears, recordClass],
    );
    return rows[0];
  }

  /**
   * The attachments class's disposal (issue 19 item 2): the case's files not yet destroyed are
   * marked `content_destroyed_at` and lose their names (a file name may name the person); their
   * records (id, type, size, SHA-256, dates) stay. Answers the storage keys, for the caller to
   * remove the bytes once committed.
   */
  async destroyCaseFiles(s: CouncilScope, caseId: string): Promise<string[]> {
    const files = await s.query<{ storageKey: string }>(
      'case_attachments_dispose',
      `UPDATE attachments SET file_name = '（廃棄済）', content_destroyed_at = now()
        WHERE council_id = $1 AND case_id = $2 AND content_destroyed_at IS NULL
        RETURNING storage_key AS "storageKey"`,
      [s.councilId, caseId],
    );
    return files.map((f) => f.storageKey);
  }

  /**
   * Disposal keeps the skeleton (issue 19 item 3): ids, case number, dates, status and its
   * history, assignments and consents as facts, related persons' relations, risk levels,
   * contacts' dates and channels, files' records, and every audit event stay; the person's
   * identifying fields, related persons' personal fields and all free text are blanked. (Sealed
   * content is already unreadable: the caller destroyed the data key in the same transaction;
   * blanking also removes what rows written before envelope encryption hold in plain text.)
   * Answers the storage keys of the case's files, for the caller to remove once committed.
   */
  async blankCase(s: CouncilScope, caseId: string, by: string, rule: string): Promise<string[]> {
    await s.query(
      'case_dispose',
      `UPDATE cases SET family_name = '（廃棄済）', given_name = '（廃棄済）', family_name_kana = NULL,
              given_name_kana = NULL, birth_date = NULL, gender = NULL, address = NULL, phone = NULL,
              sensitive = NULL, sensitive_sealed = NULL, summary = '', concerns = '{}',
              family_name_key = '', given_name_key = '', family_kana_key = '', given_kana_key = '',
              disposed_at = now(), disposed_by = $3, disposal_rule = $4, updated_at = now()
        WHERE council_id = $1 AND id = $2`,
      [s.councilId, caseId, by, rule],
    );
    await s.query(
      'case_dispose_notes',
      `UPDATE case_notes SET body = NULL, body_sealed = NULL WHERE council_id = $1 AND case_id = $2
          AND (body IS NOT NULL OR body_sealed IS NOT NULL)`,
      [s.councilId, caseId],
    );
    await s.query(
      'case_dispose_info_requests',
      `UPDATE info_requests SET question = '（廃棄済）',
              answer = CASE WHEN answer IS NULL THEN NULL ELSE '（廃棄済）' END
        WHERE council_id = $1 AND case_id = $2`,
      [s.councilId, caseId],
    );
    await s.query(
      'case_dispose_consents',
      `UPDATE consents SET note = NULL, withdrawn_reason = NULL WHERE council_id = $1 AND case_id = $2`,
      [s.councilId, caseId],
    );
    await s.query(
      'case_dispose_contacts',
      `UPDATE case_contacts SET note = NULL, note_sealed = NULL WHERE council_id = $1 AND case_id = $2
          AND (note IS NOT NULL OR note_sealed IS NOT NULL)`,
      [s.councilId, caseId],
    );
    await s.query(
      'case_dispose_risk',
      `UPDATE case_risk_assessments SET reason = NULL, reason_sealed = NULL WHERE council_id = $1 AND case_id = $2
          AND (reason IS NOT NULL OR reason_sealed IS NOT NULL)`,
      [s.councilId, caseId],
    );
    await s.query(
      'case_dispose_related_persons',
      `UPDATE case_related_persons SET family_name = '（廃棄済）', given_name = NULL, family_name_kana = NULL,
              given_name_kana = NULL, birth_date = NULL, address = NULL, phone = NULL, sensitive = NULL,
              relation_text = CASE WHEN relation_text IS NULL THEN NULL ELSE '（廃棄済）' END,
              ${Object.values(SEALED_PERSON_FIELDS)
                .map((c) => `${c}_sealed = NULL`)
                .join(', ')},
              updated_at = now(), updated_by = $3
        WHERE council_id = $1 AND case_id = $2`,
      [s.councilId, caseId, by],
    );
    // The bytes go from the storage after the commit (a rollback must not lose them); sealed
    // ones are unreadable already, and a file name may name the person.
    const files = await s.query<{ storageKey: string }>(
      'case_dispose_attachments',
      `UPDATE attachments SET file_name = '（廃棄済）', content_destroyed_at = now()
        WHERE council_id = $1 AND case_id = $2 AND content_destroyed_at IS NULL
        RETURNING storage_key AS "storageKey"`,
      [s.councilId, caseId],
    );
    return files.map((f) => f.storageKey);
  }
}

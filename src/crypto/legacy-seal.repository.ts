import { Injectable } from '@nestjs/common';
import type { SystemScope } from '../access/council-scope';
import { SEALED_PERSON_FIELDS } from '../cases/case-intake.repository';
import { prepared } from '../database/prepared';

/**
 * A plain column written before envelope encryption and the column its text moves to, sealed
 * under the case's data key with `field` (as the feature that writes it seals it now).
 */
export interface LegacyColumn {
  table: string;
  caseColumn: string;
  plain: string;
  sealed: string;
  field: string;
}

/** Every case-keyed text sealed by a feature that once wrote it plain (issue 19). */
export const LEGACY_COLUMNS: readonly LegacyColumn[] = [
  {
    table: 'cases',
    caseColumn: 'id',
    plain: 'sensitive',
    sealed: 'sensitive_sealed',
    field: 'case.sensitive',
  },
  {
    table: 'case_notes',
    caseColumn: 'case_id',
    plain: 'body',
    sealed: 'body_sealed',
    field: 'note.body',
  },
  {
    table: 'case_contacts',
    caseColumn: 'case_id',
    plain: 'note',
    sealed: 'note_sealed',
    field: 'case_contacts.note',
  },
  {
    table: 'case_risk_assessments',
    caseColumn: 'case_id',
    plain: 'reason',
    sealed: 'reason_sealed',
    field: 'case_risk_assessments.reason',
  },
  ...Object.values(SEALED_PERSON_FIELDS).map((column) => ({
    table: 'case_related_persons',
    caseColumn: 'case_id',
    plain: column,
    sealed: `${column}_sealed`,
    field: `case_related_persons.${column}`,
  })),
];

/** A file stored before envelope encryption. */
export interface LegacyFile {
  id: string;
  parentType: 'case' | 'consent' | 'info_request' | 'meeting';
  parentId: string;
  caseId: string | null;
  storageKey: string;
  sha256: Buffer;
}

/**
 * The rows `data:seal` works on, in the installation's own council transaction (RLS binds it to
 * the council). Only rows of cases not disposed of: a disposed case's key is gone, and disposal
 * blanked its plain text already.
 */
@Injectable()
export class LegacySealRepository {
  /**
   * Up to `limit` rows still holding plain text in `c`, the text as PostgreSQL writes it (a
   * `jsonb` as JSON, a date as YYYY-MM-DD — what the feature seals today).
   */
  pending(
    s: SystemScope,
    c: LegacyColumn,
    limit: number,
  ): Promise<{ id: string; caseId: string; text: string }[]> {
    return prepared(
      s.em,
      `legacy_pending.${c.table}.${c.plain}`,
      `SELECT t.id, t.${c.caseColumn} AS "caseId", t.${c.plain}::text AS text
         FROM ${c.table} t JOIN cases cs ON cs.council_id = t.council_id AND cs.id = t.${c.caseColumn}
        WHERE t.council_id = $1 AND t.${c.plain} IS NOT NULL AND t.${c.sealed} IS NULL AND cs.disposed_at IS NULL
        ORDER BY t.id LIMIT $2
        FOR UPDATE OF t`,
      [s.councilId, limit],
    );
  }

  /** The text moves: sealed in, plain out (the append-only triggers allow exactly this). */
  async seal(s: SystemScope, c: LegacyColumn, id: string, sealed: Buffer): Promise<void> {
    await prepared(
      s.em,
      `legacy_seal.${c.table}.${c.plain}`,
      `UPDATE ${c.table} SET ${c.sealed} = $3, ${c.plain} = NULL
        WHERE council_id = $1 AND id = $2 AND ${c.sealed} IS NULL`,
      [s.councilId, id, sealed],
    );
  }

  /** Up to `limit` files whose bytes are stored plain (and not destroyed by a disposal). */
  pendingFiles(s: SystemScope, limit: number): Promise<LegacyFile[]> {
    return prepared(
      s.em,
      'legacy_pending_files',
      `SELECT id, parent_type AS "parentType", parent_id AS "parentId", case_id AS "caseId",
              storage_key AS "storageKey", sha256
         FROM attachments
        WHERE council_id = $1 AND NOT content_sealed AND content_destroyed_at IS NULL
        ORDER BY id LIMIT $2
        FOR UPDATE`,
      [s.councilId, limit],
    );
  }

  /** The row points at the sealed copy from now on. */
  async fileSealed(s: SystemScope, id: string, storageKey: string): Promise<void> {
    await prepared(
      s.em,
      'legacy_file_sealed',
      `UPDATE attachments SET storage_key = $3, content_sealed = true
        WHERE council_id = $1 AND id = $2 AND NOT content_sealed`,
      [s.councilId, id, storageKey],
    );
  }

  /** Storage keys of files a disposal destroyed (removing them again is harmless). */
  async destroyedFiles(s: SystemScope): Promise<string[]> {
    const rows = await prepared<{ storageKey: string }>(
      s.em,
      'legacy_destroyed_files',
      `SELECT storage_key AS "storageKey" FROM attachments
        WHERE council_id = $1 AND content_destroyed_at IS NOT NULL`,
      [s.councilId],
    );
    return rows.map((r) => r.storageKey);
  }
}

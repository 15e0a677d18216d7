import { Injectable } from '@nestjs/common';
import { CouncilScope } from '../access/council-scope';
import { policySql } from '../access/sql-filter';

export type ParentType = 'case' | 'consent' | 'info_request' | 'meeting';

export interface AttachmentRow {
  id: string;
  parentType: ParentType;
  parentId: string;
  caseId: string | null;
  sensitive: boolean;
  fileName: string;
  contentType: string;
  sizeBytes: string;
  sha256: string;
  storageKey: string;
  uploadedAt: Date;
  uploadedBy: string;
  confirmedAt: Date | null;
  confirmedBy: string | null;
  /** The stored bytes are sealed (src/crypto/segmented-gcm.ts); false for files stored before. */
  contentSealed: boolean;
  /** Set when the case was disposed of: the bytes were removed from the storage (issue 19). */
  contentDestroyedAt: Date | null;
}

const COLUMNS = `at.id, at.parent_type AS "parentType", at.parent_id AS "parentId", at.case_id AS "caseId",
  at.sensitive, at.file_name AS "fileName", at.content_type AS "contentType", at.size_bytes::text AS "sizeBytes",
  encode(at.sha256, 'hex') AS sha256, at.storage_key AS "storageKey", at.uploaded_at AS "uploadedAt",
  at.uploaded_by AS "uploadedBy", at.confirmed_at AS "confirmedAt", at.confirmed_by AS "confirmedBy",
  at.content_sealed AS "contentSealed", at.content_destroyed_at AS "contentDestroyedAt"`;

/**
 * Attachment records. Which parent a file hangs on is checked by the access layer before these
 * run (the parent's policy); for files on a case the row itself is filtered by the note policy
 * too, so a 要配慮 file reaches only full scope (DESIGN.md §3.9) — the attachments table has the
 * columns that policy speaks about (council_id, case_id, sensitive).
 */
@Injectable()
export class AttachmentsRepository {
  private filter(s: CouncilScope, parentType: ParentType, params: unknown[]): string {
    return parentType === 'case'
      ? policySql(s.principal.ability, 'read', 'Note', 'at', params)
      : 'TRUE';
  }

  async list(s: CouncilScope, parentType: ParentType, parentId: string): Promise<AttachmentRow[]> {
    const params: unknown[] = [s.councilId, parentType, parentId];
    const visible = this.filter(s, parentType, params);
    return s.query<AttachmentRow>(
      `attachments.list.${parentType}`,
      `SELECT ${COLUMNS} FROM attachments at
        WHERE at.council_id = $1 AND at.parent_type = $2 AND at.parent_id = $3 AND ${visible}
        ORDER BY at.uploaded_at, at.id`,
      params,
    );
  }

  async find(
    s: CouncilScope,
    parentType: ParentType,
    parentId: string,
    id: string,
    lock = false,
  ): Promise<AttachmentRow | null> {
    const params: unknown[] = [s.councilId, parentType, parentId, id];
    const visible = this.filter(s, parentType, params);
    const rows = await s.query<AttachmentRow>(
      `attachments.find.${parentType}${lock ? '.lock' : ''}`,
      `SELECT ${COLUMNS} FROM attachments at
        WHERE at.council_id = $1 AND at.parent_type = $2 AND at.parent_id = $3 AND at.id = $4 AND ${visible}
        ${lock ? 'FOR UPDATE' : ''}`,
      params,
    );
    return rows[0] ?? null;
  }

  async insert(
    s: CouncilScope,
    a: {
      id: string;
      parentType: ParentType;
      parentId: string;
      caseId: string | null;
      sensitive: boolean;
      fileName: string;
      contentType: string;
      sizeBytes: number;
      sha256: Buffer;
      storageKey: string;
      uploadedBy: string;
      memberBodyId: string | null;
    },
  ): Promise<AttachmentRow> {
    await s.query(
      'attachments.insert',
      `INSERT INTO attachments (council_id, id, parent_type, parent_id, case_id, sensitive, file_name,
                                content_type, size_bytes, sha256, storage_key, uploaded_by, member_body_id,
                                content_sealed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, true)`,
      [
        s.councilId,
        a.id,
        a.parentType,
        a.parentId,
        a.caseId,
        a.sensitive,
        a.fileName,
        a.contentType,
        a.sizeBytes,
        a.sha256,
        a.storageKey,
        a.uploadedBy,
        a.memberBodyId,
      ],
    );
    return (await this.find(s, a.parentType, a.parentId, a.id))!;
  }

  async confirm(s: CouncilScope, id: string, by: string): Promise<void> {
    await s.query(
      'attachments.confirm',
      `UPDATE attachments SET confirmed_at = now(), confirmed_by = $3
        WHERE council_id = $1 AND id = $2 AND confirmed_at IS NULL`,
      [s.councilId, id, by],
    );
  }

  /** Whether the consent belongs to the case (the case was loaded through its policy). */
  async consentOfCase(s: CouncilScope, caseId: string, consentId: string): Promise<boolean> {
    const rows = await s.query<{ found: boolean }>(
      'attachments.consent_of_case',
      `SELECT EXISTS (SELECT 1 FROM consents WHERE council_id = $1 AND case_id = $2 AND id = $3) AS found`,
      [s.councilId, caseId, consentId],
    );
    return rows[0].found;
  }
}

import { Injectable } from '@nestjs/common';
import { CouncilScope } from '../access/council-scope';
import { policySql } from '../access/sql-filter';

export interface CaseLinkRow {
  id: string;
  /** The case the link is seen from. */
  caseId: string;
  otherCaseId: string;
  otherCaseNumber: string;
  reason: string;
  linkedAt: string;
  linkedBy: string;
  unlinkedAt: string | null;
  unlinkedBy: string | null;
  unlinkReason: string | null;
}

const TS = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Links between cases that are the same person (issue 17 item 3). A link is stored once, from
 * the case it was made on, and read from either side; the other case is always filtered by the
 * caller's case read policy, so a link never reveals a case the caller may not see (§3.2).
 */
@Injectable()
export class CaseLinksRepository {
  async insert(
    s: CouncilScope,
    caseId: string,
    otherCaseId: string,
    reason: string,
    by: string,
  ): Promise<string> {
    const rows = await s.query<{ id: string }>(
      'case_link_insert',
      `INSERT INTO case_links (council_id, case_id, other_case_id, reason, created_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [s.councilId, caseId, otherCaseId, reason, by],
    );
    return rows[0].id;
  }

  /** The links of a case whose other case the caller may read (all of them, or one by id). */
  async visible(s: CouncilScope, caseId: string, linkId: string | null): Promise<CaseLinkRow[]> {
    const params: unknown[] = [s.councilId, caseId, linkId];
    const visible = policySql(s.principal.ability, 'read', 'Case', 'oc', params);
    return (await s.em.query(
      `SELECT l.id, $2::uuid AS "caseId", oc.id AS "otherCaseId", oc.case_number AS "otherCaseNumber",
              l.reason, ${TS('l.created_at')} AS "linkedAt", l.created_by AS "linkedBy",
              ${TS('l.unlinked_at')} AS "unlinkedAt", l.unlinked_by AS "unlinkedBy", l.unlink_reason AS "unlinkReason"
         FROM case_links l
         JOIN cases oc ON oc.council_id = l.council_id
                      AND oc.id = CASE WHEN l.case_id = $2 THEN l.other_case_id ELSE l.case_id END
        WHERE l.council_id = $1 AND (l.case_id = $2 OR l.other_case_id = $2)
          AND ($3::uuid IS NULL OR l.id = $3)
          AND ${visible}
        ORDER BY l.created_at, l.id`,
      params,
    )) as CaseLinkRow[];
  }

  async unlink(s: CouncilScope, linkId: string, reason: string, by: string): Promise<void> {
    await s.query(
      'case_link_unlink',
      `UPDATE case_links SET unlinked_at = now(), unlinked_by = $3, unlink_reason = $4
        WHERE council_id = $1 AND id = $2 AND unlinked_at IS NULL`,
      [s.councilId, linkId, by, reason],
    );
  }
}

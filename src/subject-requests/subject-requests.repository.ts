import { Injectable } from '@nestjs/common';
import { CouncilScope } from '../access/council-scope';

export interface SubjectRequestRow {
  id: string;
  caseId: string;
  kind: 'disclosure' | 'correction' | 'stop_use' | 'deletion';
  receivedOn: string;
  channel: string;
  controller: 'municipality' | 'member_body';
  noteSealed: Buffer | null;
  deadlineOn: string | null;
  extendedUntil: string | null;
  extensionReasonSealed: Buffer | null;
  status: 'received' | 'extended' | 'decided';
  decision: string | null;
  decidedOn: string | null;
  decisionReasonSealed: Buffer | null;
  /** Undecided after its (extended) deadline, in the council's calendar. */
  overdue: boolean;
  createdAt: Date;
}

const COLUMNS = `id, case_id AS "caseId", kind, received_on::text AS "receivedOn", channel, controller,
  note_sealed AS "noteSealed", deadline_on::text AS "deadlineOn", extended_until::text AS "extendedUntil",
  extension_reason_sealed AS "extensionReasonSealed", status, decision, decided_on::text AS "decidedOn",
  decision_reason_sealed AS "decisionReasonSealed",
  COALESCE(status <> 'decided' AND COALESCE(extended_until, deadline_on) < current_date, false) AS overdue, created_at AS "createdAt"`;

/** A person's requests about their data (issue 19); free text arrives and leaves sealed. */
@Injectable()
export class SubjectRequestsRepository {
  async insert(
    s: CouncilScope,
    r: {
      caseId: string;
      kind: string;
      receivedOn: string;
      channel: string;
      controller: string;
      noteSealed: Buffer | null;
      deadlineOn: string | null;
    },
    by: string,
  ): Promise<SubjectRequestRow> {
    const rows = await s.query<SubjectRequestRow>(
      'subject_request_insert',
      `INSERT INTO subject_requests (council_id, case_id, kind, received_on, channel, controller, note_sealed, deadline_on, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        s.councilId,
        r.caseId,
        r.kind,
        r.receivedOn,
        r.channel,
        r.controller,
        r.noteSealed,
        r.deadlineOn,
        by,
      ],
    );
    return rows[0];
  }

  async list(s: CouncilScope, caseId: string): Promise<SubjectRequestRow[]> {
    return s.query<SubjectRequestRow>(
      'subject_requests',
      `SELECT ${COLUMNS} FROM subject_requests WHERE council_id = $1 AND case_id = $2 ORDER BY received_on, created_at, id`,
      [s.councilId, caseId],
    );
  }

  async find(s: CouncilScope, id: string): Promise<SubjectRequestRow> {
    const rows = await s.query<SubjectRequestRow>(
      'subject_request',
      `SELECT ${COLUMNS} FROM subject_requests WHERE council_id = $1 AND id = $2`,
      [s.councilId, id],
    );
    return rows[0];
  }

  async extend(s: CouncilScope, id: string, until: string, reasonSealed: Buffer) {
    const rows = await s.query<SubjectRequestRow>(
      'subject_request_extend',
      `UPDATE subject_requests SET extended_until = $3, extension_reason_sealed = $4, status = 'extended', updated_at = now()
        WHERE council_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [s.councilId, id, until, reasonSealed],
    );
    return rows[0];
  }

  async decide(
    s: CouncilScope,
    id: string,
    d: { decision: string; decidedOn: string; reasonSealed: Buffer },
  ) {
    const rows = await s.query<SubjectRequestRow>(
      'subject_request_decide',
      `UPDATE subject_requests SET decision = $3, decided_on = $4, decision_reason_sealed = $5, status = 'decided', updated_at = now()
        WHERE council_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [s.councilId, id, d.decision, d.decidedOn, d.reasonSealed],
    );
    return rows[0];
  }
}

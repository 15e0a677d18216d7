import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CouncilScope, PublicScope, RegisterScope } from '../access/council-scope';
import { memberBodyInForce, staffInForce } from '../access/in-force';
import { Position } from '../common/http/pagination';
import { MemberBodyKind, StaffRole } from './council.types';

/** What a publication of the public notice holds (施行規則 Art. 1): names only. */
export interface PublicNoticeContent {
  id: string;
  name: string;
  municipalities: string[];
  establishedOn: string;
  coordinatingBody: { id: string; name: string } | null;
  memberBodies: { id: string; name: string }[];
}

export interface PublicationRow {
  version: number;
  publishedAt: string;
  publishedBy: string;
  content: PublicNoticeContent;
}

/** A council's public part (name, coordinating body, current bodies) reads under either scope. */
type Scoped = CouncilScope | PublicScope;

export interface CouncilRow {
  id: string;
  name: string;
  municipalities: string[];
  establishedOn: string;
  coordinatingBodyId: string | null;
  coordinatingBodyName: string | null;
  mfaRequiredRoles: StaffRole[];
}

export interface MemberBodyRow {
  id: string;
  name: string;
  kind: MemberBodyKind;
  joinedOn: string;
  leftOn: string | null;
  isCoordinatingBody: boolean;
  current: boolean;
  createdAt: string;
}

/**
 * Where a staff record stands: `invited` (pending, the invitation still open),
 * `invitation_expired`, `invitation_revoked` (ended before acceptance), `declined`, `active`
 * (accepted and in force), `ended`.
 */
export type StaffStatus =
  'invited' | 'invitation_expired' | 'invitation_revoked' | 'declined' | 'active' | 'ended';

export type StaffEndReason = 'ended' | 'member_body_left' | 'declined' | 'invitation_revoked';

export interface StaffRow {
  id: string;
  /** Null until the invitation is accepted: a pending record names no account (issue 13). */
  userId: string | null;
  /** The account's once accepted; until then the address and name the invitation was sent to. */
  email: string;
  displayName: string;
  memberBodyId: string;
  role: StaffRole;
  startedOn: string;
  endedOn: string | null;
  pledgedAt: Date | null;
  pledgeVersion: number | null;
  active: boolean;
  status: StaffStatus;
  acceptedAt: Date | null;
  endReason: StaffEndReason | null;
  /** The continuing duty (Art. 18) the record was ended with; null while in force or never accepted. */
  continuingDuty: string | null;
  createdAt: string;
}

export interface PledgeRow {
  version: number;
  text: string;
  publishedAt: Date;
}

/**
 * "Today" is the database's current_date (the connection runs in the council's time zone); "in
 * force" is in-force.ts's one definition, the one the principal lookup and coverage use.
 */
const MEMBER_BODY_CURRENT = memberBodyInForce('mb');
const STAFF_ACTIVE = staffInForce('st', 'mb');

const COUNCIL_SELECT = `
  SELECT c.id, c.name, c.municipalities, c.established_on AS "establishedOn",
         cb.id AS "coordinatingBodyId", cb.name AS "coordinatingBodyName",
         c.mfa_required_roles AS "mfaRequiredRoles"
    FROM councils c
    LEFT JOIN coordinating_body_designations d ON d.council_id = c.id AND d.ended_at IS NULL
    LEFT JOIN member_bodies cb ON cb.council_id = d.council_id AND cb.id = d.member_body_id`;

const MEMBER_BODY_SELECT = `
  SELECT mb.id, mb.name, mb.kind, mb.joined_on AS "joinedOn", mb.left_on AS "leftOn",
         (d.id IS NOT NULL) AS "isCoordinatingBody", ${MEMBER_BODY_CURRENT} AS current,
         to_char(mb.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "createdAt"
    FROM member_bodies mb
    LEFT JOIN coordinating_body_designations d
      ON d.council_id = mb.council_id AND d.member_body_id = mb.id AND d.ended_at IS NULL`;

const STAFF_SELECT = `
  SELECT st.id, st.user_id AS "userId", COALESCE(u.email, i.email) AS email,
         COALESCE(u.display_name, i.display_name) AS "displayName",
         st.member_body_id AS "memberBodyId", st.role, st.started_on AS "startedOn", st.ended_on AS "endedOn",
         st.pledged_at AS "pledgedAt", st.pledge_version AS "pledgeVersion", ${STAFF_ACTIVE} AS active,
         CASE WHEN ${STAFF_ACTIVE} THEN 'active'
              WHEN st.end_reason = 'declined' THEN 'declined'
              WHEN st.accepted_at IS NULL AND st.ended_on IS NOT NULL THEN 'invitation_revoked'
              WHEN st.accepted_at IS NULL AND i.expires_at > now() THEN 'invited'
              WHEN st.accepted_at IS NULL THEN 'invitation_expired'
              ELSE 'ended' END AS status,
         st.accepted_at AS "acceptedAt", st.end_reason AS "endReason", st.continuing_duty AS "continuingDuty",
         to_char(st.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "createdAt"
    FROM staff st
    LEFT JOIN users u ON u.id = st.user_id
    LEFT JOIN staff_invitations i ON i.council_id = st.council_id AND i.staff_id = st.id
    JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id`;

/**
 * Which of `ids` are member bodies of the council, and whether each is a current member today.
 * Shared by every module that lets a record name a body (consent, assignments, plans, minutes).
 */
export async function memberBodyCurrency(
  em: EntityManager,
  councilId: string,
  ids: string[],
): Promise<{ id: string; current: boolean }[]> {
  return (await em.query(
    `SELECT mb.id, ${MEMBER_BODY_CURRENT} AS current FROM member_bodies mb WHERE mb.council_id = $1 AND mb.id = ANY($2::uuid[])`,
    [councilId, ids],
  )) as { id: string; current: boolean }[];
}

/**
 * The only file that queries the council structure tables. Every method takes the scope the
 * access layer opened (AccessService.use, or .register for the public register) and filters by
 * its council_id itself as well.
 */
@Injectable()
export class CouncilsRepository {
  // ---- councils ------------------------------------------------------------------------

  /** The council of the founding scope: its id was chosen up front (PrincipalResolver). */
  async insertCouncil(
    s: CouncilScope,
    c: {
      name: string;
      municipalities: string[];
      establishedOn: string;
      mfaRequiredRoles?: StaffRole[];
    },
  ): Promise<void> {
    await s.em.query(
      `INSERT INTO councils (id, name, municipalities, established_on, mfa_required_roles)
       VALUES ($1, $2, $3, $4, COALESCE($5::text[], ARRAY['coordinator', 'auditor']))`,
      [s.councilId, c.name, c.municipalities, c.establishedOn, c.mfaRequiredRoles ?? null],
    );
  }

  /** Which staff roles need a second factor in this council (issue 13). */
  async setMfaRequiredRoles(s: CouncilScope, roles: StaffRole[]): Promise<void> {
    await s.em.query(
      `UPDATE councils SET mfa_required_roles = $2, updated_at = now() WHERE id = $1`,
      [s.councilId, roles],
    );
  }

  /** Whether the council has ever had a staff record (set by a trigger on the first one). */
  async isBootstrapped(s: CouncilScope): Promise<boolean> {
    const rows = (await s.em.query(
      `SELECT bootstrapped_at IS NOT NULL AS done FROM councils WHERE id = $1`,
      [s.councilId],
    )) as { done: boolean }[];
    return rows[0]?.done ?? false;
  }

  async findCouncil(s: Scoped): Promise<CouncilRow | null> {
    const rows = (await s.em.query(`${COUNCIL_SELECT} WHERE c.id = $1`, [
      s.councilId,
    ])) as CouncilRow[];
    return rows[0] ?? null;
  }

  /** Locks the council row: structure changes of one council take turns, others never wait. */
  async lockCouncil(s: CouncilScope): Promise<void> {
    await s.em.query(`SELECT 1 FROM councils WHERE id = $1 FOR UPDATE`, [s.councilId]);
  }

  async updateCouncil(
    s: CouncilScope,
    c: { name?: string; municipalities?: string[]; establishedOn?: string },
  ): Promise<void> {
    await s.em.query(
      `UPDATE councils SET name = COALESCE($2, name), municipalities = COALESCE($3, municipalities),
              established_on = COALESCE($4, established_on), updated_at = now()
        WHERE id = $1`,
      [s.councilId, c.name ?? null, c.municipalities ?? null, c.establishedOn ?? null],
    );
  }

  /**
   * A page of council ids with their sort key: all councils (the register is public), or those
   * where the register scope's user has a staff record (directory_memberships, a SECURITY
   * DEFINER function: RLS shows the application role one council at a time).
   */
  async pageCouncilIds(
    r: RegisterScope,
    after: Position | null,
    limit: number,
  ): Promise<{ id: string; createdAt: string }[]> {
    return (await r.em.query(
      `SELECT c.id, to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "createdAt"
         FROM councils c
        WHERE ($1::uuid IS NULL OR c.id IN (SELECT m.council_id FROM directory_memberships($1::uuid) m))
          AND ($2::text IS NULL OR (to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), c.id) > ($2::text, $3::uuid))
        ORDER BY 2, 1 LIMIT $4`,
      [r.userId, after?.key ?? null, after?.id ?? null, limit + 1],
    )) as { id: string; createdAt: string }[];
  }

  /**
   * A page of the councils that have published their public notice (公示 is an act: a council
   * is on the public register only from its first publication), with their sort key.
   */
  async pagePublishedCouncilIds(
    r: RegisterScope,
    after: Position | null,
    limit: number,
  ): Promise<{ id: string; createdAt: string }[]> {
    return (await r.em.query(
      `SELECT c.id, to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "createdAt"
         FROM councils c
        WHERE c.notice_published_at IS NOT NULL
          AND ($1::text IS NULL OR (to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), c.id) > ($1::text, $2::uuid))
        ORDER BY 2, 1 LIMIT $3`,
      [after?.key ?? null, after?.id ?? null, limit + 1],
    )) as { id: string; createdAt: string }[];
  }

  /** Records a publication of the notice (the next version) and marks the council published. */
  async insertPublication(
    s: CouncilScope,
    content: PublicNoticeContent,
    publishedBy: string,
  ): Promise<PublicationRow> {
    const rows = (await s.em.query(
      `WITH v AS (
         INSERT INTO public_notice_publications (council_id, version, published_by, content)
         SELECT $1, COALESCE(max(version), 0) + 1, $2, $3::jsonb FROM public_notice_publications WHERE council_id = $1
         RETURNING version, published_at, published_by, content)
       SELECT version, to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "publishedAt",
              published_by AS "publishedBy", content FROM v`,
      [s.councilId, publishedBy, JSON.stringify(content)],
    )) as PublicationRow[];
    await s.em.query(
      `UPDATE councils SET notice_published_at = now() WHERE id = $1 AND notice_published_at IS NULL`,
      [s.councilId],
    );
    return rows[0];
  }

  /** Every published version, newest first (or only the latest). */
  async publications(s: Scoped, latestOnly = false): Promise<PublicationRow[]> {
    return (await s.em.query(
      `SELECT version, to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "publishedAt",
              published_by AS "publishedBy", content
         FROM public_notice_publications WHERE council_id = $1 ORDER BY version DESC
        ${latestOnly ? 'LIMIT 1' : ''}`,
      [s.councilId],
    )) as PublicationRow[];
  }

  /** Current member bodies of the council in scope, for the public notice. */
  async currentMemberBodyRefs(s: Scoped): Promise<{ id: string; name: string }[]> {
    return (await s.em.query(
      `SELECT mb.id, mb.name FROM member_bodies mb WHERE mb.council_id = $1 AND ${MEMBER_BODY_CURRENT} ORDER BY mb.joined_on, mb.name`,
      [s.councilId],
    )) as { id: string; name: string }[];
  }

  /** The coordinating body as published: designated and still a current member. */
  async publicCoordinatingBody(s: Scoped): Promise<{ id: string; name: string } | null> {
    const rows = (await s.em.query(
      `SELECT mb.id, mb.name FROM coordinating_body_designations d
         JOIN member_bodies mb ON mb.council_id = d.council_id AND mb.id = d.member_body_id
        WHERE d.council_id = $1 AND d.ended_at IS NULL AND ${MEMBER_BODY_CURRENT}`,
      [s.councilId],
    )) as { id: string; name: string }[];
    return rows[0] ?? null;
  }

  /** Whether a date has come, in the database's calendar (TIME_ZONE). */
  async hasCome(s: CouncilScope, date: string): Promise<boolean> {
    const [{ come }] = (await s.em.query(`SELECT $1::date <= current_date AS come`, [date])) as {
      come: boolean;
    }[];
    return come;
  }

  // ---- member bodies -------------------------------------------------------------------

  async insertMemberBody(
    s: CouncilScope,
    b: { name: string; kind: MemberBodyKind; joinedOn: string },
    createdBy: string | null,
  ): Promise<string> {
    const rows = (await s.em.query(
      `INSERT INTO member_bodies (council_id, name, kind, joined_on, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [s.councilId, b.name, b.kind, b.joinedOn, createdBy],
    )) as { id: string }[];
    return rows[0].id;
  }

  async findMemberBody(s: CouncilScope, id: string): Promise<MemberBodyRow | null> {
    const rows = (await s.em.query(
      `${MEMBER_BODY_SELECT} WHERE mb.council_id = $1 AND mb.id = $2`,
      [s.councilId, id],
    )) as MemberBodyRow[];
    return rows[0] ?? null;
  }

  /** The default list shows bodies that have not left (one joining later is listed too). */
  async listMemberBodies(
    s: CouncilScope,
    includeLeft: boolean,
    after: Position | null,
    limit: number,
  ): Promise<MemberBodyRow[]> {
    return (await s.em.query(
      `SELECT * FROM (${MEMBER_BODY_SELECT} WHERE mb.council_id = $1 AND ($2 OR mb.left_on IS NULL OR mb.left_on > current_date)) x
        WHERE ($3::text IS NULL OR ("createdAt", id) > ($3::text, $4::uuid))
        ORDER BY "createdAt", id LIMIT $5`,
      [s.councilId, includeLeft, after?.key ?? null, after?.id ?? null, limit + 1],
    )) as MemberBodyRow[];
  }

  async updateMemberBody(
    s: CouncilScope,
    id: string,
    b: { name?: string; kind?: MemberBodyKind; joinedOn?: string },
  ): Promise<void> {
    await s.em.query(
      `UPDATE member_bodies SET name = COALESCE($3, name), kind = COALESCE($4, kind), joined_on = COALESCE($5, joined_on), updated_at = now()
        WHERE council_id = $1 AND id = $2`,
      [s.councilId, id, b.name ?? null, b.kind ?? null, b.joinedOn ?? null],
    );
  }

  async setMemberBodyLeft(s: CouncilScope, id: string, leftOn: string): Promise<void> {
    await s.em.query(
      `UPDATE member_bodies SET left_on = $3, updated_at = now() WHERE council_id = $1 AND id = $2`,
      [s.councilId, id, leftOn],
    );
  }

  /** Ends the body's open case assignments (it left); returns each one ended, with its case. */
  async endAssignmentsOfBody(
    s: CouncilScope,
    memberBodyId: string,
    by: string,
  ): Promise<{ id: string; caseId: string }[]> {
    const [rows] = (await s.em.query(
      `UPDATE case_assignments SET ended_at = now(), ended_by = $3, end_reason = 'member_body_left'
        WHERE council_id = $1 AND member_body_id = $2 AND ended_at IS NULL
        RETURNING id, case_id AS "caseId"`,
      [s.councilId, memberBodyId, by],
    )) as [{ id: string; caseId: string }[], number];
    return rows;
  }

  // ---- coordinating body ---------------------------------------------------------------

  async currentDesignation(s: CouncilScope): Promise<{ id: string; memberBodyId: string } | null> {
    const rows = (await s.em.query(
      `SELECT id, member_body_id AS "memberBodyId" FROM coordinating_body_designations WHERE council_id = $1 AND ended_at IS NULL`,
      [s.councilId],
    )) as { id: string; memberBodyId: string }[];
    return rows[0] ?? null;
  }

  async endDesignation(
    s: CouncilScope,
    id: string,
    by: string,
    reason: 'replaced' | 'member_body_left',
  ): Promise<void> {
    await s.em.query(
      `UPDATE coordinating_body_designations SET ended_at = now(), ended_by = $3, end_reason = $4 WHERE council_id = $1 AND id = $2`,
      [s.councilId, id, by, reason],
    );
  }

  async insertDesignation(s: CouncilScope, memberBodyId: string, by: string): Promise<void> {
    await s.em.query(
      `INSERT INTO coordinating_body_designations (council_id, member_body_id, designated_by) VALUES ($1, $2, $3)`,
      [s.councilId, memberBodyId, by],
    );
  }

  // ---- staff ---------------------------------------------------------------------------

  async countActiveCoordinators(s: CouncilScope): Promise<number> {
    const rows = (await s.em.query(
      `SELECT count(*)::int AS n FROM staff st JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
        WHERE st.council_id = $1 AND st.role = 'coordinator' AND ${STAFF_ACTIVE}`,
      [s.councilId],
    )) as { n: number }[];
    return rows[0].n;
  }

  /**
   * A pending staff record: no account, not accepted (it grants nothing, in-force.ts). Its
   * invitation names the address; the invitee's own account fills `user_id` on acceptance.
   */
  async insertPendingStaff(
    s: CouncilScope,
    st: { memberBodyId: string; role: StaffRole },
    createdBy: string | null,
  ): Promise<string> {
    const rows = (await s.em.query(
      `INSERT INTO staff (council_id, user_id, accepted_at, member_body_id, role, created_by)
       VALUES ($1, NULL, NULL, $2, $3, $4) RETURNING id`,
      [s.councilId, st.memberBodyId, st.role, createdBy],
    )) as { id: string }[];
    return rows[0].id;
  }

  async findStaff(s: CouncilScope, id: string): Promise<StaffRow | null> {
    const rows = (await s.em.query(`${STAFF_SELECT} WHERE st.council_id = $1 AND st.id = $2`, [
      s.councilId,
      id,
    ])) as StaffRow[];
    return rows[0] ?? null;
  }

  async listStaff(
    s: CouncilScope,
    active: boolean | null,
    after: Position | null,
    limit: number,
  ): Promise<StaffRow[]> {
    return (await s.em.query(
      `SELECT * FROM (${STAFF_SELECT} WHERE st.council_id = $1) x
        WHERE ($2::boolean IS NULL OR active = $2) AND ($3::text IS NULL OR ("createdAt", id) > ($3::text, $4::uuid))
        ORDER BY "createdAt", id LIMIT $5`,
      [s.councilId, active, after?.key ?? null, after?.id ?? null, limit + 1],
    )) as StaffRow[];
  }

  async updateStaff(
    s: CouncilScope,
    id: string,
    st: { role?: StaffRole; memberBodyId?: string },
  ): Promise<void> {
    await s.em.query(
      `UPDATE staff SET role = COALESCE($3, role), member_body_id = COALESCE($4, member_body_id), updated_at = now()
        WHERE council_id = $1 AND id = $2`,
      [s.councilId, id, st.role ?? null, st.memberBodyId ?? null],
    );
  }

  /**
   * Ends a record on `endedOn`, recording why and — for a record its person had accepted — the
   * continuing duty of confidentiality (Art. 18) it was ended with.
   */
  async endStaff(
    s: CouncilScope,
    id: string,
    end: { endedOn: string; by: string; reason: StaffEndReason; continuingDuty: string | null },
  ): Promise<void> {
    await s.em.query(
      `UPDATE staff SET ended_on = $3, ended_by = $4, end_reason = $5, continuing_duty = $6, updated_at = now()
        WHERE council_id = $1 AND id = $2`,
      [s.councilId, id, end.endedOn, end.by, end.reason, end.continuingDuty],
    );
  }

  /**
   * Ends every staff record of a leaving body no later than its leaving date; returns the users
   * of the accepted ones and the ids of the pending ones (whose invitations must be revoked).
   */
  async endStaffOfBody(
    s: CouncilScope,
    memberBodyId: string,
    leftOn: string,
    by: string,
    continuingDuty: string,
  ): Promise<{ userIds: string[]; pendingStaffIds: string[] }> {
    const result = (await s.em.query(
      `UPDATE staff SET ended_on = GREATEST(started_on, $3::date), ended_by = $4, updated_at = now(),
              end_reason = CASE WHEN accepted_at IS NULL THEN 'invitation_revoked' ELSE 'member_body_left' END,
              continuing_duty = CASE WHEN accepted_at IS NULL THEN NULL ELSE $5 END
        WHERE council_id = $1 AND member_body_id = $2 AND (ended_on IS NULL OR ended_on > $3::date)
        RETURNING id, user_id AS "userId"`,
      [s.councilId, memberBodyId, leftOn, by, continuingDuty],
    )) as [{ id: string; userId: string | null }[], number];
    return {
      userIds: result[0].flatMap((r) => (r.userId ? [r.userId] : [])),
      pendingStaffIds: result[0].flatMap((r) => (r.userId ? [] : [r.id])),
    };
  }

  // ---- pledges -------------------------------------------------------------------------

  async currentPledge(s: CouncilScope): Promise<PledgeRow | null> {
    const rows = (await s.em.query(
      `SELECT version, text, published_at AS "publishedAt" FROM pledges WHERE council_id = $1 ORDER BY version DESC LIMIT 1`,
      [s.councilId],
    )) as PledgeRow[];
    return rows[0] ?? null;
  }

  async insertPledge(s: CouncilScope, text: string, by: string | null): Promise<PledgeRow> {
    const rows = (await s.em.query(
      `INSERT INTO pledges (council_id, version, text, published_by)
       VALUES ($1, COALESCE((SELECT max(version) FROM pledges WHERE council_id = $1), 0) + 1, $2, $3)
       RETURNING version, text, published_at AS "publishedAt"`,
      [s.councilId, text, by],
    )) as PledgeRow[];
    return rows[0];
  }

  async acceptance(s: CouncilScope, staffId: string, version: number): Promise<Date | null> {
    const rows = (await s.em.query(
      `SELECT accepted_at AS "acceptedAt" FROM pledge_acceptances WHERE council_id = $1 AND staff_id = $2 AND version = $3`,
      [s.councilId, staffId, version],
    )) as { acceptedAt: Date }[];
    return rows[0]?.acceptedAt ?? null;
  }

  async recordAcceptance(s: CouncilScope, staffId: string, version: number): Promise<Date> {
    const rows = (await s.em.query(
      `INSERT INTO pledge_acceptances (council_id, staff_id, version) VALUES ($1, $2, $3) RETURNING accepted_at AS "acceptedAt"`,
      [s.councilId, staffId, version],
    )) as { acceptedAt: Date }[];
    await s.em.query(
      `UPDATE staff SET pledged_at = $3, pledge_version = $4, updated_at = now() WHERE council_id = $1 AND id = $2`,
      [s.councilId, staffId, rows[0].acceptedAt, version],
    );
    return rows[0].acceptedAt;
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Position } from '../common/http/pagination';
import { MemberBodyKind, StaffRole } from './council.entity';

export interface CouncilRow {
  id: string;
  name: string;
  municipalities: string[];
  establishedOn: string;
  coordinatingBodyId: string | null;
  coordinatingBodyName: string | null;
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

export interface StaffRow {
  id: string;
  userId: string;
  email: string;
  displayName: string;
  memberBodyId: string;
  role: StaffRole;
  startedOn: string;
  endedOn: string | null;
  pledgedAt: Date | null;
  pledgeVersion: number | null;
  active: boolean;
  createdAt: string;
}

export interface PledgeRow {
  version: number;
  text: string;
  publishedAt: Date;
}

/** "Today" is the database's current_date (the connection runs in the council's time zone). */
const MEMBER_BODY_CURRENT = `(mb.joined_on <= current_date AND (mb.left_on IS NULL OR mb.left_on > current_date))`;
const STAFF_ACTIVE = `((st.ended_on IS NULL OR st.ended_on > current_date) AND (mb.left_on IS NULL OR mb.left_on > current_date))`;

const COUNCIL_SELECT = `
  SELECT c.id, c.name, c.municipalities, c.established_on AS "establishedOn",
         cb.id AS "coordinatingBodyId", cb.name AS "coordinatingBodyName"
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
  SELECT st.id, st.user_id AS "userId", u.email, u.display_name AS "displayName",
         st.member_body_id AS "memberBodyId", st.role, st.started_on AS "startedOn", st.ended_on AS "endedOn",
         st.pledged_at AS "pledgedAt", st.pledge_version AS "pledgeVersion", ${STAFF_ACTIVE} AS active,
         to_char(st.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "createdAt"
    FROM staff st
    JOIN users u ON u.id = st.user_id
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
 * The only file that queries the council structure tables. Every method takes the caller's
 * transaction manager (scoped to the council) and filters by council_id itself as well.
 */
@Injectable()
export class CouncilsRepository {
  // ---- councils ------------------------------------------------------------------------

  async insertCouncil(
    em: EntityManager,
    c: { name: string; municipalities: string[]; establishedOn: string },
  ): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO councils (name, municipalities, established_on) VALUES ($1, $2, $3) RETURNING id`,
      [c.name, c.municipalities, c.establishedOn],
    )) as { id: string }[];
    return rows[0].id;
  }

  async findCouncil(em: EntityManager, councilId: string): Promise<CouncilRow | null> {
    const rows = (await em.query(`${COUNCIL_SELECT} WHERE c.id = $1`, [councilId])) as CouncilRow[];
    return rows[0] ?? null;
  }

  /** Locks the council row: structure changes of one council take turns, others never wait. */
  async lockCouncil(em: EntityManager, councilId: string): Promise<void> {
    await em.query(`SELECT 1 FROM councils WHERE id = $1 FOR UPDATE`, [councilId]);
  }

  async updateCouncil(
    em: EntityManager,
    councilId: string,
    c: { name?: string; municipalities?: string[]; establishedOn?: string },
  ): Promise<void> {
    await em.query(
      `UPDATE councils SET name = COALESCE($2, name), municipalities = COALESCE($3, municipalities),
              established_on = COALESCE($4, established_on), updated_at = now()
        WHERE id = $1`,
      [councilId, c.name ?? null, c.municipalities ?? null, c.establishedOn ?? null],
    );
  }

  /**
   * A page of council ids with their sort key: all councils (the register is public), or those
   * where `userId` has a staff record (read through the own-records policy, app.user_id).
   */
  async pageCouncilIds(
    em: EntityManager,
    userId: string | 'all',
    after: Position | null,
    limit: number,
  ): Promise<{ id: string; createdAt: string }[]> {
    if (userId !== 'all') await em.query(`SELECT set_config('app.user_id', $1, true)`, [userId]);
    return (await em.query(
      `SELECT c.id, to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "createdAt"
         FROM councils c
        WHERE ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM staff st WHERE st.council_id = c.id AND st.user_id = $1::uuid))
          AND ($2::text IS NULL OR (to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), c.id) > ($2::text, $3::uuid))
        ORDER BY 2, 1 LIMIT $4`,
      [userId === 'all' ? null : userId, after?.key ?? null, after?.id ?? null, limit + 1],
    )) as { id: string; createdAt: string }[];
  }

  /** Current member bodies of the council in scope, for the public notice. */
  async currentMemberBodyRefs(
    em: EntityManager,
    councilId: string,
  ): Promise<{ id: string; name: string }[]> {
    return (await em.query(
      `SELECT mb.id, mb.name FROM member_bodies mb WHERE mb.council_id = $1 AND ${MEMBER_BODY_CURRENT} ORDER BY mb.joined_on, mb.name`,
      [councilId],
    )) as { id: string; name: string }[];
  }

  /** The coordinating body as published: designated and still a current member. */
  async publicCoordinatingBody(
    em: EntityManager,
    councilId: string,
  ): Promise<{ id: string; name: string } | null> {
    const rows = (await em.query(
      `SELECT mb.id, mb.name FROM coordinating_body_designations d
         JOIN member_bodies mb ON mb.council_id = d.council_id AND mb.id = d.member_body_id
        WHERE d.council_id = $1 AND d.ended_at IS NULL AND ${MEMBER_BODY_CURRENT}`,
      [councilId],
    )) as { id: string; name: string }[];
    return rows[0] ?? null;
  }

  // ---- member bodies -------------------------------------------------------------------

  async insertMemberBody(
    em: EntityManager,
    councilId: string,
    b: { name: string; kind: MemberBodyKind; joinedOn: string },
    createdBy: string | null,
  ): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO member_bodies (council_id, name, kind, joined_on, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [councilId, b.name, b.kind, b.joinedOn, createdBy],
    )) as { id: string }[];
    return rows[0].id;
  }

  async findMemberBody(
    em: EntityManager,
    councilId: string,
    id: string,
    lock = false,
  ): Promise<MemberBodyRow | null> {
    const rows = (await em.query(
      `${MEMBER_BODY_SELECT} WHERE mb.council_id = $1 AND mb.id = $2${lock ? ' FOR UPDATE OF mb' : ''}`,
      [councilId, id],
    )) as MemberBodyRow[];
    return rows[0] ?? null;
  }

  async listMemberBodies(
    em: EntityManager,
    councilId: string,
    includeLeft: boolean,
    after: Position | null,
    limit: number,
  ): Promise<MemberBodyRow[]> {
    return (await em.query(
      `SELECT * FROM (${MEMBER_BODY_SELECT} WHERE mb.council_id = $1 AND ($2 OR mb.left_on IS NULL OR mb.left_on > current_date)) x
        WHERE ($3::text IS NULL OR ("createdAt", id) > ($3::text, $4::uuid))
        ORDER BY "createdAt", id LIMIT $5`,
      [councilId, includeLeft, after?.key ?? null, after?.id ?? null, limit + 1],
    )) as MemberBodyRow[];
  }

  async updateMemberBody(
    em: EntityManager,
    councilId: string,
    id: string,
    b: { name?: string; kind?: MemberBodyKind; joinedOn?: string },
  ): Promise<void> {
    await em.query(
      `UPDATE member_bodies SET name = COALESCE($3, name), kind = COALESCE($4, kind), joined_on = COALESCE($5, joined_on), updated_at = now()
        WHERE council_id = $1 AND id = $2`,
      [councilId, id, b.name ?? null, b.kind ?? null, b.joinedOn ?? null],
    );
  }

  async setMemberBodyLeft(
    em: EntityManager,
    councilId: string,
    id: string,
    leftOn: string,
  ): Promise<void> {
    await em.query(
      `UPDATE member_bodies SET left_on = $3, updated_at = now() WHERE council_id = $1 AND id = $2`,
      [councilId, id, leftOn],
    );
  }

  async endAssignmentsOfBody(
    em: EntityManager,
    councilId: string,
    memberBodyId: string,
    by: string,
  ): Promise<void> {
    await em.query(
      `UPDATE case_assignments SET ended_at = now(), ended_by = $3, end_reason = 'member_body_left'
        WHERE council_id = $1 AND member_body_id = $2 AND ended_at IS NULL`,
      [councilId, memberBodyId, by],
    );
  }

  // ---- coordinating body ---------------------------------------------------------------

  async currentDesignation(
    em: EntityManager,
    councilId: string,
  ): Promise<{ id: string; memberBodyId: string } | null> {
    const rows = (await em.query(
      `SELECT id, member_body_id AS "memberBodyId" FROM coordinating_body_designations WHERE council_id = $1 AND ended_at IS NULL`,
      [councilId],
    )) as { id: string; memberBodyId: string }[];
    return rows[0] ?? null;
  }

  async endDesignation(
    em: EntityManager,
    councilId: string,
    id: string,
    by: string,
    reason: 'replaced' | 'member_body_left',
  ): Promise<void> {
    await em.query(
      `UPDATE coordinating_body_designations SET ended_at = now(), ended_by = $3, end_reason = $4 WHERE council_id = $1 AND id = $2`,
      [councilId, id, by, reason],
    );
  }

  async insertDesignation(
    em: EntityManager,
    councilId: string,
    memberBodyId: string,
    by: string,
  ): Promise<void> {
    await em.query(
      `INSERT INTO coordinating_body_designations (council_id, member_body_id, designated_by) VALUES ($1, $2, $3)`,
      [councilId, memberBodyId, by],
    );
  }

  // ---- staff ---------------------------------------------------------------------------

  async countActiveCoordinators(em: EntityManager, councilId: string): Promise<number> {
    const rows = (await em.query(
      `SELECT count(*)::int AS n FROM staff st JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
        WHERE st.council_id = $1 AND st.role = 'coordinator' AND ${STAFF_ACTIVE}`,
      [councilId],
    )) as { n: number }[];
    return rows[0].n;
  }

  async insertStaff(
    em: EntityManager,
    councilId: string,
    s: { userId: string; memberBodyId: string; role: StaffRole },
    createdBy: string | null,
  ): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO staff (council_id, user_id, member_body_id, role, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [councilId, s.userId, s.memberBodyId, s.role, createdBy],
    )) as { id: string }[];
    return rows[0].id;
  }

  async findStaff(
    em: EntityManager,
    councilId: string,
    id: string,
    lock = false,
  ): Promise<StaffRow | null> {
    const rows = (await em.query(
      `${STAFF_SELECT} WHERE st.council_id = $1 AND st.id = $2${lock ? ' FOR UPDATE OF st' : ''}`,
      [councilId, id],
    )) as StaffRow[];
    return rows[0] ?? null;
  }

  async listStaff(
    em: EntityManager,
    councilId: string,
    active: boolean | null,
    after: Position | null,
    limit: number,
  ): Promise<StaffRow[]> {
    return (await em.query(
      `SELECT * FROM (${STAFF_SELECT} WHERE st.council_id = $1) x
        WHERE ($2::boolean IS NULL OR active = $2) AND ($3::text IS NULL OR ("createdAt", id) > ($3::text, $4::uuid))
        ORDER BY "createdAt", id LIMIT $5`,
      [councilId, active, after?.key ?? null, after?.id ?? null, limit + 1],
    )) as StaffRow[];
  }

  async updateStaff(
    em: EntityManager,
    councilId: string,
    id: string,
    s: { role?: StaffRole; memberBodyId?: string },
  ): Promise<void> {
    await em.query(
      `UPDATE staff SET role = COALESCE($3, role), member_body_id = COALESCE($4, member_body_id), updated_at = now()
        WHERE council_id = $1 AND id = $2`,
      [councilId, id, s.role ?? null, s.memberBodyId ?? null],
    );
  }

  async endStaff(
    em: EntityManager,
    councilId: string,
    id: string,
    endedOn: string,
    by: string,
  ): Promise<void> {
    await em.query(
      `UPDATE staff SET ended_on = $3, ended_by = $4, updated_at = now() WHERE council_id = $1 AND id = $2`,
      [councilId, id, endedOn, by],
    );
  }

  /** Ends every staff record of a leaving body no later than its leaving date; returns their users. */
  async endStaffOfBody(
    em: EntityManager,
    councilId: string,
    memberBodyId: string,
    leftOn: string,
    by: string,
  ): Promise<string[]> {
    const result = (await em.query(
      `UPDATE staff SET ended_on = GREATEST(started_on, $3::date), ended_by = $4, updated_at = now()
        WHERE council_id = $1 AND member_body_id = $2 AND (ended_on IS NULL OR ended_on > $3::date)
        RETURNING user_id AS "userId"`,
      [councilId, memberBodyId, leftOn, by],
    )) as [{ userId: string }[], number];
    return result[0].map((r) => r.userId);
  }

  // ---- pledges -------------------------------------------------------------------------

  async currentPledge(em: EntityManager, councilId: string): Promise<PledgeRow | null> {
    const rows = (await em.query(
      `SELECT version, text, published_at AS "publishedAt" FROM pledges WHERE council_id = $1 ORDER BY version DESC LIMIT 1`,
      [councilId],
    )) as PledgeRow[];
    return rows[0] ?? null;
  }

  async insertPledge(
    em: EntityManager,
    councilId: string,
    text: string,
    by: string | null,
  ): Promise<number> {
    const rows = (await em.query(
      `INSERT INTO pledges (council_id, version, text, published_by)
       VALUES ($1, COALESCE((SELECT max(version) FROM pledges WHERE council_id = $1), 0) + 1, $2, $3)
       RETURNING version`,
      [councilId, text, by],
    )) as { version: number }[];
    return rows[0].version;
  }

  async acceptance(
    em: EntityManager,
    councilId: string,
    staffId: string,
    version: number,
  ): Promise<Date | null> {
    const rows = (await em.query(
      `SELECT accepted_at AS "acceptedAt" FROM pledge_acceptances WHERE council_id = $1 AND staff_id = $2 AND version = $3`,
      [councilId, staffId, version],
    )) as { acceptedAt: Date }[];
    return rows[0]?.acceptedAt ?? null;
  }

  async recordAcceptance(
    em: EntityManager,
    councilId: string,
    staffId: string,
    version: number,
  ): Promise<Date> {
    const rows = (await em.query(
      `INSERT INTO pledge_acceptances (council_id, staff_id, version) VALUES ($1, $2, $3) RETURNING accepted_at AS "acceptedAt"`,
      [councilId, staffId, version],
    )) as { acceptedAt: Date }[];
    await em.query(
      `UPDATE staff SET pledged_at = $3, pledge_version = $4, updated_at = now() WHERE council_id = $1 AND id = $2`,
      [councilId, staffId, rows[0].acceptedAt, version],
    );
    return rows[0].acceptedAt;
  }
}

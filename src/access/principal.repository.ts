import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StaffRole } from '../councils/council.entity';

export interface ActiveStaffRow {
  id: string;
  memberBodyId: string;
  role: StaffRole;
  pledged: boolean;
}

/**
 * Reads the caller's current staff record in a council. Called on every council request, not
 * cached and not taken from the token, so ending a staff record or a body's membership, or a
 * new pledge version, takes effect on the very next request (DESIGN.md §2).
 */
@Injectable()
export class PrincipalRepository {
  constructor(private readonly dataSource: DataSource) {}

  async activeStaff(councilId: string, userId: string): Promise<ActiveStaffRow | null> {
    const rows = (await this.dataSource.query(
      `SELECT st.id, st.member_body_id AS "memberBodyId", st.role,
              COALESCE(st.pledge_version = (SELECT max(p.version) FROM pledges p WHERE p.council_id = st.council_id), false)
                AS pledged
         FROM staff st
         JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
        WHERE st.council_id = $1 AND st.user_id = $2
          AND (st.ended_on IS NULL OR st.ended_on > current_date)
          AND (mb.left_on IS NULL OR mb.left_on > current_date)`,
      [councilId, userId],
    )) as ActiveStaffRow[];
    return rows[0] ?? null;
  }

  async councilExists(councilId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM councils WHERE id = $1`, [
      councilId,
    ])) as unknown[];
    return rows.length > 0;
  }
}

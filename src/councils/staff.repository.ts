import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { StaffRole } from './council.entity';

export interface Membership {
  staffId: string;
  councilId: string;
  memberBodyId: string;
  role: StaffRole;
  pledgedAt: Date | null;
  active: boolean;
}

/**
 * A staff record is active while it has not ended and its member body has not left the
 * council (DESIGN.md §2: ending either ends access at once).
 */
export const ACTIVE_STAFF_SQL = `(st.ended_on IS NULL OR st.ended_on > current_date)
  AND (mb.left_on IS NULL OR mb.left_on > current_date)`;

@Injectable()
export class StaffRepository {
  constructor(private readonly dataSource: DataSource) {}

  async membershipsOf(userId: string, em?: EntityManager): Promise<Membership[]> {
    return (await (em ?? this.dataSource.manager).query(
      `SELECT st.id AS "staffId", st.council_id AS "councilId", st.member_body_id AS "memberBodyId", st.role,
              st.pledged_at AS "pledgedAt", (${ACTIVE_STAFF_SQL}) AS active
         FROM staff st
         JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
        WHERE st.user_id = $1
        ORDER BY st.created_at`,
      [userId],
    )) as Membership[];
  }
}

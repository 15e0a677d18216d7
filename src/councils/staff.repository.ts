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

  /** Read through the own-records RLS policy: app.user_id is set for this transaction only. */
  async membershipsOf(userId: string): Promise<Membership[]> {
    return this.dataSource.transaction((em) => this.membershipsIn(em, userId));
  }

  private async membershipsIn(em: EntityManager, userId: string): Promise<Membership[]> {
    await em.query(`SELECT set_config('app.user_id', $1, true)`, [userId]);
    return (await em.query(
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

import { Injectable } from '@nestjs/common';
import { RegisterScope } from '../access/council-scope';
import { staffInForce } from '../access/in-force';
import { StaffRole } from './council.types';

export interface Membership {
  staffId: string;
  councilId: string;
  memberBodyId: string;
  role: StaffRole;
  pledgedAt: Date | null;
  active: boolean;
}

/** A user's own staff records across councils (/api/me). */
@Injectable()
export class StaffRepository {
  /**
   * Read through the own-records RLS policy (the register scope carries `app.user_id`).
   * `active` is in-force.ts's definition: ending the record or the body's membership ends it.
   */
  async memberships(r: RegisterScope): Promise<Membership[]> {
    return (await r.em.query(
      `SELECT st.id AS "staffId", st.council_id AS "councilId", st.member_body_id AS "memberBodyId", st.role,
              st.pledged_at AS "pledgedAt", ${staffInForce('st', 'mb')} AS active
         FROM staff st
         JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
        WHERE st.user_id = $1
        ORDER BY st.created_at`,
      [r.userId],
    )) as Membership[];
  }
}

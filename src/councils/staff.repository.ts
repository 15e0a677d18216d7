import { Injectable } from '@nestjs/common';
import { RegisterScope } from '../access/council-scope';
import { prepared } from '../database/prepared';
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
   * Read through the SECURITY DEFINER function `directory_memberships` (migration
   * 1763780770000): no council is chosen yet, and RLS shows the application role one council at
   * a time. `active` is in-force.ts's definition: ending the record or the body's membership
   * ends it.
   */
  async memberships(r: RegisterScope): Promise<Membership[]> {
    return prepared<Membership>(
      r.em,
      'me_memberships',
      `SELECT staff_id AS "staffId", council_id AS "councilId", member_body_id AS "memberBodyId", role,
              pledged_at AS "pledgedAt", active
         FROM directory_memberships($1)`,
      [r.userId],
    );
  }
}

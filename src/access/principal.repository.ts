import { Injectable } from '@nestjs/common';
import { CouncilTransactions } from '../database/council-transactions';
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
  constructor(private readonly tx: CouncilTransactions) {}

  async lookup(
    councilId: string,
    userId: string,
  ): Promise<{ councilExists: boolean; staff: ActiveStaffRow | null }> {
    return this.tx.run(councilId, async (em) => {
      const council = (await em.query(`SELECT 1 FROM councils WHERE id = $1`, [
        councilId,
      ])) as unknown[];
      if (council.length === 0) return { councilExists: false, staff: null };
      const rows = (await em.query(
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
      return { councilExists: true, staff: rows[0] ?? null };
    });
  }
}

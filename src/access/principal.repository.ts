import { Injectable } from '@nestjs/common';
import { CouncilTransactions } from '../database/council-transactions';
import { StaffRole } from '../councils/council.types';
import { staffInForce } from './in-force';

export interface ActiveStaffRow {
  id: string;
  memberBodyId: string;
  role: StaffRole;
  pledged: boolean;
}

export interface PrincipalFacts {
  councilExists: boolean;
  /** Read from `users`, like everything else here: never from a token or a caller's say-so. */
  isSystemAdmin: boolean;
  staff: ActiveStaffRow | null;
  /** The staff roles this council requires a second factor of (councils.mfa_required_roles). */
  mfaRequiredRoles: StaffRole[];
  /** Whether the user has a confirmed, live TOTP factor. */
  mfaEnrolled: boolean;
}

/**
 * Reads what a principal is made of: the user's staff record in force in a council (in-force.ts)
 * and whether the user is a system admin. Called on every council request, not cached and not
 * taken from the token, so ending a staff record or a body's membership, or a new pledge
 * version, takes effect on the very next request (DESIGN.md §2).
 */
@Injectable()
export class PrincipalRepository {
  constructor(private readonly tx: CouncilTransactions) {}

  async lookup(councilId: string, userId: string): Promise<PrincipalFacts> {
    return this.tx.run(councilId, async (em) => {
      const [head] = (await em.query(
        `SELECT EXISTS (SELECT 1 FROM councils WHERE id = $1) AS "councilExists",
                COALESCE((SELECT u.is_system_admin FROM users u WHERE u.id = $2), false) AS "isSystemAdmin",
                COALESCE((SELECT c.mfa_required_roles FROM councils c WHERE c.id = $1), '{}') AS "mfaRequiredRoles",
                EXISTS (SELECT 1 FROM mfa_totp t WHERE t.user_id = $2 AND t.disabled_at IS NULL AND t.confirmed_at IS NOT NULL)
                  AS "mfaEnrolled"`,
        [councilId, userId],
      )) as {
        councilExists: boolean;
        isSystemAdmin: boolean;
        mfaRequiredRoles: StaffRole[];
        mfaEnrolled: boolean;
      }[];
      if (!head.councilExists) return { ...head, staff: null };
      const rows = (await em.query(
        `SELECT st.id, st.member_body_id AS "memberBodyId", st.role,
                COALESCE(st.pledge_version = (SELECT max(p.version) FROM pledges p WHERE p.council_id = st.council_id), false)
                  AS pledged
           FROM staff st
           JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
          WHERE st.council_id = $1 AND st.user_id = $2 AND ${staffInForce('st', 'mb')}`,
        [councilId, userId],
      )) as ActiveStaffRow[];
      return { ...head, staff: rows[0] ?? null };
    });
  }

  /** Whether the user is a system admin (for acting outside any council). */
  async isSystemAdmin(userId: string): Promise<boolean> {
    return this.tx.runUnscoped(async (em) => {
      const rows = (await em.query(
        `SELECT is_system_admin AS "isSystemAdmin" FROM users WHERE id = $1`,
        [userId],
      )) as { isSystemAdmin: boolean }[];
      return rows[0]?.isSystemAdmin ?? false;
    });
  }
}

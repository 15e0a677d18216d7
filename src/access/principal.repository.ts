import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CouncilTransactions } from '../database/council-transactions';
import type { QueryResultRow } from 'pg';
import { prepared, Statement } from '../database/prepared';
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

/** The same, with the session a request's token names (checked in the same statement). */
export interface SessionFacts extends PrincipalFacts {
  /** The session is live (not revoked, not expired) and belongs to the user. */
  sessionLive: boolean;
  email: string | null;
  /** An operator set the password (CLI create-admin): PASSWORD_CHANGE_REQUIRED until changed. */
  mustChangePassword: boolean;
}

interface FactsRow {
  councilExists: boolean;
  isSystemAdmin: boolean | null;
  email: string | null;
  mustChangePassword: boolean | null;
  sessionLive: boolean;
  mfaRequiredRoles: StaffRole[] | null;
  mfaEnrolled: boolean;
  staffId: string | null;
  memberBodyId: string | null;
  role: StaffRole | null;
  pledged: boolean | null;
}

/**
 * Everything a council request needs to know about its caller, in one statement (issue 15): is
 * the token's session live, does the council exist, is the user a system admin, the user's staff
 * record in force in the council (in-force.ts) and whether it has accepted the council's latest
 * pledge, and the second-factor facts of issue 13 (the roles the council requires one of, and
 * whether the user has a confirmed, live TOTP factor). Run as the first statement of the council
 * transaction (RLS scopes the staff lookup).
 * $1 council, $2 user, $3 session (NULL for callers without HTTP: `sessionLive` is then false
 * and not asked about).
 */
export const PRINCIPAL_FACTS_SQL = `
  SELECT c.id IS NOT NULL AS "councilExists",
         u.is_system_admin AS "isSystemAdmin", u.email,
         u.must_change_password AS "mustChangePassword",
         s.id IS NOT NULL AS "sessionLive",
         c.mfa_required_roles AS "mfaRequiredRoles",
         EXISTS (SELECT 1 FROM mfa_totp t
                  WHERE t.user_id = me.id AND t.disabled_at IS NULL AND t.confirmed_at IS NOT NULL)
           AS "mfaEnrolled",
         st.id AS "staffId", st.member_body_id AS "memberBodyId", st.role, st.pledged
    FROM (SELECT $2::uuid AS id) me
    LEFT JOIN councils c ON c.id = $1
    LEFT JOIN users u ON u.id = me.id
    LEFT JOIN auth_sessions s ON s.id = $3::uuid AND s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > now()
    LEFT JOIN LATERAL (
      SELECT st.id, st.member_body_id, st.role,
             COALESCE(st.pledge_version = (SELECT max(p.version) FROM pledges p WHERE p.council_id = st.council_id), false) AS pledged
        FROM staff st
        JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
       WHERE st.council_id = $1 AND st.user_id = me.id AND ${staffInForce('st', 'mb')}
       LIMIT 1) st ON true`;

/**
 * Reads what a principal is made of: the user's staff record in force in a council (in-force.ts)
 * and whether the user is a system admin. Called on every council request, not cached and not
 * taken from the token, so ending a staff record or a body's membership, or a new pledge
 * version, takes effect on the very next request (DESIGN.md §2).
 */
@Injectable()
export class PrincipalRepository {
  constructor(private readonly tx: CouncilTransactions) {}

  /** In a transaction of its own (callers without HTTP). */
  async lookup(councilId: string, userId: string): Promise<PrincipalFacts> {
    return this.tx.run(councilId, (em) => this.facts(em, councilId, userId, null));
  }

  /** Inside an open council transaction (`em`, scoped to `councilId`), with the session. */
  async facts(
    em: EntityManager,
    councilId: string,
    userId: string,
    sessionId: string | null,
  ): Promise<SessionFacts> {
    const { text, values } = this.factsStatement(councilId, userId, sessionId);
    const [row] = await prepared<FactsRow>(em, 'principal_facts', text, values);
    return this.toFacts(row);
  }

  /**
   * The statement `facts` runs, for a caller that sends it with others in one round trip (the
   * guard: BEGIN, the council setting and this, issue 15); `toFacts` reads its row.
   */
  factsStatement(councilId: string, userId: string, sessionId: string | null): Statement {
    return {
      label: 'principal_facts',
      text: PRINCIPAL_FACTS_SQL,
      values: [councilId, userId, sessionId],
    };
  }

  toFacts(r: QueryResultRow): SessionFacts {
    const row = r as FactsRow;
    return {
      councilExists: row.councilExists,
      isSystemAdmin: row.isSystemAdmin ?? false,
      email: row.email,
      mustChangePassword: row.mustChangePassword ?? false,
      sessionLive: row.sessionLive,
      mfaRequiredRoles: row.mfaRequiredRoles ?? [],
      mfaEnrolled: row.mfaEnrolled,
      staff:
        row.councilExists && row.staffId
          ? {
              id: row.staffId,
              memberBodyId: row.memberBodyId!,
              role: row.role!,
              pledged: row.pledged ?? false,
            }
          : null,
    };
  }

  /** Whether the user is a system admin (for acting outside any council). */
  async isSystemAdmin(userId: string): Promise<boolean> {
    return this.tx.runUnscoped(async (em) => {
      const rows = await prepared<{ isSystemAdmin: boolean }>(
        em,
        'user_is_admin',
        `SELECT is_system_admin AS "isSystemAdmin" FROM users WHERE id = $1`,
        [userId],
      );
      return rows[0]?.isSystemAdmin ?? false;
    });
  }
}

import { Injectable } from '@nestjs/common';
import { CouncilScope, InvitationScope, RegisterScope } from '../access/council-scope';
import { StaffRole } from './council.types';

export interface MyInvitationRow {
  id: string;
  councilId: string;
  councilName: string;
  role: StaffRole;
  expiresAt: Date;
}

/**
 * The only file that queries `staff_invitations`. Issuing and revoking happen in a council's
 * scope (AccessService.use / .operator); accepting and declining in the invitation's scope
 * (AccessService.invitation); a user's own open invitations are read in the register scope,
 * through the own-invitations policy (their e-mail).
 */
@Injectable()
export class InvitationsRepository {
  async insert(
    s: CouncilScope,
    inv: {
      staffId: string;
      email: string;
      displayName: string;
      role: StaffRole;
      tokenHash: Buffer;
      ttlHours: number;
      createdBy: string | null;
    },
  ): Promise<{ id: string; expiresAt: Date }> {
    const rows = (await s.em.query(
      `INSERT INTO staff_invitations (council_id, staff_id, email, display_name, role, token_hash, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(hours => $7), $8)
       RETURNING id, expires_at AS "expiresAt"`,
      [
        s.councilId,
        inv.staffId,
        inv.email,
        inv.displayName,
        inv.role,
        inv.tokenHash,
        inv.ttlHours,
        inv.createdBy,
      ],
    )) as { id: string; expiresAt: Date }[];
    return rows[0];
  }

  /** Whether an open (unexpired, unanswered) invitation of the council names this address. */
  async openFor(s: CouncilScope, email: string): Promise<boolean> {
    const rows = (await s.em.query(
      `SELECT 1 FROM staff_invitations i JOIN staff st ON st.council_id = i.council_id AND st.id = i.staff_id
        WHERE i.council_id = $1 AND i.email = $2 AND i.accepted_at IS NULL AND i.declined_at IS NULL
          AND i.revoked_at IS NULL AND i.expires_at > now() AND st.ended_on IS NULL`,
      [s.councilId, email],
    )) as unknown[];
    return rows.length > 0;
  }

  /** The staff records' open invitations can no longer be accepted (the records ended). */
  async revokeForStaff(s: CouncilScope, staffIds: string[]): Promise<void> {
    if (staffIds.length === 0) return;
    await s.em.query(
      `UPDATE staff_invitations SET revoked_at = now()
        WHERE council_id = $1 AND staff_id = ANY($2::uuid[])
          AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL`,
      [s.councilId, staffIds],
    );
  }

  /**
   * The invitee's account takes the record: from now on it is in force (in-force.ts) — from
   * today — and the invitation is spent.
   */
  async accept(i: InvitationScope, userId: string): Promise<void> {
    await i.em.query(
      `UPDATE staff SET user_id = $3, accepted_at = now(), started_on = GREATEST(started_on, current_date), updated_at = now()
        WHERE council_id = $1 AND id = $2`,
      [i.councilId, i.invitation.staffId, userId],
    );
    await i.em.query(
      `UPDATE staff_invitations SET accepted_at = now(), accepted_by = $3 WHERE council_id = $1 AND id = $2`,
      [i.councilId, i.invitation.id, userId],
    );
  }

  /** Declined: the record ends today, never having granted anything. */
  async decline(i: InvitationScope): Promise<void> {
    await i.em.query(
      `UPDATE staff SET ended_on = GREATEST(started_on, current_date), end_reason = 'declined', updated_at = now()
        WHERE council_id = $1 AND id = $2`,
      [i.councilId, i.invitation.staffId],
    );
    await i.em.query(
      `UPDATE staff_invitations SET declined_at = now() WHERE council_id = $1 AND id = $2`,
      [i.councilId, i.invitation.id],
    );
  }

  /** The register scope's user's open invitations across councils (own-invitations policy). */
  async mine(r: RegisterScope): Promise<MyInvitationRow[]> {
    return (await r.em.query(
      `SELECT i.id, i.council_id AS "councilId", c.name AS "councilName", i.role, i.expires_at AS "expiresAt"
         FROM staff_invitations i JOIN councils c ON c.id = i.council_id
        WHERE i.accepted_at IS NULL AND i.declined_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
        ORDER BY i.created_at`,
    )) as MyInvitationRow[];
  }
}

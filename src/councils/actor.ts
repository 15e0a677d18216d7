import { StaffRole } from './council.entity';

/**
 * Who performs a council use case: the request's principal, or the seed acting as one. The
 * optional parts feed the audit event (member body, request id).
 */
export interface Actor {
  userId: string;
  actingAs: StaffRole | 'system_admin';
  staff?: { memberBodyId: string } | null;
  requestId?: string | null;
}

export const auditActor = (
  a: Actor,
): { userId: string; role: string; memberBodyId: string | null } => ({
  userId: a.userId,
  role: a.actingAs,
  memberBodyId: a.staff?.memberBodyId ?? null,
});

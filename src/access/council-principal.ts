import { StaffRole } from '../councils/council.types';
import type { AppAbility } from './ability.factory';

/** The caller as seen inside one council, resolved from the live staff record on every request. */
export interface CouncilPrincipal {
  councilId: string;
  userId: string;
  /**
   * The role this request acts in. `operator`: a procedure run with database access (the CLI's
   * council recovery), never an HTTP caller; its ability grants nothing.
   */
  actingAs: StaffRole | 'system_admin' | 'operator';
  /** The current staff record; null when a system admin acts on structure without one. */
  staff: {
    id: string;
    memberBodyId: string;
    role: StaffRole;
    pledged: boolean;
  } | null;
  /** The CASL ability built for this request from policies/<role>.yaml. */
  ability: AppAbility;
  requestId: string | null;
}

/** The audit actor of a principal. */
export const actorOf = (
  p: CouncilPrincipal,
): { userId: string | null; role: string; memberBodyId: string | null } => ({
  userId: p.actingAs === 'operator' ? null : p.userId,
  role: p.actingAs,
  memberBodyId: p.staff?.memberBodyId ?? null,
});

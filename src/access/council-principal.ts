import { StaffRole } from '../councils/council.entity';

/** The caller as seen inside one council, resolved from the live staff record on every request. */
export interface CouncilPrincipal {
  councilId: string;
  userId: string;
  /** The role this request acts in. */
  actingAs: StaffRole | 'system_admin';
  /** The current staff record; null when a system admin acts on structure without one. */
  staff: {
    id: string;
    memberBodyId: string;
    role: StaffRole;
    pledged: boolean;
  } | null;
}

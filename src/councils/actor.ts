import { StaffRole } from './council.entity';

/** Who performs a council use case: the request's principal, or the seed acting as one. */
export interface Actor {
  userId: string;
  actingAs: StaffRole | 'system_admin';
}

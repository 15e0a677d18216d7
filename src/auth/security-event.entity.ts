import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SecurityAction =
  | 'auth.login'
  | 'auth.refresh'
  | 'auth.logout'
  | 'auth.password_change'
  | 'auth.token_rejected'
  // Second factor (issue 13): the code step of a login, enrolment, confirmation, disabling.
  | 'auth.mfa'
  | 'auth.mfa_enroll'
  | 'auth.mfa_confirm'
  | 'auth.mfa_disable'
  // Password reset by e-mail, and accepting an invitation with a new account.
  | 'auth.password_reset_request'
  | 'auth.password_reset'
  | 'auth.invitation_accept'
  // Platform clients (DESIGN.md §3.6): registration, revocation and every token request.
  | 'platform.client_create'
  | 'platform.client_revoke'
  | 'platform.token';

/** Append-only (a trigger rejects UPDATE, DELETE and TRUNCATE). Identifiers only. */
@Entity({ name: 'security_events' })
export class SecurityEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz', insert: false, update: false })
  at!: Date;

  @Column({ type: 'text' })
  action!: SecurityAction;

  @Column({ type: 'text' })
  outcome!: 'allowed' | 'denied';

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'source_ip', type: 'text', nullable: true })
  sourceIp!: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ name: 'platform_client_id', type: 'uuid', nullable: true })
  platformClientId!: string | null;
}

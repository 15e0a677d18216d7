import type { QueryResultRow } from 'pg';
import { EntityManager } from 'typeorm';
import type { StaffRole } from '../councils/council.types';
import { batch, prepared, Statement } from '../database/prepared';

export type { Statement };
import type { CouncilPrincipal } from './council-principal';

/**
 * The brand that only the access layer can put on a scope. Not exported: outside this file a
 * `CouncilScope` cannot be written as a literal, so a repository method that takes one can only
 * be reached through `AccessService.use` (CONVENTIONS.md example 4, Novu's enforce type).
 */
declare const scopeBrand: unique symbol;

/**
 * One council transaction as the access layer opened it: `app.council_id` is set (RLS, DESIGN.md
 * §3.3), the row the use case declared has passed the policy for its action, and the audit event
 * will be written last in this same transaction (§3.4). Repositories take this and nothing else.
 */
export interface CouncilScope {
  readonly [scopeBrand]: true;
  /** The transaction's manager: the only way a repository reaches tenant tables. */
  readonly em: EntityManager;
  readonly councilId: string;
  readonly principal: CouncilPrincipal;
  /**
   * Runs `text` in this transaction as a named prepared statement (`label` plus a hash of the
   * text: database/prepared.ts), planned once per connection; answers its rows (RETURNING rows
   * for writes).
   */
  query<T extends QueryResultRow>(label: string, text: string, values: unknown[]): Promise<T[]>;
  /**
   * Several such statements in one round trip (issue 15: database/prepared.ts `batch`), run in
   * order, stopping at the first error; answers each one's rows, in order.
   */
  batch(statements: Statement[]): Promise<QueryResultRow[][]>;
}

/** For the access layer only (src/access): ESLint refuses this import anywhere else. */
export function sealScope(
  em: EntityManager,
  councilId: string,
  principal: CouncilPrincipal,
): CouncilScope {
  return {
    em,
    councilId,
    principal,
    query: <T extends QueryResultRow>(label: string, text: string, values: unknown[]) =>
      prepared<T>(em, label, text, values),
    batch: (statements: Statement[]) => batch(em, statements),
  } as unknown as CouncilScope;
}

declare const invitationBrand: unique symbol;

/** An invitation as the access layer loaded it (locked, in its council's transaction). */
export interface InvitationFacts {
  id: string;
  councilId: string;
  councilName: string;
  staffId: string;
  /** The address invited (never an account's profile). */
  email: string;
  displayName: string;
  role: StaffRole;
  memberBodyId: string;
  expiresAt: Date;
  state: 'pending' | 'expired' | 'accepted' | 'declined' | 'revoked';
  /** Its staff record is still pending and not ended, and the body is in force today. */
  open: boolean;
}

/**
 * One invitation's council transaction, opened for someone who is not (yet) a principal of that
 * council — the invitee accepting or declining (AccessService.invitation). `app.council_id` is
 * set (RLS); the invitation and its staff record are locked; the audit event is written last.
 */
export interface InvitationScope {
  readonly [invitationBrand]: true;
  readonly em: EntityManager;
  readonly councilId: string;
  readonly invitation: InvitationFacts;
}

/** For the access layer only (src/access). */
export function sealInvitation(em: EntityManager, invitation: InvitationFacts): InvitationScope {
  return { em, councilId: invitation.councilId, invitation } as unknown as InvitationScope;
}

declare const publicBrand: unique symbol;
declare const registerBrand: unique symbol;

/**
 * One council's public register entry (公示, 施行規則 Art. 1) read without a principal:
 * `app.council_id` is set, but only what the notice publishes may be read through it — the
 * council's name, municipalities, coordinating body and current member bodies.
 */
export interface PublicScope {
  readonly [publicBrand]: true;
  readonly em: EntityManager;
  readonly councilId: string;
}

declare const systemBrand: unique symbol;

/**
 * A council transaction the installation opened on its own account (a scheduled job, an
 * operator's CLI command): `app.council_id` is set, there is no caller and so no policy, and
 * `AccessService.system` writes the audit event last. Repositories that serve both callers and
 * the installation take `CouncilScope | SystemScope`.
 */
export interface SystemScope {
  readonly [systemBrand]: true;
  readonly em: EntityManager;
  readonly councilId: string;
}

/**
 * A transaction that belongs to no one council (AccessService.register): the register of
 * councils, and — when `userId` is set — that user's own staff records across councils
 * (`directory_memberships`) and open invitations (RLS `app.user_id`). `council(id)` re-scopes it
 * to one council's public entry.
 */
export interface RegisterScope {
  readonly [registerBrand]: true;
  readonly em: EntityManager;
  readonly userId: string | null;
  council(councilId: string): Promise<PublicScope>;
}

/** For the access layer only (src/access). */
export function sealPublic(em: EntityManager, councilId: string): PublicScope {
  return { em, councilId } as unknown as PublicScope;
}

/** For the access layer only (src/access). */
export function sealRegister(
  em: EntityManager,
  userId: string | null,
  council: (councilId: string) => Promise<PublicScope>,
): RegisterScope {
  return { em, userId, council } as unknown as RegisterScope;
}

/** For the access layer only (src/access). */
export function sealSystemScope(em: EntityManager, councilId: string): SystemScope {
  return { em, councilId } as unknown as SystemScope;
}

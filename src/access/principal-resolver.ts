import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { notFound } from '../common/errors/domain-error';
import { AbilityFactory } from './ability.factory';
import { CouncilPrincipal } from './council-principal';
import { ActiveStaffRow, PrincipalFacts, PrincipalRepository } from './principal.repository';

export interface Candidates {
  councilExists: boolean;
  /** The user's staff record in force in the council, if any. */
  staff: ActiveStaffRow | null;
  /** The roles the user may act in here, in the order they are tried: staff role, system admin. */
  candidates: CouncilPrincipal[];
  /**
   * The staff record's role needs a second factor here and the user has none (issue 13): the
   * guard answers 403 MFA_REQUIRED on every route of the council until they enrol.
   */
  mfaMissing: boolean;
}

/**
 * The one place a principal is made (issue 12): the live staff record (in force, in-force.ts)
 * → its role's CASL ability, or the system admin's. The guard resolves every request through
 * it, and callers without HTTP (the demo seed, test factories, benchmarks) get their principal
 * from it too, so they act under exactly the policies the API enforces — never a principal
 * written by hand.
 */
@Injectable()
export class PrincipalResolver {
  constructor(
    private readonly principals: PrincipalRepository,
    private readonly abilities: AbilityFactory,
  ) {}

  /** Everyone `userId` may act as inside `councilId` (the guard picks the first that may act). */
  async candidates(
    userId: string,
    councilId: string,
    requestId: string | null,
  ): Promise<Candidates> {
    const facts = await this.principals.lookup(councilId, userId);
    return this.fromFacts(userId, councilId, facts, requestId);
  }

  /** The same, from facts read already (the guard reads them with the session check). */
  fromFacts(
    userId: string,
    councilId: string,
    { councilExists, isSystemAdmin, staff, mfaRequiredRoles, mfaEnrolled }: PrincipalFacts,
    requestId: string | null,
  ): Candidates {
    const candidates: CouncilPrincipal[] = [];
    if (staff) candidates.push(this.build(userId, councilId, staff.role, staff, requestId));
    if (isSystemAdmin && councilExists)
      candidates.push(this.build(userId, councilId, 'system_admin', null, requestId));
    const mfaMissing = !!staff && mfaRequiredRoles.includes(staff.role) && !mfaEnrolled;
    return { councilExists, staff, candidates, mfaMissing };
  }

  /**
   * The principal a caller without HTTP acts as in a council: the user's staff record in force,
   * or — with `asSystemAdmin` — the system admin role (only for a user who is one). Anything
   * else answers as the API would: 404 for the council.
   */
  async forCouncil(
    userId: string,
    councilId: string,
    opts: { asSystemAdmin?: boolean; requestId?: string | null } = {},
  ): Promise<CouncilPrincipal> {
    const { candidates } = await this.candidates(userId, councilId, opts.requestId ?? null);
    const wanted = opts.asSystemAdmin ? 'system_admin' : 'staff';
    const p = candidates.find(
      (c) => (c.actingAs === 'system_admin') === (wanted === 'system_admin'),
    );
    if (!p) throw notFound('Council');
    return p;
  }

  /**
   * A system admin acting outside any council (creating one; platform clients), or null for
   * anyone else. Its `councilId` is fresh: the id a council founded by this request gets, so
   * the founding transaction is scoped (RLS) to the council it creates.
   */
  async outsideCouncils(
    userId: string,
    requestId: string | null,
  ): Promise<CouncilPrincipal | null> {
    if (!(await this.principals.isSystemAdmin(userId))) return null;
    return this.build(userId, randomUUID(), 'system_admin', null, requestId);
  }

  private build(
    userId: string,
    councilId: string,
    actingAs: Exclude<CouncilPrincipal['actingAs'], 'operator'>,
    staff: ActiveStaffRow | null,
    requestId: string | null,
  ): CouncilPrincipal {
    return {
      councilId,
      userId,
      actingAs,
      staff,
      ability: this.abilities.build({
        role: actingAs,
        userId,
        councilId,
        staffId: staff?.id ?? null,
        memberBodyId: staff?.memberBodyId ?? null,
      }),
      requestId,
    };
  }
}

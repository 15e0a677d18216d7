import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-docs';
import type { Request } from 'express';
import { AuthUser } from '../auth/auth.types';
import { AuditInput, AuditService } from '../audit/audit.service';
import { CouncilTransaction, CouncilTransactions } from '../database/council-transactions';
import { DomainError, forbidden, notFound } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { CouncilPrincipal } from './council-principal';
import { Action, PLEDGE_SUBJECTS, SubjectType } from './policy-catalog';
import { PrincipalResolver } from './principal-resolver';
import { SessionFacts } from './principal.repository';

interface AuthorizeMeta {
  action: Action;
  subject: SubjectType;
}

const AUTHORIZE = 'access:authorize';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A request on its way through the guards. */
export type CouncilRequest = Request & {
  user: AuthUser;
  id?: string;
  access?: CouncilPrincipal;
  /**
   * On a council route, what JwtAuthGuard read in the request's council transaction (issue 15):
   * the caller's facts, with the session checked in the same statement.
   */
  council?: { councilId: string; tx: CouncilTransaction; facts: SessionFacts };
};
type AccessRequest = CouncilRequest;

/**
 * The council a route acts in, when it is a council route the access layer guards: declared
 * with @Authorize and with a well-formed `:councilId` (lower case). Anything else: null (a
 * malformed id is AuthorizeGuard's 404).
 */
export function councilOfRoute(
  reflector: Reflector,
  context: ExecutionContext,
  req: Request,
): string | null {
  const raw = (req.params as Record<string, unknown> | undefined)?.councilId;
  if (typeof raw !== 'string' || !UUID.test(raw)) return null;
  return reflector.get<AuthorizeMeta | undefined>(AUTHORIZE, context.getHandler())
    ? raw.toLowerCase()
    : null;
}

/** `MemberBody` → `member_body`: the subject part of audit action names. */
export const auditSubject = (subject: SubjectType): string =>
  subject.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * The access layer's entry (DESIGN.md §4): resolves the caller inside `:councilId` through the
 * PrincipalResolver (live staff record → CASL ability from policies/<role>.yaml, or the system
 * admin's), and checks the declared (action, subject). Outside the caller's visibility → 404
 * (§3.2); visible but not permitted → 403; case, meeting and audit subjects without the current
 * pledge → 403 PLEDGE_REQUIRED. Every denial is audited in its own transaction. Row-level
 * conditions are applied later by the access primitive (AccessService.use) and repositories.
 */
@Injectable()
export class AuthorizeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly principals: PrincipalResolver,
    private readonly audit: AuditService,
    private readonly tx: CouncilTransactions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const meta = this.reflector.get<AuthorizeMeta | undefined>(AUTHORIZE, context.getHandler());
    if (!meta) throw forbidden('No access policy is declared for this route'); // closed by default
    const req = context.switchToHttp().getRequest<AccessRequest>();
    const user = req.user;
    const requestId = req.id ? String(req.id) : null;

    if (!('councilId' in req.params)) {
      // Routes before any council exists (creating one): only the system admin's policy applies.
      const operator = await this.principals.outsideCouncils(user.userId, requestId);
      if (!operator?.ability.can(meta.action, meta.subject)) throw forbidden();
      req.access = operator;
      return true;
    }

    const raw = req.params.councilId;
    if (typeof raw !== 'string' || !UUID.test(raw)) throw notFound('Council');
    const councilId = raw.toLowerCase();
    // JwtAuthGuard read the caller's facts in the request's council transaction; without them
    // (a caller that bypassed it), they are read here in a transaction of their own.
    const opened = req.council?.councilId === councilId ? req.council : undefined;
    const { councilExists, staff, candidates, mfaMissing } = opened
      ? this.principals.fromFacts(user.userId, councilId, opened.facts, requestId)
      : await this.principals.candidates(user.userId, councilId, requestId);
    const action = `${auditSubject(meta.subject)}.${meta.action}`;
    const deny = async (reason: string, actingAs: string | null): Promise<void> => {
      if (!councilExists) {
        await opened?.tx.abandon();
        return;
      }
      const event: Omit<AuditInput, 'outcome'> = {
        councilId,
        actor: { userId: user.userId, role: actingAs, memberBodyId: staff?.memberBodyId ?? null },
        action,
        reason,
        requestId,
      };
      // Nothing but reading happened in the request's transaction: the denial is its only write.
      if (opened?.tx.claim()) {
        await this.tx.complete(opened.tx, (tx) =>
          this.audit.record(tx.em, { ...event, outcome: 'denied' }),
        );
      } else {
        await this.audit.recordDenial(event);
      }
    };

    if (candidates.length === 0) {
      await deny('not_visible', null);
      throw notFound('Council');
    }
    // The council requires a second factor of this role (PUT …/security): nothing in the
    // council until the caller enrols one (POST /api/me/mfa/totp), which is not a council route.
    if (mfaMissing) {
      await deny('mfa_required', candidates[0].actingAs);
      throw new DomainError(
        403,
        ErrorCode.MfaRequired,
        'This council requires a second factor for your role: enrol one at POST /api/me/mfa/totp',
      );
    }

    for (const candidate of candidates) {
      if (!candidate.ability.can(meta.action, meta.subject)) continue;
      if (PLEDGE_SUBJECTS.has(meta.subject) && !candidate.staff?.pledged) {
        await deny('pledge_required', candidate.actingAs);
        throw pledgeRequired();
      }
      req.access = candidate;
      // The access primitive takes the request's transaction for this principal only.
      if (opened) opened.tx.owner = candidate;
      return true;
    }
    await deny('forbidden', candidates[0].actingAs);
    throw forbidden();
  }
}

/** 403 PLEDGE_REQUIRED: case, meeting and audit content only after the current pledge (Art. 18). */
export const pledgeRequired = (): DomainError =>
  new DomainError(
    403,
    ErrorCode.PledgeRequired,
    'Accept the council’s current confidentiality pledge first',
  );

/**
 * Declares the (action, subject) a route performs; the guard refuses routes without it. Object
 * conditions are applied by the repository's SQL filter for the same (action, subject).
 */
export const Authorize = (action: Action, subject: SubjectType): MethodDecorator =>
  applyDecorators(
    SetMetadata(AUTHORIZE, { action, subject } satisfies AuthorizeMeta),
    UseGuards(AuthorizeGuard),
    ApiBearerAuth(),
    // 404 outside visibility, 403 visible but not permitted (DESIGN.md §3.2).
    ApiErrors(401, 403, 404),
  );

/** The council principal the guard resolved (with its ability). */
export const Principal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): CouncilPrincipal => {
    const access = ctx.switchToHttp().getRequest<AccessRequest>().access;
    if (!access) throw forbidden('No council context'); // a route without @Authorize on a council path
    return access;
  },
);

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
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthUser } from '../auth/auth.types';
import { DomainError, forbidden, notFound } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { StaffRole } from '../councils/council.entity';
import { CouncilPrincipal } from './council-principal';
import { PrincipalRepository } from './principal.repository';

export interface CouncilAccessRule {
  /** Staff roles that may use the route. */
  roles: readonly StaffRole[];
  /** A system admin without a staff record may use it (council structure only, never cases). */
  systemAdmin?: boolean;
  /** The caller must have accepted the council's current pledge (case, meeting, audit routes). */
  pledge?: boolean;
}

const COUNCIL_ACCESS = 'access:council';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type CouncilRequest = Request & { user: AuthUser; council?: CouncilPrincipal };

/**
 * Resolves who the caller is in `:councilId`. A council the caller has no current place in is
 * answered 404, whether it exists or not (DESIGN.md §3.2); a visible council with a route the
 * role may not use is 403; a missing pledge is 403 PLEDGE_REQUIRED.
 */
@Injectable()
export class CouncilAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly principals: PrincipalRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get<CouncilAccessRule | undefined>(
      COUNCIL_ACCESS,
      context.getHandler(),
    );
    if (!rule) throw forbidden('No access rule is declared for this route'); // closed by default
    const req = context.switchToHttp().getRequest<CouncilRequest>();
    const councilId = req.params.councilId;
    if (typeof councilId !== 'string' || !UUID.test(councilId)) throw notFound('Council');
    const councilIdLower = councilId.toLowerCase();

    const staff = await this.principals.activeStaff(councilIdLower, req.user.userId);
    const asSystemAdmin =
      req.user.isSystemAdmin && (await this.principals.councilExists(councilIdLower));
    if (!staff && !asSystemAdmin) throw notFound('Council');

    if (staff && rule.roles.includes(staff.role)) {
      if (rule.pledge && !staff.pledged) {
        throw new DomainError(
          403,
          ErrorCode.PledgeRequired,
          'Accept the council’s current confidentiality pledge first',
        );
      }
      req.council = {
        councilId: councilIdLower,
        userId: req.user.userId,
        actingAs: staff.role,
        staff,
      };
      return true;
    }
    if (asSystemAdmin && rule.systemAdmin) {
      req.council = {
        councilId: councilIdLower,
        userId: req.user.userId,
        actingAs: 'system_admin',
        staff,
      };
      return true;
    }
    throw forbidden();
  }
}

/** Declares who may use a council route; without it, the guard refuses the route. */
export const CouncilAccess = (rule: CouncilAccessRule): MethodDecorator =>
  applyDecorators(
    SetMetadata(COUNCIL_ACCESS, rule),
    UseGuards(CouncilAccessGuard),
    ApiBearerAuth(),
    ApiNotFoundResponse({ description: 'Outside the caller’s visibility (or does not exist)' }),
    ApiForbiddenResponse({ description: 'FORBIDDEN or PLEDGE_REQUIRED' }),
  );

export const Principal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): CouncilPrincipal => {
    const council = ctx.switchToHttp().getRequest<CouncilRequest>().council;
    if (!council) throw forbidden('No council context'); // a route without @CouncilAccess
    return council;
  },
);

export const ALL_STAFF_ROLES: readonly StaffRole[] = ['coordinator', 'agency_staff', 'auditor'];

import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-docs';
import type { Request } from 'express';
import { AbilityFactory } from '../access/ability.factory';
import { Action, SubjectType } from '../access/policy-catalog';
import { Public } from '../auth/public.decorator';
import { forbidden, unauthenticated } from '../common/errors/domain-error';
import { PlatformClientsService } from './platform-clients.service';
import { PlatformClient } from './platform-token';

interface PlatformAuthorizeMeta {
  action: Action;
  subject: SubjectType;
}

export const PLATFORM_AUTHORIZE = 'platform:authorize';

type PlatformRequest = Request & { platformClient?: PlatformClient };

/**
 * The platform's own door (DESIGN.md §3.6). It accepts platform client tokens only — signed with
 * the platform key, for the platform audience, of a client that is not revoked — and checks the
 * route's (action, subject) against policies/platform_client.yaml, so the policy file stays the
 * source of truth for what a client may do. A user's access token fails verification here.
 */
@Injectable()
export class PlatformTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly clients: PlatformClientsService,
    private readonly abilities: AbilityFactory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const meta = this.reflector.get<PlatformAuthorizeMeta | undefined>(
      PLATFORM_AUTHORIZE,
      context.getHandler(),
    );
    if (!meta) throw forbidden('No access policy is declared for this route'); // closed by default
    const req = context.switchToHttp().getRequest<PlatformRequest>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
    const client = match ? await this.clients.authenticate(match[1]) : null;
    if (!client) throw unauthenticated();
    const ability = this.abilities.build({
      role: 'platform_client',
      userId: client.id,
      councilId: null,
      staffId: null,
      memberBodyId: null,
    });
    if (!ability.can(meta.action, meta.subject)) throw forbidden();
    req.platformClient = client;
    return true;
  }
}

/**
 * A route for platform client tokens. It is @Public() only towards the global user-token guard
 * (which could not verify a platform token anyway); PlatformTokenGuard is what protects it.
 */
export const PlatformAuthorize = (action: Action, subject: SubjectType): MethodDecorator =>
  applyDecorators(
    Public(),
    SetMetadata(PLATFORM_AUTHORIZE, { action, subject } satisfies PlatformAuthorizeMeta),
    UseGuards(PlatformTokenGuard),
    ApiBearerAuth('platform'),
    // 401: no valid platform client token; 403: not allowed by policies/platform_client.yaml.
    ApiErrors(401, 403),
  );

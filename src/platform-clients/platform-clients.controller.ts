import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiPageResponse } from '../common/http/api-docs';
import { ApiCreatedResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../access/authorize';
import { AuthUser, RequestOrigin } from '../auth/auth.types';
import { CurrentUser, Origin } from '../auth/current-user.decorator';
import { IdParam } from '../common/http/id-param';
import { Page, PageQueryDto } from '../common/http/pagination';
import {
  CreatePlatformClientDto,
  PlatformClientDto,
  PlatformClientSecretDto,
} from './dto/platform-clients.dto';
import { PlatformClientsService } from './platform-clients.service';

/** The operator's side: registering and revoking platform clients (system_admin policy). */
@ApiTags('platform')
@Controller('platform/clients')
export class PlatformClientsController {
  constructor(private readonly clients: PlatformClientsService) {}

  @Post()
  @Authorize('create', 'PlatformClient')
  @ApiCreatedResponse({ type: PlatformClientSecretDto })
  @ApiOperation({
    summary: 'Register a platform client (system admins)',
    operationId: 'createPlatformClient',
  })
  create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreatePlatformClientDto,
    @Origin() origin: RequestOrigin,
  ): Promise<PlatformClientSecretDto> {
    return this.clients.create(user, dto.name, origin);
  }

  @Get()
  @Authorize('read', 'PlatformClient')
  @ApiOperation({ summary: 'List platform clients', operationId: 'listPlatformClients' })
  @ApiPageResponse(PlatformClientDto)
  list(@Query() q: PageQueryDto): Promise<Page<PlatformClientDto>> {
    return this.clients.list(q);
  }

  @Post(':clientId/revoke')
  @HttpCode(200)
  @Authorize('end', 'PlatformClient')
  @ApiOkResponse({ type: PlatformClientDto })
  @ApiOperation({ summary: 'Revoke a platform client', operationId: 'revokePlatformClient' })
  revoke(
    @CurrentUser() user: AuthUser,
    @IdParam('clientId') clientId: string,
    @Origin() origin: RequestOrigin,
  ): Promise<PlatformClientDto> {
    return this.clients.revoke(user, clientId.toLowerCase(), origin);
  }
}

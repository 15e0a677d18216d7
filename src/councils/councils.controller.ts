import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { AuthUser } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import { Page, PageQueryDto } from '../common/http/pagination';
import { CouncilsService } from './councils.service';
import {
  CouncilDto,
  CouncilSecurityDto,
  DesignateCoordinatingBodyDto,
  FoundCouncilDto,
  NoticeHistoryDto,
  PublishedNoticeDto,
  UpdateCouncilDto,
} from './dto/council.dto';

@ApiTags('councils')
@Controller('councils')
export class CouncilsController {
  constructor(private readonly councils: CouncilsService) {}

  @Post()
  @Authorize('create', 'Council')
  @ApiCreatedResponse({ type: CouncilDto })
  create(@Principal() p: CouncilPrincipal, @Body() dto: FoundCouncilDto): Promise<CouncilDto> {
    return this.councils.create(p, dto);
  }

  @Get()
  @ApiBearerAuth()
  list(@CurrentUser() user: AuthUser, @Query() q: PageQueryDto): Promise<Page<CouncilDto>> {
    return this.councils.list(user, q);
  }

  @Get(':councilId')
  @Authorize('read', 'Council')
  @ApiOkResponse({ type: CouncilDto })
  get(@Principal() p: CouncilPrincipal): Promise<CouncilDto> {
    return this.councils.get(p);
  }

  @Patch(':councilId')
  @Authorize('update', 'Council')
  @ApiOkResponse({ type: CouncilDto })
  update(@Principal() p: CouncilPrincipal, @Body() dto: UpdateCouncilDto): Promise<CouncilDto> {
    return this.councils.update(p, dto);
  }

  @Put(':councilId/coordinating-body')
  @HttpCode(200)
  @Authorize('designate', 'Council')
  @ApiOkResponse({ type: CouncilDto })
  designate(
    @Principal() p: CouncilPrincipal,
    @Body() dto: DesignateCoordinatingBodyDto,
  ): Promise<CouncilDto> {
    return this.councils.designateCoordinatingBody(p, dto.memberBodyId);
  }

  /** Which staff roles need a second factor in this council (issue 13). */
  @Get(':councilId/security')
  @Authorize('read', 'Council')
  @ApiOkResponse({ type: CouncilSecurityDto })
  security(@Principal() p: CouncilPrincipal): Promise<CouncilSecurityDto> {
    return this.councils.security(p);
  }

  /** Coordinators: require a second factor of these roles (403 MFA_REQUIRED until enrolled). */
  @Put(':councilId/security')
  @HttpCode(200)
  @Authorize('update', 'Council')
  @ApiOkResponse({ type: CouncilSecurityDto })
  setSecurity(
    @Principal() p: CouncilPrincipal,
    @Body() dto: CouncilSecurityDto,
  ): Promise<CouncilSecurityDto> {
    return this.councils.setSecurity(p, dto.mfaRequiredRoles);
  }

  /** 公示 as an act: publish the notice as the council stands now (coordinators). */
  @Post(':councilId/public-notice/publish')
  @Authorize('publish', 'Council')
  @ApiOperation({
    summary: 'Publish the public notice (公示) as the council stands now; a new version each time',
    operationId: 'publishPublicNotice',
  })
  @ApiCreatedResponse({ type: PublishedNoticeDto })
  publishNotice(@Principal() p: CouncilPrincipal): Promise<PublishedNoticeDto> {
    return this.councils.publishNotice(p);
  }

  @Get(':councilId/public-notice/history')
  @Authorize('read', 'Council')
  @ApiOperation({
    summary: 'Every published version of the public notice, newest first',
    operationId: 'listPublicNoticeHistory',
  })
  @ApiOkResponse({ type: NoticeHistoryDto })
  noticeHistory(@Principal() p: CouncilPrincipal): Promise<NoticeHistoryDto> {
    return this.councils.noticeHistory(p);
  }
}

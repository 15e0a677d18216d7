import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { NoBody } from '../common/http/no-body';
import { ApiCouncilIdParam, ApiErrors, ApiPageResponse } from '../common/http/api-docs';
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
  CouncilTimeZoneDto,
  CouncilTimeZoneViewDto,
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
  @ApiOperation({ summary: 'Found a council (system admins)', operationId: 'createCouncil' })
  create(@Principal() p: CouncilPrincipal, @Body() dto: FoundCouncilDto): Promise<CouncilDto> {
    return this.councils.create(p, dto);
  }

  @Get()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'List the councils the caller belongs to', operationId: 'listCouncils' })
  @ApiPageResponse(CouncilDto)
  list(@CurrentUser() user: AuthUser, @Query() q: PageQueryDto): Promise<Page<CouncilDto>> {
    return this.councils.list(user, q);
  }

  @Get(':councilId')
  @ApiCouncilIdParam()
  @Authorize('read', 'Council')
  @ApiOkResponse({ type: CouncilDto })
  @ApiOperation({ summary: 'Read a council', operationId: 'getCouncil' })
  get(@Principal() p: CouncilPrincipal): Promise<CouncilDto> {
    return this.councils.get(p);
  }

  @Patch(':councilId')
  @ApiCouncilIdParam()
  @Authorize('update', 'Council')
  @ApiOkResponse({ type: CouncilDto })
  @ApiOperation({
    summary: 'Change a council’s name, municipalities or dates',
    operationId: 'updateCouncil',
  })
  update(@Principal() p: CouncilPrincipal, @Body() dto: UpdateCouncilDto): Promise<CouncilDto> {
    return this.councils.update(p, dto);
  }

  @Put(':councilId/coordinating-body')
  @ApiCouncilIdParam()
  @HttpCode(200)
  @Authorize('designate', 'Council')
  @ApiOkResponse({ type: CouncilDto })
  @ApiOperation({
    summary: 'Designate the coordinating body (調整機関)',
    operationId: 'designateCoordinatingBody',
  })
  @ApiErrors(422)
  designate(
    @Principal() p: CouncilPrincipal,
    @Body() dto: DesignateCoordinatingBodyDto,
  ): Promise<CouncilDto> {
    return this.councils.designateCoordinatingBody(p, dto.memberBodyId);
  }

  /** Which staff roles need a second factor in this council (issue 13). */
  @Get(':councilId/security')
  @ApiCouncilIdParam()
  @Authorize('read', 'Council')
  @ApiOkResponse({ type: CouncilSecurityDto })
  @ApiOperation({
    summary: 'Which roles need a second factor in this council',
    operationId: 'getCouncilSecurity',
  })
  security(@Principal() p: CouncilPrincipal): Promise<CouncilSecurityDto> {
    return this.councils.security(p);
  }

  /** Coordinators: require a second factor of these roles (403 MFA_REQUIRED until enrolled). */
  @Put(':councilId/security')
  @ApiCouncilIdParam()
  @HttpCode(200)
  @Authorize('update', 'Council')
  @ApiOkResponse({ type: CouncilSecurityDto })
  @ApiOperation({
    summary: 'Require a second factor of these roles',
    operationId: 'setCouncilSecurity',
  })
  setSecurity(
    @Principal() p: CouncilPrincipal,
    @Body() dto: CouncilSecurityDto,
  ): Promise<CouncilSecurityDto> {
    return this.councils.setSecurity(p, dto.mfaRequiredRoles);
  }

  /** The council's calendar: its time zone and today's date there (issue 18 item 5). */
  @Get(':councilId/time-zone')
  @ApiCouncilIdParam()
  @Authorize('read', 'Council')
  @ApiOperation({
    summary: 'The council’s time zone and today there',
    operationId: 'getCouncilTimeZone',
  })
  @ApiOkResponse({ type: CouncilTimeZoneViewDto })
  timeZone(@Principal() p: CouncilPrincipal): Promise<CouncilTimeZoneViewDto> {
    return this.councils.timeZone(p);
  }

  /** Coordinators: the council's time zone (null: the server's TIME_ZONE). */
  @Put(':councilId/time-zone')
  @ApiCouncilIdParam()
  @HttpCode(200)
  @Authorize('update', 'Council')
  @ApiOperation({ summary: 'Set the council’s time zone', operationId: 'setCouncilTimeZone' })
  @ApiOkResponse({ type: CouncilTimeZoneViewDto })
  setTimeZone(
    @Principal() p: CouncilPrincipal,
    @Body() dto: CouncilTimeZoneDto,
  ): Promise<CouncilTimeZoneViewDto> {
    return this.councils.setTimeZone(p, dto.timeZone ?? null);
  }

  /** 公示 as an act: publish the notice as the council stands now (coordinators). */
  @Post(':councilId/public-notice/publish')
  @ApiCouncilIdParam()
  @Authorize('publish', 'Council')
  @ApiOperation({
    summary: 'Publish the public notice (公示) as the council stands now; a new version each time',
    operationId: 'publishPublicNotice',
  })
  @ApiCreatedResponse({ type: PublishedNoticeDto })
  publishNotice(
    @Principal() p: CouncilPrincipal,
    @NoBody() _body: undefined,
  ): Promise<PublishedNoticeDto> {
    return this.councils.publishNotice(p);
  }

  @Get(':councilId/public-notice/history')
  @ApiCouncilIdParam()
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

import { ApiErrors } from '../common/http/api-docs';
import { Body, Get, HttpCode, Post } from '@nestjs/common';
import { CouncilController } from '../common/http/api-docs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { IdParam } from '../common/http/id-param';
import { CaseLinkDto, CaseLinkListDto, CreateCaseLinkDto, UnlinkCaseDto } from './case-links.dto';
import { CaseLinksService } from './case-links.service';

@ApiTags('cases')
@CouncilController('cases/:caseId/links')
export class CaseLinksController {
  constructor(private readonly links: CaseLinksService) {}

  @Post()
  @Authorize('update', 'Case')
  @ApiOperation({
    summary: 'Link two cases as the same person (never merges them; coordinators)',
    operationId: 'createCaseLink',
  })
  @ApiErrors(409, 422)
  @ApiCreatedResponse({ type: CaseLinkDto })
  link(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: CreateCaseLinkDto,
  ): Promise<CaseLinkDto> {
    return this.links.link(p, caseId, dto);
  }

  @Get()
  @Authorize('read', 'Case')
  @ApiOperation({
    summary: 'Links of a case whose other case the caller may also see (undone ones included)',
    operationId: 'listCaseLinks',
  })
  @ApiOkResponse({ type: CaseLinkListDto })
  list(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
  ): Promise<CaseLinkListDto> {
    return this.links.list(p, caseId);
  }

  @Post(':linkId/unlink')
  @HttpCode(200)
  @Authorize('update', 'Case')
  @ApiOperation({
    summary: 'Undo a link (kept on record with who undid it and why; coordinators)',
    operationId: 'unlinkCases',
  })
  @ApiErrors(409)
  @ApiOkResponse({ type: CaseLinkDto })
  unlink(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('linkId') linkId: string,
    @Body() dto: UnlinkCaseDto,
  ): Promise<CaseLinkDto> {
    return this.links.unlink(p, caseId, linkId, dto);
  }
}

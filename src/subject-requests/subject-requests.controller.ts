import { ApiErrors } from '../common/http/api-docs';
import { CouncilController } from '../common/http/api-docs';
import { Body, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { IdParam } from '../common/http/id-param';
import {
  CreateSubjectRequestDto,
  DecideSubjectRequestDto,
  DisclosurePackageView,
  ExtendSubjectRequestDto,
  SubjectRequestsView,
  SubjectRequestView,
} from './subject-requests.dto';
import { SubjectRequestsService } from './subject-requests.service';

@ApiTags('subject-requests')
@CouncilController('cases/:caseId/subject-requests')
export class SubjectRequestsController {
  constructor(private readonly requests: SubjectRequestsService) {}

  @Post()
  @Authorize('create', 'SubjectRequest')
  @ApiOperation({
    summary:
      'Record a person’s request (disclosure, correction, stop use, deletion) with its deadline',
    operationId: 'createSubjectRequest',
  })
  @ApiCreatedResponse({ type: SubjectRequestView })
  create(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: CreateSubjectRequestDto,
  ): Promise<SubjectRequestView> {
    return this.requests.create(p, caseId, dto);
  }

  @Get()
  @Authorize('read', 'SubjectRequest')
  @ApiOperation({ summary: 'The person’s requests on a case', operationId: 'listSubjectRequests' })
  @ApiOkResponse({ type: SubjectRequestsView })
  list(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
  ): Promise<SubjectRequestsView> {
    return this.requests.list(p, caseId);
  }

  @Post(':requestId/extend')
  @HttpCode(200)
  @Authorize('update', 'SubjectRequest')
  @ApiOperation({
    summary: 'Extend the deadline, with a reason',
    operationId: 'extendSubjectRequest',
  })
  @ApiOkResponse({ type: SubjectRequestView })
  extend(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('requestId') requestId: string,
    @Body() dto: ExtendSubjectRequestDto,
  ): Promise<SubjectRequestView> {
    return this.requests.extend(p, caseId, requestId, dto);
  }

  @Post(':requestId/decide')
  @HttpCode(200)
  @Authorize('update', 'SubjectRequest')
  @ApiOperation({
    summary: 'Decide the request, with a reason',
    operationId: 'decideSubjectRequest',
  })
  @ApiErrors(409)
  @ApiOkResponse({ type: SubjectRequestView })
  decide(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('requestId') requestId: string,
    @Body() dto: DecideSubjectRequestDto,
  ): Promise<SubjectRequestView> {
    return this.requests.decide(p, caseId, requestId, dto);
  }

  @Get(':requestId/package')
  @Authorize('export', 'SubjectRequest')
  @ApiOperation({
    summary: 'The disclosure package (JSON), parts to review for redaction listed',
    operationId: 'exportDisclosurePackage',
  })
  @ApiOkResponse({ type: DisclosurePackageView })
  package(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('requestId') requestId: string,
  ): Promise<DisclosurePackageView> {
    return this.requests.package(p, caseId, requestId);
  }
}

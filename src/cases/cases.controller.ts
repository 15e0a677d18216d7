import { Body, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  AssignmentDto,
  CaseDto,
  ConsentDto,
  CreatedCaseDto,
  MatchCandidatesDto,
  ScoredCaseDto,
} from './case-response.dto';
import { ApiErrors, ApiPageResponse, CouncilController } from '../common/http/api-docs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { IdParam } from '../common/http/id-param';
import {
  CaseQueryDto,
  CaseSearchQueryDto,
  MatchCaseDto,
  CreateAssignmentDto,
  CreateCaseDto,
  CreateConsentDto,
  RenewAssignmentDto,
  UpdateCaseDto,
  WithdrawConsentDto,
} from './case.dto';
import { CasesService } from './cases.service';
import { CaseSearchService } from './case-search.service';

@ApiTags('cases')
@CouncilController('cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly searcher: CaseSearchService,
  ) {}

  @Post()
  @Authorize('create', 'Case')
  @ApiOperation({ summary: 'Register a case', operationId: 'createCase' })
  @ApiCreatedResponse({ type: CreatedCaseDto })
  create(@Principal() p: CouncilPrincipal, @Body() dto: CreateCaseDto) {
    return this.cases.create(p, dto);
  }

  @Get()
  @Authorize('read', 'Case')
  @ApiOperation({ summary: 'List the cases the caller may see', operationId: 'listCases' })
  @ApiPageResponse(CaseDto)
  list(@Principal() p: CouncilPrincipal, @Query() q: CaseQueryDto) {
    return this.cases.list(p, q);
  }

  /** Search by name (normalised), birth date or case number, among the cases the caller may see. */
  @Get('search')
  @Authorize('read', 'Case')
  @ApiOperation({
    summary: 'Search cases by name, birth date or case number',
    operationId: 'searchCases',
  })
  @ApiPageResponse(ScoredCaseDto, 'The best matches first, in one page (`limit`, default 20)')
  search(@Principal() p: CouncilPrincipal, @Query() q: CaseSearchQueryDto) {
    return this.searcher.search(p, q);
  }

  /** Before registering: cases that may be the same person, with a score and what matched. */
  @Post('match')
  @HttpCode(200)
  @Authorize('create', 'Case')
  @ApiOperation({
    summary: 'Before registering: cases that may be the same person',
    operationId: 'matchCases',
  })
  @ApiOkResponse({ type: MatchCandidatesDto })
  match(@Principal() p: CouncilPrincipal, @Body() dto: MatchCaseDto) {
    return this.searcher.match(p, dto);
  }

  @Get(':caseId')
  @Authorize('read', 'Case')
  @ApiOperation({ summary: 'Read a case', operationId: 'getCase' })
  @ApiOkResponse({ type: CaseDto })
  get(@Principal() p: CouncilPrincipal, @IdParam('caseId') caseId: string) {
    return this.cases.get(p, caseId);
  }

  @Patch(':caseId')
  @Authorize('update', 'Case')
  @ApiOperation({ summary: 'Change a case', operationId: 'updateCase' })
  @ApiErrors(409)
  @ApiOkResponse({ type: CaseDto })
  update(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: UpdateCaseDto,
  ) {
    return this.cases.update(p, caseId, dto);
  }

  @Post(':caseId/consents')
  @Authorize('create', 'Consent')
  @ApiOperation({
    summary: 'Record consent to share with member bodies, or a statutory basis',
    operationId: 'recordConsent',
  })
  @ApiErrors(409, 422)
  @ApiCreatedResponse({ type: ConsentDto })
  createConsent(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: CreateConsentDto,
  ) {
    return this.cases.createConsent(p, caseId, dto);
  }

  @Post(':caseId/consents/:consentId/withdraw')
  @HttpCode(200)
  @Authorize('withdraw', 'Consent')
  @ApiOperation({ summary: 'Record that consent was withdrawn', operationId: 'withdrawConsent' })
  @ApiErrors(409)
  @ApiOkResponse({ type: ConsentDto })
  withdrawConsent(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('consentId') consentId: string,
    @Body() dto: WithdrawConsentDto,
  ) {
    return this.cases.withdrawConsent(p, caseId, consentId, dto);
  }

  @Post(':caseId/assignments')
  @Authorize('create', 'Assignment')
  @ApiOperation({ summary: 'Assign a member body to the case', operationId: 'assignMemberBody' })
  @ApiErrors(409, 422)
  @ApiCreatedResponse({ type: AssignmentDto })
  createAssignment(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: CreateAssignmentDto,
  ) {
    return this.cases.createAssignment(p, caseId, dto);
  }

  @Post(':caseId/assignments/:assignmentId/end')
  @HttpCode(200)
  @Authorize('end', 'Assignment')
  @ApiOperation({ summary: 'End a member body’s assignment', operationId: 'endAssignment' })
  @ApiErrors(409)
  @ApiOkResponse({ type: AssignmentDto })
  endAssignment(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('assignmentId') assignmentId: string,
  ) {
    return this.cases.endAssignment(p, caseId, assignmentId);
  }

  /** A statutory basis gets a new review date; once it has passed, the basis covers nothing. */
  @Post(':caseId/assignments/:assignmentId/renew')
  @HttpCode(200)
  @Authorize('update', 'Assignment')
  @ApiOperation({
    summary: 'Renew a statutory basis (a new review date)',
    operationId: 'renewAssignment',
  })
  @ApiErrors(422)
  @ApiOkResponse({ type: AssignmentDto })
  renewAssignment(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('assignmentId') assignmentId: string,
    @Body() dto: RenewAssignmentDto,
  ) {
    return this.cases.renewAssignment(p, caseId, assignmentId, dto);
  }
}

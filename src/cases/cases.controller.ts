import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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
@Controller('councils/:councilId/cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly searcher: CaseSearchService,
  ) {}

  @Post()
  @Authorize('create', 'Case')
  create(@Principal() p: CouncilPrincipal, @Body() dto: CreateCaseDto) {
    return this.cases.create(p, dto);
  }

  @Get()
  @Authorize('read', 'Case')
  list(@Principal() p: CouncilPrincipal, @Query() q: CaseQueryDto) {
    return this.cases.list(p, q);
  }

  /** Search by name (normalised), birth date or case number, among the cases the caller may see. */
  @Get('search')
  @Authorize('read', 'Case')
  search(@Principal() p: CouncilPrincipal, @Query() q: CaseSearchQueryDto) {
    return this.searcher.search(p, q);
  }

  /** Before registering: cases that may be the same person, with a score and what matched. */
  @Post('match')
  @HttpCode(200)
  @Authorize('create', 'Case')
  match(@Principal() p: CouncilPrincipal, @Body() dto: MatchCaseDto) {
    return this.searcher.match(p, dto);
  }

  @Get(':caseId')
  @Authorize('read', 'Case')
  get(@Principal() p: CouncilPrincipal, @IdParam('caseId') caseId: string) {
    return this.cases.get(p, caseId);
  }

  @Patch(':caseId')
  @Authorize('update', 'Case')
  update(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: UpdateCaseDto,
  ) {
    return this.cases.update(p, caseId, dto);
  }

  @Post(':caseId/consents')
  @Authorize('create', 'Consent')
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
  renewAssignment(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('assignmentId') assignmentId: string,
    @Body() dto: RenewAssignmentDto,
  ) {
    return this.cases.renewAssignment(p, caseId, assignmentId, dto);
  }
}

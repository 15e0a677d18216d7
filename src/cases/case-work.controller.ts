import { Body, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse, CouncilController } from '../common/http/api-docs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CaseStatusDto,
  InfoRequestDto,
  NoteDto,
  PlanActionViewDto,
  StatusChangeDto,
  SupportPlanDto,
  SupportPlansDto,
} from './case-work-response.dto';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { IdParam } from '../common/http/id-param';
import {
  CloseCaseDto,
  CreateInfoRequestDto,
  CreateNoteDto,
  CreatePlanDto,
  InfoRequestQueryDto,
  ReopenCaseDto,
  RespondDto,
  UpdateActionDto,
} from './case-work.dto';
import { CaseWorkService } from './case-work.service';

@ApiTags('cases')
@CouncilController('cases/:caseId')
export class CaseWorkController {
  constructor(private readonly work: CaseWorkService) {}

  @Post('close')
  @HttpCode(200)
  @Authorize('close', 'Case')
  @ApiOperation({ summary: 'Close a case', operationId: 'closeCase' })
  @ApiOkResponse({ type: CaseStatusDto })
  @ApiErrors(422)
  @ApiErrors(409)
  close(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: CloseCaseDto,
  ) {
    return this.work.close(p, caseId, dto);
  }

  @Post('reopen')
  @HttpCode(200)
  @Authorize('reopen', 'Case')
  @ApiOperation({ summary: 'Reopen a closed case', operationId: 'reopenCase' })
  @ApiOkResponse({ type: CaseStatusDto })
  @ApiErrors(409)
  reopen(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: ReopenCaseDto,
  ) {
    return this.work.reopen(p, caseId, dto);
  }

  @Get('status-history')
  @Authorize('read', 'Case')
  @ApiOperation({ summary: 'The case’s status changes', operationId: 'listCaseStatusHistory' })
  @ApiPageResponse(StatusChangeDto, 'The whole history, oldest first, in one page')
  statusHistory(@Principal() p: CouncilPrincipal, @IdParam('caseId') caseId: string) {
    return this.work.statusHistory(p, caseId);
  }

  @Post('notes')
  @Authorize('create', 'Note')
  @ApiOperation({ summary: 'Add a note to the case record', operationId: 'addCaseNote' })
  @ApiCreatedResponse({ type: NoteDto })
  @ApiErrors(409)
  addNote(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: CreateNoteDto,
  ) {
    return this.work.addNote(p, caseId, dto);
  }

  @Post('notes/:noteId/sensitive')
  @HttpCode(200)
  @Authorize('update', 'Note')
  @ApiOperation({ summary: 'Mark a note as sensitive (要配慮)', operationId: 'markNoteSensitive' })
  @ApiOkResponse({ type: NoteDto })
  @ApiErrors(409)
  markNoteSensitive(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('noteId') noteId: string,
  ) {
    return this.work.markNoteSensitive(p, caseId, noteId);
  }

  @Get('notes')
  @Authorize('read', 'Note')
  @ApiOperation({ summary: 'List the case’s notes', operationId: 'listCaseNotes' })
  @ApiPageResponse(NoteDto, 'Every note the caller may read, in one page')
  notes(@Principal() p: CouncilPrincipal, @IdParam('caseId') caseId: string) {
    return this.work.notes(p, caseId);
  }

  @Post('plans')
  @Authorize('create', 'Plan')
  @ApiOperation({
    summary: 'Write a new version of the support plan',
    operationId: 'createSupportPlan',
  })
  @ApiCreatedResponse({ type: SupportPlanDto })
  @ApiErrors(409, 422)
  createPlan(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: CreatePlanDto,
  ) {
    return this.work.createPlan(p, caseId, dto);
  }

  @Get('plans')
  @Authorize('read', 'Plan')
  @ApiOperation({ summary: 'List the support plan’s versions', operationId: 'listSupportPlans' })
  @ApiOkResponse({ type: SupportPlansDto })
  plans(@Principal() p: CouncilPrincipal, @IdParam('caseId') caseId: string) {
    return this.work.plans(p, caseId);
  }

  @Patch('plans/actions/:actionId')
  @Authorize('update', 'PlanAction')
  @ApiOperation({
    summary: 'Update an action of the current support plan',
    operationId: 'updatePlanAction',
  })
  @ApiOkResponse({ type: PlanActionViewDto })
  @ApiErrors(409, 422)
  updateAction(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('actionId') actionId: string,
    @Body() dto: UpdateActionDto,
  ) {
    return this.work.updateAction(p, caseId, actionId, dto);
  }

  @Post('info-requests')
  @Authorize('create', 'InfoRequest')
  @ApiOperation({
    summary: 'Ask a member body for information on the case',
    operationId: 'requestInformation',
  })
  @ApiCreatedResponse({ type: InfoRequestDto })
  @ApiErrors(409, 422)
  createInfoRequest(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: CreateInfoRequestDto,
  ) {
    return this.work.createInfoRequest(p, caseId, dto);
  }

  @Post('info-requests/:requestId/respond')
  @HttpCode(200)
  @Authorize('respond', 'InfoRequest')
  @ApiOperation({
    summary: 'Answer an information request (on the case)',
    operationId: 'respondToInfoRequestOnCase',
  })
  @ApiOkResponse({ type: InfoRequestDto })
  @ApiErrors(409)
  respondOnCase(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('requestId') requestId: string,
    @Body() dto: RespondDto,
  ) {
    return this.work.respond(p, requestId, dto.answer, caseId);
  }
}

/** Information requests across the council: an agency's inbox, a coordinator's overdue list. */
@ApiTags('cases')
@CouncilController('info-requests')
export class InfoRequestsController {
  constructor(private readonly work: CaseWorkService) {}

  @Get()
  @Authorize('read', 'InfoRequest')
  @ApiOperation({
    summary: 'List information requests to or from the caller’s body',
    operationId: 'listInfoRequests',
  })
  @ApiPageResponse(InfoRequestDto, 'Every request the caller may see, in one page')
  list(@Principal() p: CouncilPrincipal, @Query() q: InfoRequestQueryDto) {
    return this.work.listInfoRequests(p, q.overdue ?? false);
  }

  @Post(':requestId/respond')
  @HttpCode(200)
  @Authorize('respond', 'InfoRequest')
  @ApiOperation({ summary: 'Answer an information request', operationId: 'respondToInfoRequest' })
  @ApiOkResponse({ type: InfoRequestDto })
  @ApiErrors(409)
  respond(
    @Principal() p: CouncilPrincipal,
    @IdParam('requestId') requestId: string,
    @Body() dto: RespondDto,
  ) {
    return this.work.respond(p, requestId, dto.answer);
  }
}

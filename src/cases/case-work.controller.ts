import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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
@Controller('councils/:councilId/cases/:caseId')
export class CaseWorkController {
  constructor(private readonly work: CaseWorkService) {}

  @Post('close')
  @HttpCode(200)
  @Authorize('close', 'Case')
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
  reopen(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: ReopenCaseDto,
  ) {
    return this.work.reopen(p, caseId, dto);
  }

  @Get('status-history')
  @Authorize('read', 'Case')
  statusHistory(@Principal() p: CouncilPrincipal, @IdParam('caseId') caseId: string) {
    return this.work.statusHistory(p, caseId);
  }

  @Post('notes')
  @Authorize('create', 'Note')
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
  markNoteSensitive(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('noteId') noteId: string,
  ) {
    return this.work.markNoteSensitive(p, caseId, noteId);
  }

  @Get('notes')
  @Authorize('read', 'Note')
  notes(@Principal() p: CouncilPrincipal, @IdParam('caseId') caseId: string) {
    return this.work.notes(p, caseId);
  }

  @Post('plans')
  @Authorize('create', 'Plan')
  createPlan(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: CreatePlanDto,
  ) {
    return this.work.createPlan(p, caseId, dto);
  }

  @Get('plans')
  @Authorize('read', 'Plan')
  plans(@Principal() p: CouncilPrincipal, @IdParam('caseId') caseId: string) {
    return this.work.plans(p, caseId);
  }

  @Patch('plans/actions/:actionId')
  @Authorize('update', 'PlanAction')
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
@Controller('councils/:councilId/info-requests')
export class InfoRequestsController {
  constructor(private readonly work: CaseWorkService) {}

  @Get()
  @Authorize('read', 'InfoRequest')
  list(@Principal() p: CouncilPrincipal, @Query() q: InfoRequestQueryDto) {
    return this.work.listInfoRequests(p, q.overdue ?? false);
  }

  @Post(':requestId/respond')
  @HttpCode(200)
  @Authorize('respond', 'InfoRequest')
  respond(
    @Principal() p: CouncilPrincipal,
    @IdParam('requestId') requestId: string,
    @Body() dto: RespondDto,
  ) {
    return this.work.respond(p, requestId, dto.answer);
  }
}

import { Body, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse, CouncilController } from '../common/http/api-docs';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  ActionItemViewDto,
  CaseOnlyMinutesDto,
  DecisionViewDto,
  FullMinutesDto,
  MeetingDto,
  MinutesAddendumDto,
} from './meeting-response.dto';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { IdParam } from '../common/http/id-param';
import { ActionItemsService } from './action-items.service';
import {
  ActionItemQueryDto,
  AddendumDto,
  CreateMeetingDto,
  DecisionQueryDto,
  MeetingQueryDto,
  PutMinutesDto,
  UpdateActionItemDto,
} from './meetings.dto';
import { MeetingsService } from './meetings.service';
import { MinutesService } from './minutes.service';

@ApiTags('meetings')
@CouncilController('meetings')
export class MeetingsController {
  constructor(
    private readonly meetings: MeetingsService,
    private readonly minutes: MinutesService,
  ) {}

  @Post()
  @Authorize('create', 'Meeting')
  @ApiOperation({
    summary: 'Schedule a case or representatives’ meeting',
    operationId: 'createMeeting',
  })
  @ApiCreatedResponse({ type: MeetingDto })
  @ApiErrors(422)
  create(@Principal() p: CouncilPrincipal, @Body() dto: CreateMeetingDto) {
    return this.meetings.create(p, dto);
  }

  @Get()
  @Authorize('read', 'Meeting')
  @ApiOperation({ summary: 'List meetings', operationId: 'listMeetings' })
  @ApiPageResponse(MeetingDto)
  list(@Principal() p: CouncilPrincipal, @Query() q: MeetingQueryDto) {
    return this.meetings.list(p, q);
  }

  @Get(':meetingId')
  @Authorize('read', 'Meeting')
  @ApiOperation({ summary: 'Read a meeting', operationId: 'getMeeting' })
  @ApiOkResponse({ type: MeetingDto })
  get(@Principal() p: CouncilPrincipal, @IdParam('meetingId') meetingId: string) {
    return this.meetings.get(p, meetingId);
  }

  @Get(':meetingId/minutes')
  @Authorize('read', 'Minutes')
  @ApiOperation({ summary: 'Read a meeting’s minutes', operationId: 'getMinutes' })
  @ApiExtraModels(FullMinutesDto, CaseOnlyMinutesDto)
  @ApiOkResponse({
    description:
      '`access: "full"` for coordinators and attendees covered now on every case discussed; `access: "assigned_case"` (decisions and action items about the caller’s cases only) for other covered agencies',
    schema: {
      oneOf: [{ $ref: getSchemaPath(FullMinutesDto) }, { $ref: getSchemaPath(CaseOnlyMinutesDto) }],
    },
  })
  readMinutes(@Principal() p: CouncilPrincipal, @IdParam('meetingId') meetingId: string) {
    return this.minutes.read(p, meetingId);
  }

  @Put(':meetingId/minutes')
  @Authorize('update', 'Minutes')
  @ApiOperation({ summary: 'Write the draft minutes', operationId: 'saveMinutes' })
  @ApiOkResponse({ type: FullMinutesDto })
  @ApiErrors(409, 422)
  putMinutes(
    @Principal() p: CouncilPrincipal,
    @IdParam('meetingId') meetingId: string,
    @Body() dto: PutMinutesDto,
  ) {
    return this.minutes.put(p, meetingId, dto);
  }

  @Post(':meetingId/minutes/finalize')
  @HttpCode(200)
  @Authorize('finalize', 'Minutes')
  @ApiOperation({
    summary: 'Make the minutes final (a record from then on)',
    operationId: 'finalizeMinutes',
  })
  @ApiOkResponse({ type: FullMinutesDto })
  @ApiErrors(409, 422)
  finalize(@Principal() p: CouncilPrincipal, @IdParam('meetingId') meetingId: string) {
    return this.minutes.finalize(p, meetingId);
  }

  @Post(':meetingId/minutes/addenda')
  @Authorize('amend', 'Minutes')
  @ApiOperation({ summary: 'Add an addendum to final minutes', operationId: 'addMinutesAddendum' })
  @ApiCreatedResponse({ type: MinutesAddendumDto })
  @ApiErrors(409, 422)
  addAddendum(
    @Principal() p: CouncilPrincipal,
    @IdParam('meetingId') meetingId: string,
    @Body() dto: AddendumDto,
  ) {
    return this.minutes.addAddendum(p, meetingId, dto);
  }
}

/** A member body's to-do list across meetings (`?mine=true`), and moving an item along. */
@ApiTags('meetings')
@CouncilController('action-items')
export class ActionItemsController {
  constructor(private readonly items: ActionItemsService) {}

  @Get()
  @Authorize('read', 'ActionItem')
  @ApiOperation({ summary: 'List action items from meetings', operationId: 'listActionItems' })
  @ApiPageResponse(ActionItemViewDto)
  list(@Principal() p: CouncilPrincipal, @Query() q: ActionItemQueryDto) {
    return this.items.list(p, q);
  }

  @Patch(':itemId')
  @Authorize('update', 'ActionItem')
  @ApiOperation({ summary: 'Update an action item', operationId: 'updateActionItem' })
  @ApiOkResponse({ type: ActionItemViewDto })
  @ApiErrors(409, 422)
  update(
    @Principal() p: CouncilPrincipal,
    @IdParam('itemId') itemId: string,
    @Body() dto: UpdateActionItemDto,
  ) {
    return this.items.update(p, itemId, dto);
  }
}

/** What meetings decided, across meetings (e.g. `?caseId=` for one case's history). */
@ApiTags('meetings')
@CouncilController('decisions')
export class DecisionsController {
  constructor(private readonly items: ActionItemsService) {}

  @Get()
  @Authorize('read', 'Decision')
  @ApiOperation({ summary: 'List decisions recorded in minutes', operationId: 'listDecisions' })
  @ApiPageResponse(DecisionViewDto)
  list(@Principal() p: CouncilPrincipal, @Query() q: DecisionQueryDto) {
    return this.items.decisions(p, q);
  }
}

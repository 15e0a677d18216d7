import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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
@Controller('councils/:councilId/meetings')
export class MeetingsController {
  constructor(
    private readonly meetings: MeetingsService,
    private readonly minutes: MinutesService,
  ) {}

  @Post()
  @Authorize('create', 'Meeting')
  create(@Principal() p: CouncilPrincipal, @Body() dto: CreateMeetingDto) {
    return this.meetings.create(p, dto);
  }

  @Get()
  @Authorize('read', 'Meeting')
  list(@Principal() p: CouncilPrincipal, @Query() q: MeetingQueryDto) {
    return this.meetings.list(p, q);
  }

  @Get(':meetingId')
  @Authorize('read', 'Meeting')
  get(@Principal() p: CouncilPrincipal, @IdParam('meetingId') meetingId: string) {
    return this.meetings.get(p, meetingId);
  }

  @Get(':meetingId/minutes')
  @Authorize('read', 'Minutes')
  readMinutes(@Principal() p: CouncilPrincipal, @IdParam('meetingId') meetingId: string) {
    return this.minutes.read(p, meetingId);
  }

  @Put(':meetingId/minutes')
  @Authorize('update', 'Minutes')
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
  finalize(@Principal() p: CouncilPrincipal, @IdParam('meetingId') meetingId: string) {
    return this.minutes.finalize(p, meetingId);
  }

  @Post(':meetingId/minutes/addenda')
  @Authorize('amend', 'Minutes')
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
@Controller('councils/:councilId/action-items')
export class ActionItemsController {
  constructor(private readonly items: ActionItemsService) {}

  @Get()
  @Authorize('read', 'ActionItem')
  list(@Principal() p: CouncilPrincipal, @Query() q: ActionItemQueryDto) {
    return this.items.list(p, q);
  }

  @Patch(':itemId')
  @Authorize('update', 'ActionItem')
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
@Controller('councils/:councilId/decisions')
export class DecisionsController {
  constructor(private readonly items: ActionItemsService) {}

  @Get()
  @Authorize('read', 'Decision')
  list(@Principal() p: CouncilPrincipal, @Query() q: DecisionQueryDto) {
    return this.items.decisions(p, q);
  }
}

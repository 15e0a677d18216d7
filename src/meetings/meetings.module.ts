import { Module } from '@nestjs/common';
import { ActionItemsService } from './action-items.service';
import {
  ActionItemsController,
  DecisionsController,
  MeetingsController,
} from './meetings.controller';
import { MeetingsRepository } from './meetings.repository';
import { MeetingsService } from './meetings.service';
import { MinutesService } from './minutes.service';

/** Meetings of the three tiers, their minutes, decisions and action items (issue 6). */
@Module({
  controllers: [MeetingsController, ActionItemsController, DecisionsController],
  providers: [MeetingsRepository, MeetingsService, MinutesService, ActionItemsService],
  exports: [MeetingsService, MinutesService, MeetingsRepository],
})
export class MeetingsModule {}

import { Module } from '@nestjs/common';
import { RetentionController } from './retention.controller';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

/** Retention schedules, legal holds and disposal (issue 19). */
@Module({
  controllers: [RetentionController],
  providers: [RetentionRepository, RetentionService],
  exports: [RetentionRepository],
})
export class RetentionModule {}

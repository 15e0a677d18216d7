import { Module } from '@nestjs/common';
import { WorklistModule } from '../worklist/worklist.module';
import { DigestRepository } from './digest.repository';
import { DigestScheduler } from './digest.scheduler';
import { DigestService } from './digest.service';

/** The daily digest of each person's worklist (issue 18 item 2). */
@Module({
  imports: [WorklistModule],
  providers: [DigestRepository, DigestService, DigestScheduler],
  exports: [DigestService],
})
export class DigestModule {}

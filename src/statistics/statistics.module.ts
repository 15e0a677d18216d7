import { Module } from '@nestjs/common';
import { CouncilStatisticsController } from './council-statistics.controller';
import { CouncilStatisticsService } from './council-statistics.service';
import { StatisticsPublicationScheduler } from './statistics-publication.scheduler';
import { StatisticsPublicationService } from './statistics-publication.service';
import { StatisticsRepository } from './statistics.repository';

/**
 * The council side of statistics (DESIGN.md §3.12), as the application role: coordinators'
 * own figures and holds, and the publication of closed months (scheduled job and CLI). What the
 * platform reads lives in src/platform, behind the platform role.
 */
@Module({
  controllers: [CouncilStatisticsController],
  providers: [
    StatisticsRepository,
    CouncilStatisticsService,
    StatisticsPublicationService,
    StatisticsPublicationScheduler,
  ],
  exports: [StatisticsPublicationService, StatisticsPublicationScheduler],
})
export class StatisticsModule {}

import { Module } from '@nestjs/common';
import { PlatformClientsModule } from '../platform-clients/platform-clients.module';
import { PlatformDatabase } from './platform-database';
import { PlatformStatisticsController } from './platform-statistics.controller';
import { PlatformStatisticsRepository } from './platform-statistics.repository';
import { PlatformStatisticsService } from './platform-statistics.service';

/**
 * The platform boundary (DESIGN.md §3.6): suppressed statistics for platform clients. Built so
 * that it cannot leak: its only database handle is PlatformDatabase, as the platform role, which
 * can run the aggregate functions and read no table; and it imports nothing from the case,
 * meeting or council modules, nor the application's TypeORM connection (platform-module.spec.ts
 * reads its imports). Platform clients and their tokens live in src/platform-clients.
 */
@Module({
  imports: [PlatformClientsModule],
  controllers: [PlatformStatisticsController],
  providers: [PlatformDatabase, PlatformStatisticsRepository, PlatformStatisticsService],
})
export class PlatformModule {}

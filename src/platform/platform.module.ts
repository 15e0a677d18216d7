import { Module } from '@nestjs/common';
import { PlatformClientsModule } from '../platform-clients/platform-clients.module';
import { PlatformDatabase } from './platform-database';
import { PlatformStatisticsController } from './platform-statistics.controller';
import { PlatformStatisticsRepository } from './platform-statistics.repository';
import { PlatformStatisticsService } from './platform-statistics.service';

/**
 * The platform boundary (DESIGN.md §3.6, §3.12): published, suppressed statistics for platform
 * clients. Built so that it cannot leak: its only database handle for reading is
 * PlatformDatabase, as the platform role, which can run two functions returning stored snapshots
 * and read no table; and it imports nothing from the case, meeting or council modules, nor the
 * application's TypeORM connection (platform-module.spec.ts reads its imports). The one thing it
 * writes is the `statistics.read` audit event, through the global AuditService (write-only, into
 * the council's log). Platform clients and their tokens live in src/platform-clients; the
 * council side (coordinators, holds, publication) in src/statistics.
 */
@Module({
  imports: [PlatformClientsModule],
  controllers: [PlatformStatisticsController],
  providers: [PlatformDatabase, PlatformStatisticsRepository, PlatformStatisticsService],
})
export class PlatformModule {}

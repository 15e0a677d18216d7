import { DynamicModule, Module } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AuditQueryRepository } from '../audit/audit-query.repository';
import { AuditReportsService } from '../audit/audit-reports.service';
import { AuditService } from '../audit/audit.service';
import { AppConfigModule } from '../config/app-config.module';
import { RuntimeConfig } from '../config/app-config';
import { CouncilTransactions } from '../database/council-transactions';
import { DatabaseModule } from '../database/database.module';
import { StatisticsPublicationService } from '../statistics/statistics-publication.service';
import { StatisticsRepository } from '../statistics/statistics.repository';
import { UsersModule } from '../users/users.module';

@Module({})
export class CliModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [AppConfigModule.forRoot(config), DatabaseModule, UsersModule],
      providers: [
        CouncilTransactions,
        AuditQueryRepository,
        AuditService,
        AuditReportsService,
        AccessService,
        StatisticsRepository,
        StatisticsPublicationService,
      ],
    };
  }
}

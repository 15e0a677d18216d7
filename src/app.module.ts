import { DynamicModule, Module } from '@nestjs/common';
import { CryptoModule } from './crypto/crypto.module';
import { RetentionModule } from './retention/retention.module';
import { SubjectRequestsModule } from './subject-requests/subject-requests.module';
import { AccessModule } from './access/access.module';
import { ExplainModule } from './explain/explain.module';
import { WorklistModule } from './worklist/worklist.module';
import { ReportsModule } from './reports/reports.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { DigestModule } from './digest/digest.module';
import { ScheduleModule } from '@nestjs/schedule';
import { ReferralsModule } from './referrals/referrals.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CasesModule } from './cases/cases.module';
import { LoggingModule } from './common/logging.module';
import { AppConfigModule } from './config/app-config.module';
import { RuntimeConfig } from './config/app-config';
import { CouncilsModule } from './councils/councils.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MailModule } from './mail/mail.module';
import { MeetingsModule } from './meetings/meetings.module';
import { MetricsServer } from './metrics/metrics';
import { MetricsModule } from './metrics/metrics.module';
import { PlatformModule } from './platform/platform.module';
import { PlatformClientsModule } from './platform-clients/platform-clients.module';
import { SeedModule } from './seed/seed.module';
import { StatisticsModule } from './statistics/statistics.module';
import { MeModule } from './users/me.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        MetricsModule,
        MailModule,
        HealthModule,
        UsersModule,
        AccessModule,
        CryptoModule,
        AuditModule,
        AuthModule,
        CouncilsModule,
        CasesModule,
        ExplainModule,
        WorklistModule,
        ReportsModule,
        AttachmentsModule,
        ScheduleModule.forRoot(),
        DigestModule,
        ReferralsModule,
        RetentionModule,
        SubjectRequestsModule,
        MeModule,
        SeedModule,
        MeetingsModule,
        PlatformClientsModule,
        PlatformModule,
        StatisticsModule,
      ],
      providers: [MetricsServer],
    };
  }
}

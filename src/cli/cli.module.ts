import { DynamicModule, Module } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AuditQueryRepository } from '../audit/audit-query.repository';
import { AuditReportsService } from '../audit/audit-reports.service';
import { AuditService } from '../audit/audit.service';
import { AppConfigModule } from '../config/app-config.module';
import { RuntimeConfig } from '../config/app-config';
import { CouncilRecoveryService } from '../councils/council-recovery.service';
import { CouncilsRepository } from '../councils/councils.repository';
import { InvitationIssuer } from '../councils/invitation-issuer';
import { InvitationsRepository } from '../councils/invitations.repository';
import { CouncilTransactions } from '../database/council-transactions';
import { DatabaseModule } from '../database/database.module';
import { CryptoModule } from '../crypto/crypto.module';
import { KekRotationService } from '../crypto/kek-rotation.service';
import { LegacySealRepository } from '../crypto/legacy-seal.repository';
import { LegacySealService } from '../crypto/legacy-seal.service';
import { fileStorageProvider } from '../attachments/file-storage';
import { StatisticsPublicationService } from '../statistics/statistics-publication.service';
import { StatisticsRepository } from '../statistics/statistics.repository';
import { MailModule } from '../mail/mail.module';
import { MetricsModule } from '../metrics/metrics.module';
import { UsersModule } from '../users/users.module';

/** What the CLI's commands need, without HTTP, guards or schedulers. */
@Module({})
export class CliModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule,
        MetricsModule,
        UsersModule,
        MailModule,
        CryptoModule,
      ],
      providers: [
        CouncilTransactions,
        AuditQueryRepository,
        AuditService,
        AuditReportsService,
        AccessService,
        StatisticsRepository,
        StatisticsPublicationService,
        // council:recover — through the access primitive's operator scope (AccessService.operator).
        AccessService,
        CouncilsRepository,
        InvitationsRepository,
        InvitationIssuer,
        CouncilRecoveryService,
        // kek:rotate — each council's data keys re-wrapped through AccessService.system.
        KekRotationService,
        // data:seal — rows and files stored before envelope encryption, sealed the same way.
        LegacySealRepository,
        LegacySealService,
        fileStorageProvider,
      ],
    };
  }
}

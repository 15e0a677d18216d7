import { Global, Module } from '@nestjs/common';
import { AuditCheckpointScheduler } from './audit-checkpoint.scheduler';
import { AuditQueryRepository } from './audit-query.repository';
import { AuditReportsService } from './audit-reports.service';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditService, AuditQueryRepository, AuditReportsService, AuditCheckpointScheduler],
  exports: [AuditService, AuditReportsService],
})
export class AuditModule {}

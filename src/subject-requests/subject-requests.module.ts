import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { SubjectRequestsController } from './subject-requests.controller';
import { SubjectRequestsRepository } from './subject-requests.repository';
import { SubjectRequestsService } from './subject-requests.service';

/** A person's requests about their own data (APPI; issue 19). */
@Module({
  imports: [CasesModule],
  controllers: [SubjectRequestsController],
  providers: [SubjectRequestsRepository, SubjectRequestsService],
})
export class SubjectRequestsModule {}

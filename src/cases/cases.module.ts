import { Module } from '@nestjs/common';
import { CaseWorkController, InfoRequestsController } from './case-work.controller';
import { CaseWorkRepository } from './case-work.repository';
import { CaseWorkService } from './case-work.service';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { CaseSearchRepository } from './case-search.repository';
import { CaseSearchService } from './case-search.service';

@Module({
  controllers: [CasesController, CaseWorkController, InfoRequestsController],
  providers: [
    CasesRepository,
    CasesService,
    CaseWorkRepository,
    CaseWorkService,
    CaseSearchRepository,
    CaseSearchService,
  ],
  exports: [CasesService, CasesRepository, CaseWorkService, CaseWorkRepository],
})
export class CasesModule {}

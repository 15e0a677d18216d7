import { Module } from '@nestjs/common';
import { CaseIntakeController } from './case-intake.controller';
import { CaseIntakeRepository } from './case-intake.repository';
import { CaseIntakeService } from './case-intake.service';
import { CaseNumberingController, CaseNumberingService } from './case-numbering.controller';
import { CaseWorkController, InfoRequestsController } from './case-work.controller';
import { CaseWorkRepository } from './case-work.repository';
import { CaseWorkService } from './case-work.service';
import { CaseLinksController } from './case-links.controller';
import { CaseLinksRepository } from './case-links.repository';
import { CaseLinksService } from './case-links.service';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { CaseSearchRepository } from './case-search.repository';
import { CaseSearchService } from './case-search.service';

@Module({
  controllers: [
    CaseNumberingController,
    CaseIntakeController,
    CasesController,
    CaseWorkController,
    InfoRequestsController,
    CaseLinksController,
  ],
  providers: [
    CasesRepository,
    CasesService,
    CaseWorkRepository,
    CaseWorkService,
    CaseSearchRepository,
    CaseSearchService,
    CaseLinksRepository,
    CaseLinksService,
    CaseNumberingService,
    CaseIntakeRepository,
    CaseIntakeService,
  ],
  exports: [
    CasesService,
    CasesRepository,
    CaseWorkService,
    CaseSearchRepository,
    CaseWorkRepository,
  ],
})
export class CasesModule {}

import { Module } from '@nestjs/common';
import { ExplainController } from './explain.controller';
import { ExplainService } from './explain.service';

/** GET …/access/explain: outside src/access, which depends on no feature module. */
@Module({ controllers: [ExplainController], providers: [ExplainService] })
export class ExplainModule {}

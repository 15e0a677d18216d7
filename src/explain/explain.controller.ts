import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { Explanation, ExplainQueryDto } from './explain.dto';
import { ExplainService } from './explain.service';

@ApiTags('access')
@Controller('councils/:councilId/access')
export class ExplainController {
  constructor(private readonly explainer: ExplainService) {}

  /** The decision and the rule that made it (coordinators and auditors). */
  @Get('explain')
  @Authorize('read', 'AccessDecision')
  explain(@Principal() p: CouncilPrincipal, @Query() q: ExplainQueryDto): Promise<Explanation> {
    return this.explainer.explain(p, q);
  }
}

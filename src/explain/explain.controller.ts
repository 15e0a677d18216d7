import { Get, Query } from '@nestjs/common';
import { CouncilController } from '../common/http/api-docs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { Explanation, ExplanationDto, ExplainQueryDto } from './explain.dto';
import { ExplainService } from './explain.service';

@ApiTags('access')
@CouncilController('access')
export class ExplainController {
  constructor(private readonly explainer: ExplainService) {}

  /** The decision and the rule that made it (coordinators and auditors). */
  @Get('explain')
  @Authorize('read', 'AccessDecision')
  @ApiOperation({
    summary: 'Explain why the caller may or may not do something',
    operationId: 'explainAccess',
  })
  @ApiOkResponse({ type: ExplanationDto })
  explain(@Principal() p: CouncilPrincipal, @Query() q: ExplainQueryDto): Promise<Explanation> {
    return this.explainer.explain(p, q);
  }
}

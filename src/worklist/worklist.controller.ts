import { Get, Query } from '@nestjs/common';
import { CouncilController } from '../common/http/api-docs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { WorklistDto, WorklistQueryDto } from './worklist.dto';
import { Worklist, WorklistService } from './worklist.service';

@ApiTags('worklist')
@CouncilController('worklist')
export class WorklistController {
  constructor(private readonly worklist: WorklistService) {}

  /** What is due for the caller: coordinators the council's, agency staff their own body's. */
  @Get()
  @Authorize('read', 'Worklist')
  @ApiOperation({ summary: 'What needs the caller’s attention now', operationId: 'getWorklist' })
  @ApiOkResponse({ type: WorklistDto })
  get(@Principal() p: CouncilPrincipal, @Query() q: WorklistQueryDto): Promise<Worklist> {
    return this.worklist.get(p, q);
  }
}

import { Body, Get, Post, Put } from '@nestjs/common';
import { ApiErrors, CouncilController } from '../common/http/api-docs';
import { ApiCreatedResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import {
  AcceptPledgeDto,
  PledgeAcceptanceDto,
  PledgeDto,
  PublishPledgeDto,
} from './dto/council.dto';
import { PledgeService } from './pledge.service';

/** 誓約 (Art. 18). Reachable without a pledge, obviously: this is where one gives it. */
@ApiTags('pledge')
@CouncilController('pledge')
export class PledgeController {
  constructor(private readonly pledges: PledgeService) {}

  @Get()
  @Authorize('read', 'Pledge')
  @ApiOkResponse({ type: PledgeDto })
  @ApiOperation({
    summary: 'Read the current confidentiality pledge and whether the caller accepted it',
    operationId: 'getPledge',
  })
  current(@Principal() p: CouncilPrincipal): Promise<PledgeDto> {
    return this.pledges.current(p);
  }

  /** The caller's own acceptance; no one can accept for someone else. */
  @Post()
  @Authorize('accept', 'Pledge')
  @ApiCreatedResponse({ type: PledgeAcceptanceDto })
  @ApiOperation({
    summary: 'Accept the current confidentiality pledge',
    operationId: 'acceptPledge',
  })
  @ApiErrors(409)
  accept(
    @Principal() p: CouncilPrincipal,
    @Body() dto: AcceptPledgeDto,
  ): Promise<PledgeAcceptanceDto> {
    return this.pledges.accept(p, dto.version);
  }

  @Put()
  @Authorize('publish', 'Pledge')
  @ApiOkResponse({ type: PledgeDto, description: 'Publishes the text as the next version' })
  @ApiOperation({ summary: 'Publish a new version of the pledge', operationId: 'publishPledge' })
  @ApiErrors(409)
  publish(@Principal() p: CouncilPrincipal, @Body() dto: PublishPledgeDto): Promise<PledgeDto> {
    return this.pledges.publish(p, dto.text);
  }
}

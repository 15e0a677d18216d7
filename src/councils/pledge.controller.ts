import { Body, Controller, Get, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
@Controller('councils/:councilId/pledge')
export class PledgeController {
  constructor(private readonly pledges: PledgeService) {}

  @Get()
  @Authorize('read', 'Pledge')
  @ApiOkResponse({ type: PledgeDto })
  current(@Principal() p: CouncilPrincipal): Promise<PledgeDto> {
    return this.pledges.current(p);
  }

  /** The caller's own acceptance; no one can accept for someone else. */
  @Post()
  @Authorize('accept', 'Pledge')
  @ApiCreatedResponse({ type: PledgeAcceptanceDto })
  accept(
    @Principal() p: CouncilPrincipal,
    @Body() dto: AcceptPledgeDto,
  ): Promise<PledgeAcceptanceDto> {
    return this.pledges.accept(p, dto.version);
  }

  @Put()
  @Authorize('publish', 'Pledge')
  @ApiOkResponse({ type: PledgeDto, description: 'Publishes the text as the next version' })
  publish(@Principal() p: CouncilPrincipal, @Body() dto: PublishPledgeDto): Promise<PledgeDto> {
    return this.pledges.publish(p, dto.text);
  }
}

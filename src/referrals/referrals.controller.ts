import { ApiErrors } from '../common/http/api-docs';
import { Body, Get, HttpCode, Post, Query } from '@nestjs/common';
import { CouncilController } from '../common/http/api-docs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { IdParam } from '../common/http/id-param';
import {
  AcceptedReferralDto,
  AcceptReferralDto,
  CreateReferralDto,
  DeclineReferralDto,
  MergeReferralDto,
  ReferralDto,
  ReferralListDto,
  ReferralQueryDto,
} from './referral.dto';
import { ReferralsService } from './referrals.service';

@ApiTags('referrals')
@CouncilController('referrals')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Post()
  @Authorize('create', 'Referral')
  @ApiOperation({
    summary: 'Refer a person to the council (agency staff for their body; coordinators too)',
    operationId: 'createReferral',
  })
  @ApiCreatedResponse({ type: ReferralDto })
  create(@Principal() p: CouncilPrincipal, @Body() dto: CreateReferralDto): Promise<ReferralDto> {
    return this.referrals.create(p, dto);
  }

  @Get()
  @Authorize('read', 'Referral')
  @ApiOperation({
    summary: 'Referrals: all for coordinators, the own body’s for agency staff',
    operationId: 'listReferrals',
  })
  @ApiOkResponse({ type: ReferralListDto })
  list(@Principal() p: CouncilPrincipal, @Query() q: ReferralQueryDto): Promise<ReferralListDto> {
    return this.referrals.list(p, q);
  }

  @Get(':referralId')
  @Authorize('read', 'Referral')
  @ApiOperation({ summary: 'One referral and its outcome', operationId: 'getReferral' })
  @ApiOkResponse({ type: ReferralDto })
  get(@Principal() p: CouncilPrincipal, @IdParam('referralId') id: string): Promise<ReferralDto> {
    return this.referrals.get(p, id);
  }

  @Post(':referralId/accept')
  @HttpCode(200)
  @Authorize('accept', 'Referral')
  @ApiOperation({
    summary:
      'Accept: register a case from the referral (consent recorded; the submitting body assigned when the consent names it)',
    operationId: 'acceptReferral',
  })
  @ApiErrors(409)
  @ApiOkResponse({ type: AcceptedReferralDto })
  accept(
    @Principal() p: CouncilPrincipal,
    @IdParam('referralId') id: string,
    @Body() dto: AcceptReferralDto,
  ): Promise<AcceptedReferralDto> {
    return this.referrals.accept(p, id, dto);
  }

  @Post(':referralId/decline')
  @HttpCode(200)
  @Authorize('update', 'Referral')
  @ApiOperation({ summary: 'Decline the referral with a reason', operationId: 'declineReferral' })
  @ApiOkResponse({ type: ReferralDto })
  decline(
    @Principal() p: CouncilPrincipal,
    @IdParam('referralId') id: string,
    @Body() dto: DeclineReferralDto,
  ): Promise<ReferralDto> {
    return this.referrals.decline(p, id, dto);
  }

  @Post(':referralId/merge')
  @HttpCode(200)
  @Authorize('update', 'Referral')
  @ApiOperation({
    summary: 'Merge into an existing case (no new case; the submitting body gains no access)',
    operationId: 'mergeReferral',
  })
  @ApiOkResponse({ type: ReferralDto })
  merge(
    @Principal() p: CouncilPrincipal,
    @IdParam('referralId') id: string,
    @Body() dto: MergeReferralDto,
  ): Promise<ReferralDto> {
    return this.referrals.merge(p, id, dto);
  }
}

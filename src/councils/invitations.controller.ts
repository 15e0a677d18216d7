import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiErrors } from '../common/http/api-docs';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AuthUser, RequestOrigin, TokenPair } from '../auth/auth.types';
import { CurrentUser, Origin } from '../auth/current-user.decorator';
import { AcceptInvitationDto, TokenPairDto } from '../auth/dto/auth.dto';
import { Public } from '../auth/public.decorator';
import { IdParam } from '../common/http/id-param';
import { NoBody } from '../common/http/no-body';
import { MembershipDto } from '../users/me.dto';
import { DeclinedInvitationDto, MyInvitationsDto } from './dto/council.dto';
import { InvitationsService } from './invitations.service';

/** Answering staff invitations (issue 13): by the link's token, or signed in, by id. */
@Controller()
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  /**
   * A new address accepts with its own password and name → a token pair for the new account.
   * 400 INVITATION_INVALID (unknown, expired, answered, withdrawn); 409 ACCOUNT_EXISTS when the
   * address has an account (accept it signed in instead).
   */
  @ApiTags('auth')
  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('auth/invitations/accept')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiOperation({
    summary: 'Accept an e-mailed invitation (creating an account if needed)',
    operationId: 'acceptInvitationWithToken',
  })
  @ApiErrors(403, 409, 429)
  acceptWithToken(
    @Body() dto: AcceptInvitationDto,
    @Origin() origin: RequestOrigin,
  ): Promise<TokenPair> {
    return this.invitations.acceptAndSignIn(dto.token, dto.password, dto.displayName, origin);
  }

  /** The caller's open invitations (to their own address), across councils. */
  @ApiTags('me')
  @ApiBearerAuth()
  @Get('me/invitations')
  @ApiOkResponse({ type: MyInvitationsDto })
  @ApiOperation({ summary: 'List the caller’s open invitations', operationId: 'listMyInvitations' })
  async mine(@CurrentUser() user: AuthUser): Promise<MyInvitationsDto> {
    return { items: await this.invitations.mine(user) };
  }

  @ApiTags('me')
  @ApiBearerAuth()
  @Post('me/invitations/:invitationId/accept')
  @HttpCode(200)
  @ApiOkResponse({ type: MembershipDto })
  @ApiOperation({
    summary: 'Accept an invitation as the signed-in account',
    operationId: 'acceptInvitation',
  })
  @ApiErrors(403, 409)
  accept(
    @CurrentUser() user: AuthUser,
    @IdParam('invitationId') id: string,
    @NoBody() _body: undefined,
    @Origin() origin: RequestOrigin,
  ): Promise<MembershipDto> {
    return this.invitations.acceptAsUser(user, id, origin);
  }

  @ApiTags('me')
  @ApiBearerAuth()
  @Post('me/invitations/:invitationId/decline')
  @HttpCode(200)
  @ApiOkResponse({ type: DeclinedInvitationDto })
  @ApiOperation({ summary: 'Decline an invitation', operationId: 'declineInvitation' })
  @ApiErrors(409)
  decline(
    @CurrentUser() user: AuthUser,
    @IdParam('invitationId') id: string,
    @NoBody() _body: undefined,
    @Origin() origin: RequestOrigin,
  ): Promise<DeclinedInvitationDto> {
    return this.invitations.decline(user, id, origin);
  }
}

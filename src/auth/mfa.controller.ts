import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiErrors } from '../common/http/api-docs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import { NoBody } from '../common/http/no-body';
import { AuthUser, RequestOrigin } from './auth.types';
import { CurrentUser, Origin } from './current-user.decorator';
import { MfaCodeDto, RecoveryCodesDto, TotpEnrolmentDto } from './dto/auth.dto';
import { MfaService } from './mfa.service';

/** The caller's own second factor (TOTP, RFC 6238). */
@ApiTags('me')
@ApiBearerAuth()
@Controller('me/mfa')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  /** Starts enrolment (409 MFA_ALREADY_ENABLED when one is on): scan the URI, then confirm. */
  @Post('totp')
  @ApiCreatedResponse({ type: TotpEnrolmentDto })
  @ApiOperation({
    summary: 'Start enrolling an authenticator app (TOTP)',
    operationId: 'startTotpEnrolment',
  })
  @ApiErrors(409)
  start(
    @CurrentUser() user: AuthUser,
    @NoBody() _body: undefined,
    @Origin() origin: RequestOrigin,
  ): Promise<TotpEnrolmentDto> {
    return this.mfa.start(user, origin);
  }

  /** Turns the second factor on with a first code; returns the ten recovery codes, once. */
  @Post('totp/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiOperation({
    summary: 'Confirm the authenticator app with a first code',
    operationId: 'confirmTotpEnrolment',
  })
  @ApiErrors(403, 409)
  confirm(
    @CurrentUser() user: AuthUser,
    @Body() dto: MfaCodeDto,
    @Origin() origin: RequestOrigin,
  ): Promise<RecoveryCodesDto> {
    return this.mfa.confirm(user, dto.code, origin);
  }

  /** Turns it off with a current code (403 INVALID_MFA_CODE otherwise). */
  @Delete('totp')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiOperation({ summary: 'Remove the second factor', operationId: 'disableTotp' })
  @ApiErrors(409)
  disable(
    @CurrentUser() user: AuthUser,
    @Body() dto: MfaCodeDto,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    return this.mfa.disable(user, dto.code, origin);
  }
}

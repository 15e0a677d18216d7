import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiErrors } from '../common/http/api-docs';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
  ApiOperation,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AuthService } from './auth.service';
import { AuthUser, LoginResult, RequestOrigin, TokenPair } from './auth.types';
import { CurrentUser, Origin } from './current-user.decorator';
import {
  LoginDto,
  MfaChallengeDto,
  MfaLoginDto,
  PasswordResetDto,
  PasswordResetRequestDto,
  PasswordResetRequestedDto,
  RefreshDto,
  TokenPairDto,
} from './dto/auth.dto';
import { PasswordChangeExempt } from './password-change-exempt.decorator';
import { PasswordResetService } from './password-reset.service';
import { Public } from './public.decorator';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly resets: PasswordResetService,
  ) {}

  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('login')
  @HttpCode(200)
  @ApiExtraModels(TokenPairDto, MfaChallengeDto)
  @ApiOkResponse({
    description:
      'A token pair, or — when the account has a second factor — a challenge for POST /auth/mfa',
    schema: {
      oneOf: [{ $ref: getSchemaPath(TokenPairDto) }, { $ref: getSchemaPath(MfaChallengeDto) }],
    },
  })
  @ApiOperation({ summary: 'Sign in with e-mail and password', operationId: 'login' })
  @ApiErrors(401, 429)
  login(@Body() dto: LoginDto, @Origin() origin: RequestOrigin): Promise<LoginResult> {
    return this.auth.login(dto.email, dto.password, origin);
  }

  /** The second step of a login with TOTP: 401 INVALID_MFA_CODE, 429 after repeated failures. */
  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('mfa')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiOperation({
    summary: 'Complete a sign-in with the second factor',
    operationId: 'completeMfaLogin',
  })
  @ApiErrors(401, 429)
  mfa(@Body() dto: MfaLoginDto, @Origin() origin: RequestOrigin): Promise<TokenPair> {
    return this.auth.completeMfa(dto.mfaToken, dto.code, origin);
  }

  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiOperation({
    summary: 'Exchange a refresh token for a new token pair',
    operationId: 'refreshTokens',
  })
  @ApiErrors(401, 429)
  refresh(@Body() dto: RefreshDto, @Origin() origin: RequestOrigin): Promise<TokenPair> {
    return this.auth.refresh(dto.refreshToken, origin);
  }

  @ApiBearerAuth()
  @PasswordChangeExempt()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: revoke the session', operationId: 'logout' })
  logout(@CurrentUser() user: AuthUser, @Origin() origin: RequestOrigin): Promise<void> {
    return this.auth.logout(user, origin);
  }

  /** Always 202, whether or not the address has an account; the link goes by mail (1 hour). */
  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('password-reset')
  @HttpCode(202)
  @ApiAcceptedResponse({
    description: 'The same answer whether or not the address has an account',
    type: PasswordResetRequestedDto,
  })
  @ApiOperation({
    summary: 'Ask for a password reset link by e-mail',
    operationId: 'requestPasswordReset',
  })
  @ApiErrors(429)
  async requestReset(
    @Body() dto: PasswordResetRequestDto,
    @Origin() origin: RequestOrigin,
  ): Promise<{ message: string }> {
    await this.resets.request(dto.email, origin);
    return { message: 'If the address has an account, a reset link has been sent to it' };
  }

  /** 400 RESET_TOKEN_INVALID for an unknown, used or expired link; every session ends. */
  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiOperation({
    summary: 'Set a new password with a reset link’s token',
    operationId: 'confirmPasswordReset',
  })
  @ApiErrors(429)
  confirmReset(@Body() dto: PasswordResetDto, @Origin() origin: RequestOrigin): Promise<void> {
    return this.resets.confirm(dto.token, dto.newPassword, origin);
  }
}

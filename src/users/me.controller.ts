import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthService } from '../auth/auth.service';
import { AuthUser, RequestOrigin } from '../auth/auth.types';
import { CurrentUser, Origin } from '../auth/current-user.decorator';
import { ChangePasswordDto } from '../auth/dto/auth.dto';
import { PasswordChangeExempt } from '../auth/password-change-exempt.decorator';
import { NotificationsDto } from './me.dto';
import { MeDto, MeService } from './me.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly me: MeService,
    private readonly auth: AuthService,
  ) {}

  @Get()
  @PasswordChangeExempt()
  @ApiOkResponse({ type: MeDto })
  @ApiOperation({ summary: 'The signed-in account and its staff records', operationId: 'getMe' })
  profile(@CurrentUser() principal: AuthUser): Promise<MeDto> {
    return this.me.profile(principal.userId);
  }

  @Post('password')
  @PasswordChangeExempt()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Change the signed-in account’s password',
    operationId: 'changePassword',
  })
  changePassword(
    @CurrentUser() principal: AuthUser,
    @Body() dto: ChangePasswordDto,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    return this.auth.changePassword(principal, dto.currentPassword, dto.newPassword, origin);
  }

  @Get('notifications')
  @ApiOperation({ summary: 'Your notification settings', operationId: 'getNotifications' })
  @ApiOkResponse({ type: NotificationsDto })
  notifications(@CurrentUser() principal: AuthUser): Promise<NotificationsDto> {
    return this.me.notifications(principal.userId);
  }

  @Put('notifications')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Turn the daily digest on or off',
    operationId: 'setNotifications',
  })
  @ApiOkResponse({ type: NotificationsDto })
  setNotifications(
    @CurrentUser() principal: AuthUser,
    @Body() dto: NotificationsDto,
  ): Promise<NotificationsDto> {
    return this.me.setNotifications(principal.userId, dto);
  }
}

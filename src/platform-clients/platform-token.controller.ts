import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiErrors } from '../common/http/api-docs';
import { ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { RequestOrigin } from '../auth/auth.types';
import { Origin } from '../auth/current-user.decorator';
import { Public } from '../auth/public.decorator';
import { PlatformTokenDto, PlatformTokenRequestDto } from './dto/platform-clients.dto';
import { PlatformClientsService } from './platform-clients.service';

/** Client credentials for platform clients: throttled per address like the users' login. */
@ApiTags('auth')
@Controller('auth')
export class PlatformTokenController {
  constructor(private readonly clients: PlatformClientsService) {}

  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('token')
  @HttpCode(200)
  @ApiOkResponse({ type: PlatformTokenDto })
  @ApiOperation({
    summary: 'Platform clients: exchange credentials for a token',
    operationId: 'issuePlatformToken',
  })
  @ApiErrors(401, 429)
  token(
    @Body() dto: PlatformTokenRequestDto,
    @Origin() origin: RequestOrigin,
  ): Promise<PlatformTokenDto> {
    return this.clients.issueToken(dto.clientId, dto.clientSecret, origin);
  }
}

import { Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/public.decorator';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';

class HealthDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ enum: ['up'] }) db!: 'up';
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  @Public()
  @SkipThrottle()
  @Get()
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ description: 'The database is down' })
  async check(): Promise<HealthDto> {
    try {
      await this.health.check([() => this.db.pingCheck('db', { timeout: 2_000 })]);
    } catch {
      throw new DomainError(
        503,
        ErrorCode.DatabaseUnavailable,
        'The database is unavailable',
        {
          status: 'error',
          db: 'down',
        },
        { 'Retry-After': '5' },
      );
    }
    return { status: 'ok', db: 'up' };
  }
}

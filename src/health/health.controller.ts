import { Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/public.decorator';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { Lifecycle } from './lifecycle';

class HealthDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ enum: ['up'] }) db!: 'up';
}

class LiveDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

/**
 * `/health`: the process and its database (what monitoring watches). `/health/ready`: whether a
 * load balancer should send this instance requests — no once a graceful shutdown has begun or
 * while the database is away. `/health/live`: whether the process answers at all (an
 * orchestrator restarts it if not); never depends on the database, so a database outage does
 * not restart every instance.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly lifecycle: Lifecycle,
  ) {}

  @Public()
  @SkipThrottle()
  @Get()
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ description: 'The database is down' })
  @ApiOperation({
    summary: 'Health: is the process up and the database reachable?',
    operationId: 'checkHealth',
  })
  async check(): Promise<HealthDto> {
    await this.pingDatabase();
    return { status: 'ok', db: 'up' };
  }

  @Public()
  @SkipThrottle()
  @Get('ready')
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({
    description: 'Shutting down (SHUTTING_DOWN) or the database is down (DATABASE_UNAVAILABLE)',
  })
  @ApiOperation({
    summary: 'Readiness: send this instance traffic?',
    operationId: 'checkReadiness',
  })
  async ready(): Promise<HealthDto> {
    if (this.lifecycle.shuttingDown) {
      throw new DomainError(
        503,
        ErrorCode.ShuttingDown,
        'This instance is shutting down',
        { status: 'error' },
        { 'Retry-After': '5' },
      );
    }
    await this.pingDatabase();
    return { status: 'ok', db: 'up' };
  }

  @Public()
  @SkipThrottle()
  @Get('live')
  @ApiOkResponse({ type: LiveDto })
  @ApiOperation({
    summary: 'Liveness: is the process serving at all?',
    operationId: 'checkLiveness',
  })
  live(): LiveDto {
    return { status: 'ok' };
  }

  private async pingDatabase(): Promise<void> {
    try {
      await this.health.check([() => this.db.pingCheck('db', { timeout: 2_000 })]);
    } catch {
      throw new DomainError(
        503,
        ErrorCode.DatabaseUnavailable,
        'The database is unavailable',
        { status: 'error', db: 'down' },
        { 'Retry-After': '5' },
      );
    }
  }
}

import { ApiErrors } from '../common/http/api-docs';
import { Controller, createParamDecorator, ExecutionContext, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { PlatformAuthorize } from '../platform-clients/platform-token.guard';
import { PlatformClient } from '../platform-clients/platform-token';
import { StatisticsDto, StatisticsQueryDto } from './dto/statistics.dto';
import { PlatformStatisticsService } from './platform-statistics.service';

/** The platform client the token guard authenticated. */
const Client = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): PlatformClient =>
    ctx.switchToHttp().getRequest<Request & { platformClient: PlatformClient }>().platformClient,
);

@ApiTags('platform')
@Controller('platform/statistics')
export class PlatformStatisticsController {
  constructor(private readonly statistics: PlatformStatisticsService) {}

  /** Platform client tokens only: a user's access token is refused here (401). */
  @Get()
  @PlatformAuthorize('read', 'Statistics')
  @ApiOkResponse({ type: StatisticsDto, description: 'The stored, suppressed snapshot' })
  @ApiBadRequestResponse({
    description: 'PERIOD_NOT_PUBLISHED: not a closed, published period; VALIDATION_FAILED',
  })
  @ApiOperation({
    summary: 'Cross-council statistics for a published period',
    operationId: 'getPlatformStatistics',
  })
  @ApiErrors(404)
  get(@Client() client: PlatformClient, @Query() q: StatisticsQueryDto): Promise<StatisticsDto> {
    return this.statistics.statistics(client, q);
  }
}

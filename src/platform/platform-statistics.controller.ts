import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { StatisticsDto, StatisticsQueryDto } from './dto/statistics.dto';
import { PlatformAuthorize } from '../platform-clients/platform-token.guard';
import { PlatformStatisticsService } from './platform-statistics.service';

@ApiTags('platform')
@Controller('platform/statistics')
export class PlatformStatisticsController {
  constructor(private readonly statistics: PlatformStatisticsService) {}

  /** Platform client tokens only: a user's access token is refused here (401). */
  @Get()
  @PlatformAuthorize('read', 'Statistics')
  @ApiOkResponse({ type: StatisticsDto })
  get(@Query() q: StatisticsQueryDto): Promise<StatisticsDto> {
    return this.statistics.statistics(q);
  }
}

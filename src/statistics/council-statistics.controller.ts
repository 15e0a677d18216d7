import { Body, Get, HttpCode, Param, PipeTransform, Post, Query } from '@nestjs/common';
import { ApiErrors, CouncilController } from '../common/http/api-docs';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { notFound } from '../common/errors/domain-error';
import { MONTH_PATTERN } from '../platform/period';
import {
  CouncilStatisticsDto,
  CouncilStatisticsQueryDto,
  CreateHoldDto,
  HoldDto,
} from './dto/council-statistics.dto';
import { CouncilStatisticsService } from './council-statistics.service';

/** A month (YYYY-MM) in a path; anything else names no hold: 404. */
class MonthPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !MONTH_PATTERN.test(value)) throw notFound('Hold');
    return value;
  }
}

/** A council's own statistics and their publication (coordinators; DESIGN.md §3.12). */
@ApiTags('statistics')
@CouncilController('statistics')
export class CouncilStatisticsController {
  constructor(private readonly statistics: CouncilStatisticsService) {}

  @Get()
  @Authorize('read', 'CouncilStatistics')
  @ApiOkResponse({ type: CouncilStatisticsDto })
  @ApiOperation({
    summary: 'The council’s own statistics for a period',
    operationId: 'getCouncilStatistics',
  })
  read(@Principal() p: CouncilPrincipal, @Query() q: CouncilStatisticsQueryDto) {
    return this.statistics.read(p, q.period);
  }

  @Post('holds')
  @HttpCode(201)
  @Authorize('update', 'CouncilStatistics')
  @ApiCreatedResponse({ type: HoldDto })
  @ApiErrors(409)
  @ApiOperation({ summary: 'Hold a month back from publication', operationId: 'holdStatistics' })
  hold(@Principal() p: CouncilPrincipal, @Body() dto: CreateHoldDto) {
    return this.statistics.hold(p, dto.period, dto.reason ?? null);
  }

  @Post('holds/:month/release')
  @HttpCode(200)
  @Authorize('update', 'CouncilStatistics')
  @ApiOkResponse({ type: HoldDto })
  @ApiParam({ name: 'month', schema: { type: 'string', pattern: MONTH_PATTERN.source } })
  @ApiErrors(409)
  @ApiOperation({
    summary: 'Release a held month for publication',
    operationId: 'releaseStatisticsHold',
  })
  release(@Principal() p: CouncilPrincipal, @Param('month', new MonthPipe()) month: string) {
    return this.statistics.release(p, month);
  }
}

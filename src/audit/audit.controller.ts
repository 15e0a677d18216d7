import { Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiErrors, ApiPageResponse, CouncilController } from '../common/http/api-docs';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import type { Response } from 'express';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { notFound } from '../common/errors/domain-error';
import { PageQueryDto, pageLimit } from '../common/http/pagination';
import { IsCalendarDate } from '../common/http/validators';
import { AuditReportsService } from './audit-reports.service';
import {
  AccessReportDto,
  AnomalyReportDto,
  AuditCheckpointDto,
  AuditCheckpointListDto,
  AuditEventDto,
  VerificationReportDto,
} from './audit-response.dto';

/** API.md v2: every from/to is a date, both ends included, in the council's time zone. */
const FROM_DESCRIPTION =
  'First day, included (YYYY-MM-DD, a whole day in the council’s time zone, TIME_ZONE)';
const TO_DESCRIPTION =
  'Last day, included (YYYY-MM-DD, a whole day in the council’s time zone); not before from';

class EventQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() caseId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() actorUserId?: string;
  @ApiPropertyOptional({ example: 'case.read' })
  @IsOptional()
  @Matches(/^[a-z_]+\.[a-z_.]+$/)
  action?: string;
  @ApiPropertyOptional({ enum: ['allowed', 'denied'] })
  @IsOptional()
  @IsIn(['allowed', 'denied'])
  outcome?: 'allowed' | 'denied';
  @ApiPropertyOptional({ format: 'date', example: '2026-04-01', description: FROM_DESCRIPTION })
  @IsOptional()
  @IsCalendarDate()
  from?: string;
  @ApiPropertyOptional({ format: 'date', example: '2026-04-30', description: TO_DESCRIPTION })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

class CaseQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() caseId!: string;
}

class TimelineQueryDto extends PageQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId!: string;
}

class ExportQueryDto {
  @ApiPropertyOptional({ enum: ['jsonl', 'csv'], default: 'jsonl' })
  @IsOptional()
  @IsIn(['jsonl', 'csv'])
  format?: 'jsonl' | 'csv';
}

class PeriodQueryDto {
  @ApiProperty({ format: 'date', example: '2026-04-01', description: FROM_DESCRIPTION })
  @IsCalendarDate()
  from!: string;
  @ApiProperty({ format: 'date', example: '2026-04-30', description: TO_DESCRIPTION })
  @IsCalendarDate()
  to!: string;
}

/** The auditor's API (API.md "Audit"): coordinators may read events, only auditors verify and export. */
@ApiTags('audit')
@CouncilController('audit')
export class AuditController {
  constructor(private readonly reports: AuditReportsService) {}

  @Get('events')
  @Authorize('read', 'AuditEvent')
  @ApiOperation({
    summary: 'List the council’s audit events (ids, never content)',
    operationId: 'listAuditEvents',
  })
  @ApiPageResponse(AuditEventDto)
  events(@Principal() p: CouncilPrincipal, @Query() q: EventQueryDto) {
    const { limit: _l, cursor, ...filter } = q;
    return this.reports.events(p, filter, cursor, pageLimit(q));
  }

  @Get('verify')
  @Authorize('verify', 'AuditEvent')
  @ApiOperation({
    summary: 'Verify the council’s audit hash chain',
    operationId: 'verifyAuditChain',
  })
  @ApiOkResponse({ type: VerificationReportDto })
  verify(@Principal() p: CouncilPrincipal) {
    return this.reports.verify(p, p.councilId);
  }

  @Post('checkpoints')
  @HttpCode(201)
  @Authorize('verify', 'AuditEvent')
  @ApiOperation({
    summary: 'Sign a checkpoint of the audit chain now',
    operationId: 'createAuditCheckpoint',
  })
  @ApiCreatedResponse({ type: AuditCheckpointDto })
  @ApiErrors(409)
  async checkpoint(@Principal() p: CouncilPrincipal) {
    const checkpoint = await this.reports.checkpoint(p, p.councilId);
    if (!checkpoint) throw notFound('Audit events');
    return checkpoint;
  }

  @Get('checkpoints')
  @Authorize('read', 'AuditEvent')
  @ApiOperation({ summary: 'List signed audit checkpoints', operationId: 'listAuditCheckpoints' })
  @ApiOkResponse({ type: AuditCheckpointListDto })
  checkpoints(@Principal() p: CouncilPrincipal) {
    return this.reports.checkpoints(p);
  }

  @Get('access-report')
  @Authorize('read', 'AuditEvent')
  @ApiOperation({
    summary: 'Who accessed a case: when, in what role and body, on what basis',
    operationId: 'getAccessReport',
  })
  @ApiOkResponse({ type: AccessReportDto })
  accessReport(@Principal() p: CouncilPrincipal, @Query() q: CaseQueryDto) {
    return this.reports.accessReport(p, q.caseId);
  }

  @Get('timeline')
  @Authorize('read', 'AuditEvent')
  @ApiOperation({
    summary: 'Everything one person did in the council',
    operationId: 'getCaseAccessTimeline',
  })
  @ApiPageResponse(AuditEventDto)
  timeline(@Principal() p: CouncilPrincipal, @Query() q: TimelineQueryDto) {
    return this.reports.timeline(p, q.userId, q.cursor, pageLimit(q));
  }

  @Get('anomalies')
  @Authorize('verify', 'AuditEvent')
  @ApiOperation({
    summary: 'Unusual access patterns worth a look',
    operationId: 'listAccessAnomalies',
  })
  @ApiOkResponse({ type: AnomalyReportDto })
  anomalies(@Principal() p: CouncilPrincipal, @Query() q: PeriodQueryDto) {
    return this.reports.anomalies(p, q.from, q.to);
  }

  /** Streamed; recorded before the first byte leaves. Includes the checkpoints and the public key. */
  @Get('export')
  @Authorize('export', 'AuditEvent')
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOperation({
    summary: 'Export audit events (CSV or JSON Lines)',
    operationId: 'exportAuditEvents',
  })
  @ApiOkResponse({
    description:
      'JSON Lines (a header line with the checkpoints and public key, then one event per line) or RFC 4180 CSV (a header row, then one event per row); docs/audit.md',
    schema: { type: 'string' },
  })
  async export(
    @Principal() p: CouncilPrincipal,
    @Query() q: ExportQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const format = q.format ?? 'jsonl';
    await this.reports.recordExport(p, format);
    res.status(200);
    res.setHeader(
      'Content-Type',
      format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    );
    res.setHeader('Content-Disposition', `attachment; filename="audit-${p.councilId}.${format}"`);
    const write = (chunk: string) =>
      new Promise<void>((resolve) =>
        res.write(chunk) ? resolve() : res.once('drain', () => resolve()),
      );
    try {
      await this.reports.exportTo(p.councilId, write, format);
    } finally {
      res.end();
    }
  }
}

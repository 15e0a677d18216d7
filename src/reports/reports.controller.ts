import { CouncilController } from '../common/http/api-docs';
import { Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { AnnualReportDto, AnnualReportQueryDto, LedgerDto, LedgerQueryDto } from './reports.dto';
import { ReportsService } from './reports.service';
import { annualReportXlsx, ledgerXlsx } from './reports.xlsx';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends a workbook as a download, never to be rendered by the browser. */
function sendXlsx(res: Response, name: string, body: Buffer): void {
  res.setHeader('Content-Type', XLSX);
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  res.send(body);
}

@ApiTags('reports')
@CouncilController('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('annual')
  @Authorize('read', 'Report')
  @ApiOperation({
    summary: 'Annual activity report (年度活動報告)',
    operationId: 'getAnnualReport',
  })
  @ApiOkResponse({ type: AnnualReportDto })
  annual(
    @Principal() p: CouncilPrincipal,
    @Query() q: AnnualReportQueryDto,
  ): Promise<AnnualReportDto> {
    return this.reports.annual(p, q.fiscalYear, 'json');
  }

  @Get('annual/xlsx')
  @Authorize('export', 'Report')
  @ApiOperation({
    summary: 'Annual activity report as XLSX (Japanese headers, 和暦)',
    operationId: 'exportAnnualReport',
  })
  @ApiProduces(XLSX)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async annualXlsx(
    @Principal() p: CouncilPrincipal,
    @Query() q: AnnualReportQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const report = await this.reports.annual(p, q.fiscalYear, 'xlsx');
    sendXlsx(res, `annual-report-${q.fiscalYear}.xlsx`, await annualReportXlsx(report));
  }

  @Get('ledger')
  @Authorize('read', 'Report')
  @ApiOperation({ summary: 'Case ledger (進行管理台帳)', operationId: 'getCaseLedger' })
  @ApiOkResponse({ type: LedgerDto })
  ledger(@Principal() p: CouncilPrincipal, @Query() q: LedgerQueryDto): Promise<LedgerDto> {
    return this.reports.ledger(p, q, 'json');
  }

  @Get('ledger/xlsx')
  @Authorize('export', 'Report')
  @ApiOperation({
    summary: 'Case ledger as XLSX (Japanese headers, 和暦 beside ISO dates)',
    operationId: 'exportCaseLedger',
  })
  @ApiProduces(XLSX)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async ledgerXlsx(
    @Principal() p: CouncilPrincipal,
    @Query() q: LedgerQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const ledger = await this.reports.ledger(p, q, 'xlsx');
    sendXlsx(res, `case-ledger-${ledger.asOf}.xlsx`, await ledgerXlsx(ledger));
  }
}

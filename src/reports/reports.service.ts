import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { AnnualReportDto, LedgerDto, LedgerQueryDto } from './reports.dto';
import { fiscalYear, ReportsRepository } from './reports.repository';
import { warekiFiscalYear } from './wareki';

export type ReportFormat = 'json' | 'xlsx';

/**
 * Coordinators' reports (issue 18 item 4). Both go through the access path under the Report
 * policy and are audited in the same transaction (DESIGN.md §3.4): the annual report holds
 * figures only; the ledger discloses case numbers, so its event names every case it contains
 * (§3.10). The XLSX is built from the same answer after the transaction has committed.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: ReportsRepository,
  ) {}

  annual(p: CouncilPrincipal, year: number, format: ReportFormat): Promise<AnnualReportDto> {
    return this.access.use(
      p,
      {
        action: format === 'json' ? 'read' : 'export',
        subject: 'Report',
        event: 'report.annual',
      },
      async (s) => {
        const fy = fiscalYear(year);
        const figures = await this.repo.annual(s, fy);
        return {
          result: {
            ...fy,
            fiscalYearWareki: warekiFiscalYear(year),
            timeZone: await this.zone(s),
            ...figures,
            firstContactBasis: 'first_note' as const,
          },
          reason: `fiscal_year=${year} format=${format}`,
        };
      },
    );
  }

  ledger(p: CouncilPrincipal, q: LedgerQueryDto, format: ReportFormat): Promise<LedgerDto> {
    const status = q.status ?? 'open';
    return this.access.use(
      p,
      {
        action: format === 'json' ? 'read' : 'export',
        subject: 'Report',
        event: 'report.ledger',
      },
      async (s) => {
        const items = await this.repo.ledger(s, status === 'all' ? null : status);
        const [{ today }] = await s.query<{ today: string }>(
          'report.today',
          `SELECT current_date::text AS today`,
          [],
        );
        return {
          result: { asOf: today, timeZone: await this.zone(s), items },
          resourceType: 'case',
          resourceIds: items.map((i) => i.caseId),
          reason: `status=${status} format=${format}`,
        };
      },
    );
  }

  private async zone(s: CouncilScope): Promise<string> {
    const [{ zone }] = await s.query<{ zone: string }>(
      'report.zone',
      `SELECT current_setting('TimeZone') AS zone`,
      [],
    );
    return zone;
  }
}

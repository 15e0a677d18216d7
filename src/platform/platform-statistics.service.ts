import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { DomainError, notFound } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { PlatformClient } from '../platform-clients/platform-token';
import { StatisticsDto } from './dto/statistics.dto';
import { parsePeriod } from './period';
import { PlatformStatisticsRepository, PublishedSnapshot } from './platform-statistics.repository';
import { DIMENSIONS } from './statistics-vocabulary';

/**
 * Published statistics for the wider platform (DESIGN.md §3.6, §3.12). The platform role reads
 * stored snapshots of closed, fixed periods — computed once, suppressed in the database — so
 * asking twice gives the same bytes, whatever was registered or corrected since, and no two
 * answers can be subtracted to reveal a person. Every read is recorded in the council's audit
 * log (`statistics.read`) before the answer leaves.
 */
@Injectable()
export class PlatformStatisticsService {
  constructor(
    private readonly repo: PlatformStatisticsRepository,
    private readonly audit: AuditService,
  ) {}

  async statistics(
    client: PlatformClient,
    q: { councilId: string; period: string },
  ): Promise<StatisticsDto> {
    const period = parsePeriod(q.period);
    if (!period) throw notPublished(q.period); // the DTO refuses these already
    const councilId = q.councilId.toLowerCase();
    const snapshot = await this.repo.read(councilId, period.id);
    if (snapshot === 'no_council') throw notFound('Council');
    const recorded = {
      councilId,
      actor: { userId: null, role: 'platform_client', memberBodyId: null },
      action: 'statistics.read',
      resourceType: 'platform_client',
      resourceId: client.id,
    };
    if (!snapshot) {
      await this.audit.recordAlone({
        ...recorded,
        outcome: 'denied',
        reason: `period=${period.id} not_published`,
      });
      throw notPublished(period.id);
    }
    assertSuppressed(snapshot);
    await this.audit.recordAlone({
      ...recorded,
      outcome: 'allowed',
      reason: `period=${period.id}`,
    });
    return {
      councilId,
      period: { id: snapshot.period, kind: snapshot.kind, from: snapshot.from, to: snapshot.to },
      k: snapshot.k,
      publishedAt: new Date(snapshot.publishedAt).toISOString(),
      cells: snapshot.cells.map((c) => ({
        dimension: c.dimension,
        value: c.value,
        count: c.count,
        suppressed: c.suppressed,
      })),
    };
  }
}

const notPublished = (period: string): DomainError =>
  new DomainError(
    400,
    ErrorCode.PeriodNotPublished,
    'Only closed, published periods are answered: a month (YYYY-MM), a 年度 quarter (YYYY-Qn) or a 年度 year (FYYYYY)',
    { details: [{ field: 'period', messages: [`${period} is not a published period`] }] },
  );

/**
 * Belt and braces: the database stores only suppressed cells (CHECK constraints), and this
 * refuses to pass on anything else — a count below k, or a cell both counted and withheld, is
 * a server fault, never an answer.
 */
function assertSuppressed(s: PublishedSnapshot): void {
  for (const c of s.cells) {
    const ok =
      (DIMENSIONS as readonly string[]).includes(c.dimension) &&
      c.suppressed === (c.count === null) &&
      (c.count === null ||
        c.dimension === 'median_days_to_first_plan' ||
        (Number.isInteger(c.count) && c.count >= s.k));
    if (!ok) throw new Error(`a published cell is not suppressed: ${c.dimension}/${c.value}`);
  }
}

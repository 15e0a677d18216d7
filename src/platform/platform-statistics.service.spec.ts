import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { PlatformStatisticsRepository, PublishedSnapshot } from './platform-statistics.repository';
import { PlatformStatisticsService } from './platform-statistics.service';

/**
 * The platform's answer as the service builds it from a stored snapshot (DESIGN.md §3.6, §3.10,
 * §3.12), with the repository and the audit log replaced by recorders: which council is asked,
 * what is recorded, and that no cell below k ever leaves — even if the database's CHECK
 * constraints were gone and the snapshot held one (test/db/statistics-suppression tests those).
 * The database suites (test/e2e/platform, platform-suppression) check the same over HTTP.
 */
const COUNCIL = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CLIENT = { id: 'f0e1d2c3-b4a5-4968-8776-655443322110', name: '統計基盤' };
const K = 5;

type Cell = PublishedSnapshot['cells'][number];

const snapshot = (cells: Cell[]): PublishedSnapshot => ({
  period: '2025-01',
  kind: 'month',
  from: '2025-01-01',
  to: '2025-01-31',
  k: K,
  publishedAt: '2025-02-01T03:00:00+09:00',
  cells,
});

const shown = (dimension: string, value: string, count: number): Cell => ({
  dimension,
  value,
  count,
  suppressed: false,
});
const withheld = (dimension: string, value: string): Cell => ({
  dimension,
  value,
  count: null,
  suppressed: true,
});

function setup(answer: PublishedSnapshot | null | 'no_council') {
  const reads: [string, string][] = [];
  const events: unknown[] = [];
  const repo = {
    read: async (councilId: string, period: string) => {
      reads.push([councilId, period]);
      return answer;
    },
  } as unknown as PlatformStatisticsRepository;
  const audit = {
    recordAlone: async (event: unknown) => {
      events.push(event);
    },
  } as unknown as AuditService;
  return { sut: new PlatformStatisticsService(repo, audit), reads, events };
}

const recorded = {
  councilId: COUNCIL,
  actor: { userId: null, role: 'platform_client', memberBodyId: null },
  action: 'statistics.read',
  resourceType: 'platform_client',
  resourceId: CLIENT.id,
};

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('PlatformStatisticsService.statistics', () => {
  it('answers the snapshot, exactly its published fields, and records the read as the platform client', async () => {
    const cells = [
      { ...shown('cases_opened', 'all', K), extra: 'not for the platform' } as Cell,
      withheld('concern', 'poverty'),
      shown('median_days_to_first_plan', 'days', 2),
    ];
    const { sut, reads, events } = setup(snapshot(cells));

    const answer = await sut.statistics(CLIENT, { councilId: COUNCIL, period: '2025-01' });

    expect(answer).toEqual({
      councilId: COUNCIL,
      period: { id: '2025-01', kind: 'month', from: '2025-01-01', to: '2025-01-31' },
      k: K,
      publishedAt: '2025-01-31T18:00:00.000Z',
      cells: [
        { dimension: 'cases_opened', value: 'all', count: K, suppressed: false },
        { dimension: 'concern', value: 'poverty', count: null, suppressed: true },
        { dimension: 'median_days_to_first_plan', value: 'days', count: 2, suppressed: false },
      ],
    });
    expect(reads).toEqual([[COUNCIL, '2025-01']]);
    expect(events).toEqual([{ ...recorded, outcome: 'allowed', reason: 'period=2025-01' }]);
  });

  it('asks for, records and names the council in lower case whatever the case of the id asked', async () => {
    const { sut, reads, events } = setup(snapshot([]));

    const answer = await sut.statistics(CLIENT, {
      councilId: COUNCIL.toUpperCase(),
      period: '2025-01',
    });

    expect(answer.councilId).toBe(COUNCIL);
    expect(reads).toEqual([[COUNCIL, '2025-01']]);
    expect(events).toEqual([{ ...recorded, outcome: 'allowed', reason: 'period=2025-01' }]);
  });

  it('answers an unknown council 404 and records nothing (there is no council log to write to)', async () => {
    const { sut, events } = setup('no_council');

    const error = await refusal(sut.statistics(CLIENT, { councilId: COUNCIL, period: '2025-01' }));

    expect({ status: error.status, code: error.code, message: error.message }).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: 'Council not found',
    });
    expect(events).toEqual([]);
  });

  it('refuses a period that is not published 400, recorded as a denied read', async () => {
    const { sut, events } = setup(null);

    const error = await refusal(sut.statistics(CLIENT, { councilId: COUNCIL, period: '2030-01' }));

    expect({ status: error.status, code: error.code, extra: error.extra }).toEqual({
      status: 400,
      code: 'PERIOD_NOT_PUBLISHED',
      extra: { details: [{ field: 'period', messages: ['2030-01 is not a published period'] }] },
    });
    expect(error.message).toMatch(/^Only closed, published periods are answered/);
    expect(events).toEqual([
      { ...recorded, outcome: 'denied', reason: 'period=2030-01 not_published' },
    ]);
  });

  it('refuses a malformed period before asking the database (the DTO refuses it first)', async () => {
    const { sut, reads, events } = setup(snapshot([]));

    const error = await refusal(sut.statistics(CLIENT, { councilId: COUNCIL, period: '2025-13' }));

    expect({ status: error.status, code: error.code, extra: error.extra }).toEqual({
      status: 400,
      code: 'PERIOD_NOT_PUBLISHED',
      extra: { details: [{ field: 'period', messages: ['2025-13 is not a published period'] }] },
    });
    expect(reads).toEqual([]);
    expect(events).toEqual([]);
  });

  describe('a stored snapshot that is not suppressed is a server fault, never an answer', () => {
    it.each<[string, Cell]>([
      ['a count of k − 1', shown('cases_opened', 'all', K - 1)],
      ['a count of 1', shown('concern', 'poverty', 1)],
      ['a count of 0', shown('age_band', 'unknown', 0)],
      ['a fractional count at or above k', shown('cases_open', 'all', K + 0.5)],
      ['a count marked withheld', { ...shown('cases_opened', 'all', K + 3), suppressed: true }],
      [
        'a withheld cell not marked withheld',
        { ...withheld('concern', 'poverty'), suppressed: false },
      ],
      ['a dimension the platform does not publish', shown('case_names', 'all', K + 3)],
    ])('%s: refused, and no read recorded as answered', async (_what, cell) => {
      const { sut, events } = setup(snapshot([shown('cases_opened', 'all', K + 1), cell]));

      await expect(
        sut.statistics(CLIENT, { councilId: COUNCIL, period: '2025-01' }),
      ).rejects.toThrow(`a published cell is not suppressed: ${cell.dimension}/${cell.value}`);
      expect(events).toEqual([]);
    });

    it.each<[string, Cell]>([
      ['a count of exactly k', shown('lead_body_kind', 'npo', K)],
      [
        'a median below k (it is a number of days, not of people)',
        shown('median_days_to_first_plan', 'days', 1.5),
      ],
      ['a withheld cell', withheld('meetings_by_tier', 'case_conference')],
    ])('%s: answered', async (_what, cell) => {
      const { sut, events } = setup(snapshot([cell]));

      const answer = await sut.statistics(CLIENT, { councilId: COUNCIL, period: '2025-01' });

      expect(answer.cells).toEqual([cell]);
      expect(events).toHaveLength(1);
    });
  });
});

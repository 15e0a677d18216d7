import { addMonths, lastDayOf, parsePeriod } from './period';

describe('reporting periods', () => {
  const sut = parsePeriod;

  it.each([
    ['2025-01', 'month', '2025-01-01', '2025-01-31', ['2025-01']],
    ['2024-02', 'month', '2024-02-01', '2024-02-29', ['2024-02']],
    ['2025-Q1', 'quarter', '2025-04-01', '2025-06-30', ['2025-04', '2025-05', '2025-06']],
    ['2025-Q3', 'quarter', '2025-10-01', '2025-12-31', ['2025-10', '2025-11', '2025-12']],
    ['2025-Q4', 'quarter', '2026-01-01', '2026-03-31', ['2026-01', '2026-02', '2026-03']],
  ])('%s is a %s from %s to %s', (id, kind, from, to, months) => {
    expect(sut(id)).toEqual({ id, kind, from, to, months });
  });

  it('makes a 年度 year of April to March, twelve months', () => {
    const fy = sut('FY2025')!;
    expect({ from: fy.from, to: fy.to, kind: fy.kind }).toEqual({
      from: '2025-04-01',
      to: '2026-03-31',
      kind: 'year',
    });
    expect(fy.months).toHaveLength(12);
    expect(fy.months[0]).toBe('2025-04');
    expect(fy.months[11]).toBe('2026-03');
  });

  it.each([
    '2025-1',
    '2025-13',
    '2025-00',
    '2025-01-15',
    '2025-01-01/2025-01-31',
    '2025-Q0',
    '2025-Q5',
    'FY25',
    'fy2025',
    '1899-12',
    '2200-01',
    '',
    ' 2025-01',
  ])('refuses %j', (id) => {
    expect(sut(id)).toBeNull();
  });

  it('adds months across years and knows the length of each month', () => {
    expect(addMonths('2025-11', 3)).toBe('2026-02');
    expect(addMonths('2025-01', -1)).toBe('2024-12');
    expect(lastDayOf('2025-02')).toBe('2025-02-28');
    expect(lastDayOf('2028-02')).toBe('2028-02-29');
  });
});

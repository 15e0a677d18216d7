import { addOneMonth, coversAMonth } from './period';

describe('reporting periods', () => {
  it.each([
    ['2026-01-01', '2026-01-31', true],
    ['2026-01-01', '2026-01-30', false],
    ['2026-01-15', '2026-02-14', true],
    ['2026-01-15', '2026-02-13', false],
    ['2026-01-31', '2026-02-27', true], // one month after 31 January is 28 February
    ['2026-01-31', '2026-02-26', false],
    ['2025-04-01', '2026-03-31', true],
    ['2026-03-01', '2026-02-01', false],
    ['2026-12-01', '2026-12-31', true],
  ])('%s to %s covers a month: %s', (from, to, expected) => {
    expect(coversAMonth({ from, to })).toBe(expected);
  });

  it('adds a calendar month, clamped to the end of a shorter month', () => {
    expect(addOneMonth('2024-01-31')).toBe('2024-02-29');
    expect(addOneMonth('2026-12-15')).toBe('2027-01-15');
  });
});

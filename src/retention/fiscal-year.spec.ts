import { fiscalYearOf, retentionEndsOn } from './fiscal-year';

describe('年度 retention arithmetic', () => {
  it('puts January–March in the previous 年度', () => {
    expect(fiscalYearOf('2025-03-31')).toBe(2024);
    expect(fiscalYearOf('2025-04-01')).toBe(2025);
  });

  it('counts the period from 1 April of the 年度 after closure', () => {
    const sut = retentionEndsOn;
    expect(sut('2024-06-01', 5)).toBe('2030-04-01');
    // Closed on the last day of 年度 2024: the same end as any other day of that 年度.
    expect(sut('2025-03-31', 5)).toBe('2030-04-01');
    expect(sut('2025-04-01', 1)).toBe('2027-04-01');
  });
});

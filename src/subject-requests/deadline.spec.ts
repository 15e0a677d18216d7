import { isClosedDay, statutoryDeadline } from './deadline';

describe('statutory deadline of a request to a municipality (APPI Art. 83, 民法 Art. 140)', () => {
  const sut = statutoryDeadline;

  it('does not count the day of receipt: 30 days after a weekday ending on a weekday', () => {
    // Received Thursday 2026-10-01; day 30 is Saturday 10-31 → Monday 11-02.
    expect(sut('2026-10-01')).toBe('2026-11-02');
    // Received Monday 2026-06-01; day 30 is Wednesday 07-01.
    expect(sut('2026-06-01')).toBe('2026-07-01');
  });

  it('moves a deadline falling on a Sunday to Monday', () => {
    // 2026-09-06 is a Sunday: received 2026-08-07.
    expect(sut('2026-08-07')).toBe('2026-09-07');
  });

  it('moves a deadline falling in 年末年始 (12/29–1/3) to the first open day after it', () => {
    // Day 30 = 2026-12-30 (Wednesday, closed) → 2027-01-04 (Monday).
    expect(sut('2026-11-30')).toBe('2027-01-04');
  });

  it('moves past a national holiday, and past the weekend behind it', () => {
    // Day 30 = 2027-01-11, 成人の日 (Monday) → Tuesday 01-12.
    expect(sut('2026-12-12')).toBe('2027-01-12');
    // Day 30 = 2026-05-03 (Sunday, 憲法記念日), 05-04..05-06 holidays → Thursday 05-07.
    expect(sut('2026-04-03')).toBe('2026-05-07');
  });

  it('counts closed days inside the period as ordinary days', () => {
    // 2026-12-01 + 30 = 2026-12-31 (closed) → 2027-01-04: the closure only moves the last day.
    expect(sut('2026-12-01')).toBe('2027-01-04');
    expect(isClosedDay('2026-12-28')).toBe(false);
    expect(isClosedDay('2027-01-04')).toBe(false);
  });
});

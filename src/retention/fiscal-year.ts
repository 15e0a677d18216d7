/**
 * 年度 arithmetic for retention (issue 19; docs/security.md "Retention"). Municipal 文書管理規程
 * count a record's retention period from 1 April of the 年度 after the one in which the record
 * was completed (here: the case closed), in whole 年度. A case closed on 2024-06-01 (年度 2024)
 * kept for 5 年度 is kept through 年度 2029, i.e. until 2030-03-31, and may be disposed of from
 * 2030-04-01.
 */

/** The 年度 (fiscal year, April–March) a calendar day (YYYY-MM-DD) belongs to. */
export function fiscalYearOf(day: string): number {
  const [y, m] = day.split('-').map(Number);
  return m >= 4 ? y : y - 1;
}

/** The first day on which a record completed on `completedOn` and kept `years` 年度 may go. */
export function retentionEndsOn(completedOn: string, years: number): string {
  return `${fiscalYearOf(completedOn) + years + 1}-04-01`;
}

/** The same rule in SQL, over a date expression (for lists computed in the database). */
export const retentionEndsOnSql = (day: string, years: string): string =>
  `make_date((extract(year FROM (${day} - interval '3 months'))::int + ${years} + 1), 4, 1)`;

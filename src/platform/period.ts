/**
 * Reporting periods (DESIGN.md §3.12): fixed, non-overlapping, never chosen freely.
 *
 *   YYYY-MM   a calendar month
 *   YYYY-Qn   a quarter of 年度 (fiscal year) YYYY: Q1 April–June, Q2 July–September,
 *             Q3 October–December, Q4 January–March of YYYY+1
 *   FYYYYY    年度 YYYY: April YYYY to March YYYY+1
 *
 * Years 1900–2199, as migrations/1763780740000-published-statistics.ts (statistics.published)
 * accepts them: the database applies the same rule, this copy only lets the API answer 400
 * before asking it.
 */
export type PeriodKind = 'month' | 'quarter' | 'year';

export interface ReportingPeriod {
  id: string;
  kind: PeriodKind;
  /** First day, YYYY-MM-DD (included). */
  from: string;
  /** Last day, YYYY-MM-DD (included). */
  to: string;
  /** Its months, YYYY-MM, in order. */
  months: string[];
}

const YEAR = '(?:19|20|21)\\d{2}';
export const MONTH_PATTERN = new RegExp(`^${YEAR}-(?:0[1-9]|1[0-2])$`);
export const PERIOD_PATTERN = new RegExp(
  `^(?:${YEAR}-(?:0[1-9]|1[0-2])|${YEAR}-Q[1-4]|FY${YEAR})$`,
);

const pad = (n: number): string => String(n).padStart(2, '0');

/** The month `offset` months after year/month (month 1–12), as YYYY-MM. */
export function addMonths(month: string, offset: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + offset;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

/** The last day of a month (YYYY-MM) as YYYY-MM-DD. */
export function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;
}

/** The period named `id`, or null if it is not one. */
export function parsePeriod(id: string): ReportingPeriod | null {
  if (typeof id !== 'string' || !PERIOD_PATTERN.test(id)) return null;
  let first: string;
  let count: number;
  let kind: PeriodKind;
  if (id.startsWith('FY')) {
    kind = 'year';
    first = `${id.slice(2)}-04`;
    count = 12;
  } else if (id.includes('Q')) {
    kind = 'quarter';
    first = addMonths(`${id.slice(0, 4)}-04`, 3 * (Number(id.slice(6)) - 1));
    count = 3;
  } else {
    kind = 'month';
    first = id;
    count = 1;
  }
  const months = Array.from({ length: count }, (_, i) => addMonths(first, i));
  return { id, kind, from: `${first}-01`, to: lastDayOf(months[count - 1]), months };
}

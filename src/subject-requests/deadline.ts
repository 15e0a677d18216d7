import holidayJp from '@holiday-jp/holiday_jp';

/**
 * Statutory deadlines of a person's requests (issue 19; docs/security.md "Requests from the
 * person"). Days are calendar days in the council's calendar, as YYYY-MM-DD strings.
 *
 * A municipality is a 行政機関等 under APPI: it decides on a disclosure request within 30 days
 * of the day it was received (Art. 83(1); correction Art. 94, stopping use Art. 102 likewise).
 * Counting follows 民法 Art. 140 (初日不算入): the day of receipt is not counted, so day 30 is
 * `receivedOn + 30`. When that last day is a day the offices are closed — Saturday, Sunday, a
 * national holiday (国民の祝日, from the `@holiday-jp/holiday_jp` calendar) or the year-end
 * closure 12/29–1/3 (地方自治法 Art. 4-2; 行政機関の休日に関する法律 Art. 2) — the deadline
 * moves to the next open day. Closed days inside the period are counted as usual.
 * An extension (Art. 83(2), "正当な理由": up to 30 more days) is counted the same way from the
 * day of receipt, i.e. at most `statutoryDeadline(receivedOn, 60)`.
 *
 * A private member body (個人情報取扱事業者) must answer "without delay" (遅滞なく, Art. 33): no
 * date is computed, and the API says so.
 */
export const MUNICIPALITY_DAYS = 30;
export const EXTENSION_DAYS = 30;

const utc = (day: string): Date => new Date(`${day}T00:00:00Z`);
const iso = (d: Date): string => d.toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  const d = utc(day);
  d.setUTCDate(d.getUTCDate() + n);
  return iso(d);
}

/** 年末年始: 29 December to 3 January. */
export function isYearEndClosure(day: string): boolean {
  const md = day.slice(5);
  return md >= '12-29' || md <= '01-03';
}

/** A day the municipality's offices are closed (weekend, national holiday, year-end closure). */
export function isClosedDay(day: string): boolean {
  const weekday = utc(day).getUTCDay();
  return (
    weekday === 0 ||
    weekday === 6 ||
    isYearEndClosure(day) ||
    Object.prototype.hasOwnProperty.call(holidayJp.holidays, day)
  );
}

/** The last day to decide: `days` after receipt, moved forward past closed days. */
export function statutoryDeadline(receivedOn: string, days: number = MUNICIPALITY_DAYS): string {
  let d = addDays(receivedOn, days);
  while (isClosedDay(d)) d = addDays(d, 1);
  return d;
}

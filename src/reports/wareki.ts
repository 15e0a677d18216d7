/**
 * 和暦 (Japanese era) dates for paper-shaped outputs, beside the ISO date: municipal forms write
 * 令和8年4月1日 and 令和7年度. ICU's Japanese calendar (Node's full ICU) knows the eras and
 * writes the first year of one as 元年.
 */
const DAY = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
  era: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  timeZone: 'UTC',
});
const YEAR = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
  era: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** `2026-04-01` → `令和8年4月1日`; null stays null. */
export function wareki(isoDate: string | null): string | null {
  if (!isoDate) return null;
  return DAY.format(new Date(`${isoDate}T00:00:00Z`));
}

/** 年度 N (April N to March N+1) → `令和7年度` for 2025: the era of its first day. */
export function warekiFiscalYear(year: number): string {
  return YEAR.format(new Date(Date.UTC(year, 3, 1))).replace(/年$/, '年度');
}

/** A reporting period: whole days, both ends included, written YYYY-MM-DD. */
export interface Period {
  from: string;
  to: string;
}

const parse = (date: string): Date => new Date(`${date}T00:00:00Z`);
const format = (date: Date): string => date.toISOString().slice(0, 10);

/** `date` plus one calendar month, clamped to the month's end (31 January → 28/29 February). */
export function addOneMonth(date: string): string {
  const d = parse(date);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return format(target);
}

/**
 * Whether [from, to] lasts at least a calendar month (1–31 January does; 1–30 January does
 * not). Shorter periods are refused: the shorter the window, the fewer the people in each cell
 * and the easier it is to tie a count to one person (DESIGN.md §3.6).
 */
export function coversAMonth(period: Period): boolean {
  const dayAfter = new Date(parse(period.to).getTime() + 86_400_000);
  return format(dayAfter) >= addOneMonth(period.from);
}

/** One cell before suppression: an exact count the platform must never see if it is small. */
export interface RawCell {
  dimension: string;
  value: string;
  count: number;
}

/** One cell as the platform receives it. */
export interface Cell {
  dimension: string;
  value: string;
  count: number | null;
  suppressed: boolean;
}

export interface Group {
  total: { dimension: string; value: string };
  dimension: string;
}

const key = (dimension: string, value: string): string => `${dimension}\u0000${value}`;

/**
 * Small-cell suppression (DESIGN.md §3.6), in two passes:
 *
 * 1. Primary: every count below k — zero included, since "nobody in this band" is also a
 *    statement about people — is withheld (`count: null, suppressed: true`).
 * 2. Complementary, for each group of cells that adds up to a published total: if the total is
 *    itself suppressed, the whole group is; otherwise, if exactly one cell of the group is
 *    suppressed (total − the others would give it back), or the suppressed cells add up to zero
 *    (total − the others = 0 would give every one of them back), the smallest cell still shown
 *    is suppressed as well. After that, a group that hides anything hides it in at least two
 *    cells that add up to more than zero, so subtraction yields only their sum, never one of
 *    them.
 *
 * Differences between responses for overlapping periods are a separate matter (see the
 * README's platform section); this function makes each response safe on its own.
 */
export function suppress(cells: RawCell[], groups: readonly Group[], k: number): Cell[] {
  const hidden = new Set<string>();
  for (const c of cells) if (c.count < k) hidden.add(key(c.dimension, c.value));

  for (const group of groups) {
    const total = cells.find(
      (c) => c.dimension === group.total.dimension && c.value === group.total.value,
    );
    const members = cells.filter((c) => c.dimension === group.dimension);
    if (!total || members.length === 0) continue;
    if (hidden.has(key(total.dimension, total.value))) {
      for (const m of members) hidden.add(key(m.dimension, m.value));
      continue;
    }
    const suppressed = members.filter((m) => hidden.has(key(m.dimension, m.value)));
    const hiddenSum = suppressed.reduce((sum, m) => sum + m.count, 0);
    if (suppressed.length === 0 || (suppressed.length > 1 && hiddenSum > 0)) continue;
    const next = members
      .filter((m) => !hidden.has(key(m.dimension, m.value)))
      .sort((a, b) => a.count - b.count)[0];
    if (next) hidden.add(key(next.dimension, next.value));
  }

  return cells.map((c) =>
    hidden.has(key(c.dimension, c.value))
      ? { dimension: c.dimension, value: c.value, count: null, suppressed: true }
      : { dimension: c.dimension, value: c.value, count: c.count, suppressed: false },
  );
}

import { ADDITIVE_GROUPS } from './statistics-vocabulary';
import { Cell, Group, RawCell, suppress } from './suppression';

const K = 5;
const GROUP: Group[] = [{ total: { dimension: 'total', value: 'all' }, dimension: 'band' }];

const world = (total: number, bands: number[]): RawCell[] => [
  { dimension: 'total', value: 'all', count: total },
  ...bands.map((count, i) => ({ dimension: 'band', value: `b${i}`, count })),
];
const shown = (cells: Cell[]) =>
  Object.fromEntries(cells.map((c) => [`${c.dimension}/${c.value}`, c.count]));

/** Every way a platform client could undo suppression by subtracting within one response. */
function recoverable(cells: Cell[], groups: readonly Group[]): string[] {
  const problems: string[] = [];
  for (const g of groups) {
    const total = cells.find((c) => c.dimension === g.total.dimension && c.value === g.total.value);
    const members = cells.filter((c) => c.dimension === g.dimension);
    if (!total || total.count === null) continue;
    const hidden = members.filter((m) => m.suppressed);
    const residual = total.count - members.reduce((s, m) => s + (m.count ?? 0), 0);
    if (hidden.length === 1) problems.push(`${hidden[0].value} = ${residual}`);
    if (hidden.length > 1 && residual === 0) problems.push(`all hidden = 0`);
  }
  return problems;
}

describe('suppress', () => {
  const sut = suppress;

  it('withholds every count below k, zero included, and shows the rest', () => {
    const out = sut(
      [
        { dimension: 'x', value: 'a', count: 0 },
        { dimension: 'x', value: 'b', count: 4 },
        { dimension: 'x', value: 'c', count: 5 },
      ],
      [],
      K,
    );
    expect(out).toEqual([
      { dimension: 'x', value: 'a', count: null, suppressed: true },
      { dimension: 'x', value: 'b', count: null, suppressed: true },
      { dimension: 'x', value: 'c', count: 5, suppressed: false },
    ]);
  });

  it('suppresses the next smallest cell when a single cell of a group is suppressed', () => {
    const out = sut(world(29, [3, 8, 6, 12]), GROUP, K);
    expect(shown(out)).toEqual({
      'total/all': 29,
      'band/b0': null,
      'band/b1': 8,
      'band/b2': null, // 6: the smallest still shown
      'band/b3': 12,
    });
    expect(recoverable(out, GROUP)).toEqual([]);
  });

  it('suppresses one more cell when the suppressed cells could only all be zero', () => {
    const out = sut(world(12, [0, 0, 12, 0]), GROUP, K);
    expect(shown(out)).toEqual({
      'total/all': 12,
      'band/b0': null,
      'band/b1': null,
      'band/b2': null,
      'band/b3': null,
    });
    expect(recoverable(out, GROUP)).toEqual([]);
  });

  it('leaves a group alone when two or more suppressed cells hide something', () => {
    const out = sut(world(13, [1, 2, 10]), GROUP, K);
    expect(shown(out)).toEqual({
      'total/all': 13,
      'band/b0': null,
      'band/b1': null,
      'band/b2': 10,
    });
  });

  it('suppresses the whole group when its total is below k', () => {
    const out = sut(world(4, [4, 0, 0]), GROUP, K);
    expect(out.every((c) => c.suppressed && c.count === null)).toBe(true);
  });

  it('never leaves a suppressed cell recoverable, over many random tables', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 5_000; i++) {
      const bands = Array.from({ length: 2 + random(10) }, () =>
        random(3) === 0 ? random(K) : random(30),
      );
      const total = bands.reduce((s, b) => s + b, 0);
      const out = sut(world(total, bands), GROUP, K);
      expect({ bands, problems: recoverable(out, GROUP) }).toEqual({ bands, problems: [] });
      expect(out.every((c) => c.count === null || c.count >= K)).toBe(true);
    }
  });

  it('declares the age bands and lead-body kinds as groups of the opened and open cases', () => {
    expect(ADDITIVE_GROUPS).toEqual([
      { total: { dimension: 'cases_opened', value: 'all' }, dimension: 'age_band' },
      { total: { dimension: 'cases_open', value: 'all' }, dimension: 'lead_body_kind' },
    ]);
  });
});

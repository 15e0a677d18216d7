import { Pool } from 'pg';
import { ADDITIVE_GROUPS } from '../../src/platform/statistics-vocabulary';
import { createTestDatabase, TestDatabase } from '../support/database';

interface RawCell {
  dimension: string;
  value: string;
  count: number;
}
interface Cell {
  dimension: string;
  value: string;
  count: number | null;
  suppressed: boolean;
}
interface Group {
  total: { dimension: string; value: string };
  dimension: string;
}

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

/**
 * Small-cell suppression as the database applies it when a month is published
 * (statistics.suppress, migrations/1763780740000-published-statistics.ts): the function the
 * platform's numbers go through before they are stored (DESIGN.md §3.6, §3.12).
 */
describe('statistics.suppress', () => {
  let db: TestDatabase;
  let owner: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = db.owner;
  });
  afterAll(async () => {
    await db.drop();
  });

  const sut = async (cells: RawCell[], groups: readonly Group[], k = K): Promise<Cell[]> =>
    (
      await owner.query<{ out: Cell[] }>(`SELECT statistics.suppress($1, $2, $3) AS out`, [
        JSON.stringify(cells),
        JSON.stringify(groups),
        k,
      ])
    ).rows[0].out;

  it('withholds every count below k, zero included, and shows the rest', async () => {
    const out = await sut(
      [
        { dimension: 'x', value: 'a', count: 0 },
        { dimension: 'x', value: 'b', count: 4 },
        { dimension: 'x', value: 'c', count: 5 },
      ],
      [],
    );
    expect(out).toEqual([
      { dimension: 'x', value: 'a', count: null, suppressed: true },
      { dimension: 'x', value: 'b', count: null, suppressed: true },
      { dimension: 'x', value: 'c', count: 5, suppressed: false },
    ]);
  });

  it('suppresses the next smallest cell when a single cell of a group is suppressed', async () => {
    const out = await sut(world(29, [3, 8, 6, 12]), GROUP);
    expect(shown(out)).toEqual({
      'total/all': 29,
      'band/b0': null,
      'band/b1': 8,
      'band/b2': null, // 6: the smallest still shown
      'band/b3': 12,
    });
    expect(recoverable(out, GROUP)).toEqual([]);
  });

  it('suppresses one more cell when the suppressed cells could only all be zero', async () => {
    const out = await sut(world(12, [0, 0, 12, 0]), GROUP);
    expect(shown(out)).toEqual({
      'total/all': 12,
      'band/b0': null,
      'band/b1': null,
      'band/b2': null,
      'band/b3': null,
    });
    expect(recoverable(out, GROUP)).toEqual([]);
  });

  it('leaves a group alone when two or more suppressed cells hide something', async () => {
    const out = await sut(world(13, [1, 2, 10]), GROUP);
    expect(shown(out)).toEqual({
      'total/all': 13,
      'band/b0': null,
      'band/b1': null,
      'band/b2': 10,
    });
  });

  it('suppresses the whole group when its total is below k', async () => {
    const out = await sut(world(4, [4, 0, 0]), GROUP);
    expect(out.every((c) => c.suppressed && c.count === null)).toBe(true);
  });

  it('refuses a k below 2', async () => {
    await expect(sut(world(4, [4]), GROUP, 1)).rejects.toThrow(/k must be at least 2/);
  });

  it('never leaves a suppressed cell recoverable, over many random tables', async () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const tables = Array.from({ length: 5_000 }, () => {
      const bands = Array.from({ length: 2 + random(10) }, () =>
        random(3) === 0 ? random(K) : random(30),
      );
      return world(
        bands.reduce((s, b) => s + b, 0),
        bands,
      );
    });
    // One round trip: every table suppressed by the same function, in order.
    const { rows } = await owner.query<{ out: Cell[] }>(
      `SELECT statistics.suppress(t.cells, $2, $3) AS out
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t (cells, i) ORDER BY t.i`,
      [JSON.stringify(tables), JSON.stringify(GROUP), K],
    );
    expect(rows).toHaveLength(tables.length);
    const problems = rows.flatMap((r, i) =>
      [
        ...recoverable(r.out, GROUP),
        ...r.out.filter((c) => c.count !== null && c.count < K).map((c) => `${c.value} < k`),
      ].map((p) => `${JSON.stringify(tables[i].map((c) => c.count))}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('is applied at publication with the groups the API declares: age bands of the opened cases, lead bodies of the open ones', async () => {
    const { rows } = await db.superuser.query<{ src: string }>(
      `SELECT prosrc AS src FROM pg_proc WHERE proname = 'publish_month'`,
    );
    const declared = /statistics\.suppress\(v_raw, '([^']+)'::jsonb/.exec(rows[0].src);
    expect(declared).not.toBeNull();
    expect(JSON.parse(declared![1])).toEqual(ADDITIVE_GROUPS);
  });
});

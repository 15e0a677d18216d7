import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS, CsvEvent, csvHeader, csvRows } from './audit-csv';

const event = (over: Partial<CsvEvent>): CsvEvent => ({
  ...(Object.fromEntries(CSV_COLUMNS.map((c) => [c, null])) as CsvEvent),
  seq: 1,
  action: 'case.read',
  outcome: 'allowed',
  ...over,
});

/** The audit CSV as a standard parser reads it (issue 16 item 6). */
describe('audit CSV', () => {
  const sut = (events: CsvEvent[]): string[][] =>
    parse(csvHeader() + csvRows(events)) as string[][];
  const cell = (row: string[], column: (typeof CSV_COLUMNS)[number]): string =>
    row[CSV_COLUMNS.indexOf(column)];

  it('is read by csv-parse with its defaults as a header and one record per event', () => {
    const rows = sut([event({ seq: 1 }), event({ seq: 2 })]);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.slice(1).map((r) => cell(r, 'seq'))).toEqual(['1', '2']);
  });

  it('writes NULL as an empty cell', () => {
    const [, row] = sut([event({ memberBodyId: null, reason: undefined })]);
    expect([cell(row, 'memberBodyId'), cell(row, 'reason')]).toEqual(['', '']);
  });

  it('keeps commas, quotes and line breaks inside one cell', () => {
    const reason = 'a, "b"\r\nc';
    const [, row] = sut([event({ reason, resourceIds: ['x', 'y'] })]);
    expect([cell(row, 'reason'), cell(row, 'resourceIds')]).toEqual([reason, 'x,y']);
  });

  it.each(['=', '+', '-', '@', '\t', '\r'])(
    'neutralises a cell starting with %j with a leading apostrophe',
    (lead) => {
      const [, row] = sut([event({ reason: `${lead}HYPERLINK("x")` })]);
      expect(cell(row, 'reason')).toBe(`'${lead}HYPERLINK("x")`);
    },
  );

  it('leaves a cell that merely contains those characters alone', () => {
    const [, row] = sut([event({ reason: 'seq=3 -x' })]);
    expect(cell(row, 'reason')).toBe('seq=3 -x');
  });

  it('ends every record with CRLF (RFC 4180)', () => {
    expect(csvRows([event({})]).endsWith('\r\n')).toBe(true);
  });
});

import { stringify } from 'csv-stringify/sync';

/** The export's columns, in order (docs/audit.md "Export"). */
export const CSV_COLUMNS = [
  'seq',
  'at',
  'actorUserId',
  'actorRole',
  'memberBodyId',
  'action',
  'resourceType',
  'resourceId',
  'resourceIds',
  'caseId',
  'outcome',
  'reason',
  'ruleId',
  'basis',
  'requestId',
  'atExact',
  'prevHash',
  'hash',
] as const;

export type CsvEvent = Record<
  (typeof CSV_COLUMNS)[number],
  string | number | readonly string[] | null | undefined
>;

/** One CSV cell per column: NULL is an empty cell, `resourceIds` are joined by a comma. */
function cells(e: CsvEvent): string[] {
  return CSV_COLUMNS.map((c) => {
    const v = e[c];
    return v === null || v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v);
  });
}

/**
 * RFC 4180 records (CRLF, quoted where needed), written by csv-stringify rather than by hand.
 * `escape_formulas` prefixes a cell that starts with `=`, `+`, `-`, `@`, TAB or CR with `'`, so a
 * spreadsheet opening the export does not evaluate it (CSV injection; TAB and CR were missed by
 * the hand-written version, issue 16).
 */
function records(rows: string[][]): string {
  return stringify(rows, { escape_formulas: true, record_delimiter: 'windows' });
}

export const csvHeader = (): string => records([[...CSV_COLUMNS]]);

export const csvRows = (events: readonly CsvEvent[]): string => records(events.map(cells));

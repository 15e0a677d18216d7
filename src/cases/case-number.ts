/**
 * Case numbers by 年度 (the Japanese fiscal year, April to March), per council (issue 17 item 8).
 * The year is decided in the database (`case_fiscal_year(now())`, Asia/Tokyo, migration
 * 1763780805000) so every instance agrees; this file only writes it in the council's format.
 */
export const CASE_NUMBER_FORMATS = ['western', 'reiwa'] as const;
export type CaseNumberFormat = (typeof CASE_NUMBER_FORMATS)[number];

/** 令和 1 is the year starting 2019 (2019-05-01); 年度 2019 is 令和元年度. */
const REIWA_OFFSET = 2018;

/** `2025-0001` (western) or `R7-0001` (reiwa) for the 1st case of 年度 2025. */
export function formatCaseNumber(
  format: CaseNumberFormat,
  fiscalYear: number,
  seq: number,
): string {
  const serial = String(seq).padStart(4, '0');
  return format === 'reiwa' ? `R${fiscalYear - REIWA_OFFSET}-${serial}` : `${fiscalYear}-${serial}`;
}

/** What a case number looks like in either format (search accepts both). */
export const CASE_NUMBER_PATTERN = /^(\d{4}|R\d{1,2})-\d{4,}$/;

import { Workbook, Worksheet } from 'exceljs';
import { AnnualReportDto, LedgerDto } from './reports.dto';
import { wareki } from './wareki';

/** Japanese labels for the fixed vocabularies; an unknown code is written as it is. */
const LABELS: Record<string, string> = {
  // concerns
  isolation: '孤立',
  loneliness: '孤独',
  poverty: '生活困窮',
  housing: '住まい',
  employment: '就労',
  health: '健康',
  mental_health: 'こころの健康',
  disability: '障害',
  caregiving: '介護',
  child_rearing: '子育て',
  abuse_violence: '虐待・暴力',
  hikikomori: 'ひきこもり',
  other: 'その他',
  // member-body kinds
  municipality: '市区町村',
  social_welfare_council: '社会福祉協議会',
  npo: 'NPO法人等',
  public_health: '保健所等',
  welfare_commissioner: '民生委員・児童委員',
  medical: '医療機関',
  education: '教育機関',
  police: '警察',
  // meeting tiers
  representatives: '代表者会議',
  practitioners: '実務者会議',
  case_conference: '個別ケース検討会議',
  // case status
  open: '対応中',
  closed: '終結',
};
const label = (code: string): string => LABELS[code] ?? code;

function header(ws: Worksheet, titles: string[]): void {
  const row = ws.addRow(titles);
  row.font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: ws.rowCount }];
}

/**
 * 年度活動報告 as a workbook: one sheet of figures (項目 / 件数) with the year in 和暦 and ISO,
 * then one table per breakdown. Cells hold text and numbers only (no formulas).
 */
export async function annualReportXlsx(r: AnnualReportDto): Promise<Buffer> {
  const wb = new Workbook();
  wb.creator = 'kodoku-council';
  const ws = wb.addWorksheet('年度活動報告');
  ws.columns = [{ width: 36 }, { width: 18 }, { width: 22 }];
  ws.addRow(['年度', r.fiscalYearWareki, String(r.fiscalYear)]);
  ws.addRow(['期間（開始）', wareki(r.from), r.from]);
  ws.addRow(['期間（終了）', wareki(r.to), r.to]);
  ws.addRow(['タイムゾーン', r.timeZone]);
  ws.addRow([]);
  header(ws, ['項目', '件数']);
  const figures: [string, number | null][] = [
    ['新規ケース数', r.casesOpened],
    ['終結ケース数', r.casesClosed],
    ['年度末時点の対応中ケース数', r.casesOpenAtYearEnd],
    ['情報提供等協力依頼（依頼）', r.infoRequestsMade],
    ['情報提供等協力依頼（回答）', r.infoRequestsAnswered],
    ['初回接触までの平均日数（初回記録まで）', r.averageDaysToFirstContact],
    ['平均日数の対象ケース数', r.casesWithFirstContact],
    ['同意撤回数', r.consentsWithdrawn],
  ];
  for (const f of figures) ws.addRow(f);
  const table = (title: string, keyTitle: string, rows: { key: string; count: number }[]) => {
    ws.addRow([]);
    ws.addRow([title]).font = { bold: true };
    ws.addRow([keyTitle, '件数', 'コード']).font = { bold: true };
    for (const x of rows) ws.addRow([label(x.key), x.count, x.key]);
  };
  table('課題別 新規ケース数', '課題', r.casesOpenedByConcern);
  table('関係機関種別 支援ケース数', '関係機関種別', r.casesSupportedByMemberBodyKind);
  table('会議種別 開催回数', '会議種別', r.meetingsHeldByTier);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Column titles of the 進行管理台帳, in order (a new column — risk — is one more entry). */
export const LEDGER_HEADERS = [
  'ケース番号',
  '状況',
  '受付日',
  '受付日（和暦）',
  '終結日',
  '終結日（和暦）',
  '主担当機関',
  '前回検討日',
  '前回検討日（和暦）',
  '次回見直し日',
  '次回見直し日（和暦）',
] as const;

/** 進行管理台帳: one row per case, ISO dates with their 和暦 beside them. */
export async function ledgerXlsx(l: LedgerDto): Promise<Buffer> {
  const wb = new Workbook();
  wb.creator = 'kodoku-council';
  const ws = wb.addWorksheet('進行管理台帳');
  ws.addRow(['作成日', l.asOf, wareki(l.asOf), l.timeZone]);
  header(ws, [...LEDGER_HEADERS]);
  ws.columns.forEach((c) => (c.width = 16));
  for (const r of l.items) {
    ws.addRow([
      r.caseNumber,
      label(r.status),
      r.openedOn,
      wareki(r.openedOn),
      r.closedOn,
      wareki(r.closedOn),
      r.leadBodyName,
      r.lastReviewOn,
      wareki(r.lastReviewOn),
      r.nextReviewOn,
      wareki(r.nextReviewOn),
    ]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

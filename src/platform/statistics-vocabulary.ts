/**
 * Every (dimension, value) the platform may ever be told about: fixed lists, written here and in
 * the migration that creates the aggregate functions, never taken from stored text. Copies, on
 * purpose: this module imports nothing from the case, meeting or council modules (DESIGN.md
 * §3.6); src/platform/statistics-vocabulary.spec.ts keeps the copies equal to the originals.
 */
export const CONCERN_CATEGORIES = [
  'isolation',
  'loneliness',
  'poverty',
  'housing',
  'employment',
  'health',
  'mental_health',
  'disability',
  'caregiving',
  'child_rearing',
  'abuse_violence',
  'hikikomori',
  'other',
] as const;

export const AGE_BANDS = ['under_20', '20_39', '40_64', '65_plus', 'unknown'] as const;

export const BODY_KINDS = [
  'municipality',
  'social_welfare_council',
  'npo',
  'public_health',
  'welfare_commissioner',
  'medical',
  'housing',
  'employment',
  'education',
  'police',
  'other',
] as const;

export const MEETING_TIERS = ['representatives', 'practitioners', 'case_conference'] as const;

export const DIMENSIONS = [
  'cases_opened',
  'cases_closed',
  'cases_open',
  'concern',
  'age_band',
  'lead_body_kind',
  'meetings_by_tier',
  'median_days_to_first_plan',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The count dimensions, in the order cells are answered, with their values. */
export const COUNT_VALUES: Record<
  Exclude<Dimension, 'median_days_to_first_plan'>,
  readonly string[]
> = {
  cases_opened: ['all'],
  cases_closed: ['all'],
  cases_open: ['all'],
  concern: CONCERN_CATEGORIES,
  age_band: AGE_BANDS,
  lead_body_kind: [...BODY_KINDS, 'none'],
  meetings_by_tier: MEETING_TIERS,
};

/**
 * Groups of cells that add up to a published total, so a suppressed cell could otherwise be
 * recovered by subtraction: age bands sum to the cases opened (every case has exactly one band,
 * 'unknown' included), lead-body kinds to the cases open at the period's end ('none' included).
 * Concerns do not add up (a case may have several) and meetings have no published total.
 */
export const ADDITIVE_GROUPS: readonly {
  total: { dimension: Dimension; value: string };
  dimension: Dimension;
}[] = [
  { total: { dimension: 'cases_opened', value: 'all' }, dimension: 'age_band' },
  { total: { dimension: 'cases_open', value: 'all' }, dimension: 'lead_body_kind' },
];

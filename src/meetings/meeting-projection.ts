import { subject } from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import { AppAbility } from '../access/ability.factory';
import { RULE_FIELDS } from '../access/policy-catalog';
import {
  ActionItemRow,
  AddendumRow,
  AttendeeRow,
  DecisionRow,
  ExternalAttendeeRow,
  MeetingCaseRow,
  MeetingRow,
  MinutesRow,
  ReviewRow,
} from './meetings.repository';

export const MEETING_FIELDS = RULE_FIELDS.Meeting as readonly string[];

export type MeetingView = Record<string, unknown>;

/** The meeting as CASL sees it: its columns plus the policy facts read with it (SQL). */
export const meetingSubject = (row: MeetingRow) =>
  subject('Meeting', {
    councilId: row.councilId,
    id: row.id,
    tier: row.tier,
    attendeeStaffIds: row.attendeeStaffIds,
    allCasesVisibleToBodyIds: row.allCasesVisibleToBodyIds,
    anyCaseVisibleToBodyIds: row.anyCaseVisibleToBodyIds,
  } as Record<string, unknown>);

/**
 * Field projection (DESIGN.md §4): only the fields the caller's rules grant for this meeting
 * leave the server — an auditor gets who met, when and about which case ids, never the title
 * or place, which are free text and may name a person. Need to know reaches the case list
 * (§3.9): a caller granted `readableCases` rather than `caseIds`/`cases` (an attendee whose body
 * is no longer covered on every case discussed) sees only the cases it may read now.
 */
export function projectMeeting(
  ability: AppAbility,
  row: MeetingRow,
  attendees: AttendeeRow[],
  externals: ExternalAttendeeRow[],
  cases: MeetingCaseRow[],
): MeetingView {
  const allowed = new Set(
    permittedFieldsOf(ability, 'read', meetingSubject(row), {
      fieldsFrom: (rule) => rule.fields ?? [...MEETING_FIELDS],
    }),
  );
  const all = allowed.has('caseIds') && allowed.has('cases');
  if (!all && allowed.has('readableCases')) {
    allowed.add('caseIds');
    allowed.add('cases');
  }
  const shown = all ? cases : cases.filter((c) => c.readable);
  const values: Record<string, unknown> = {
    id: row.id,
    tier: row.tier,
    title: row.title,
    heldAt: row.heldAt.toISOString(),
    place: row.place,
    caseIds: shown.map((c) => c.caseId),
    cases: shown.map((c) => ({ id: c.caseId, caseNumber: c.caseNumber, source: c.source })),
    attendees: attendees.map((a) => ({
      staffId: a.staffId,
      userId: a.userId,
      displayName: a.displayName,
      memberBodyId: a.memberBodyId,
      role: a.role,
    })),
    externalAttendees: externals.map((e) => ({
      id: e.id,
      name: e.name,
      organisation: e.organisation,
      confidentialityAcknowledgedAt: e.acknowledgedAt.toISOString(),
    })),
    minutes: {
      status: row.minutesStatus,
      revision: row.minutesRevision,
      finalizedAt: row.finalizedAt?.toISOString() ?? null,
    },
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
  };
  const view: MeetingView = {};
  for (const field of MEETING_FIELDS)
    if (allowed.has(field) && field in values) view[field] = values[field];
  return view;
}

/** The distinct case ids among records, for the audit event's resourceIds (identifiers only). */
export const caseIdsOf = (rows: { caseId: string | null }[]): string[] => [
  ...new Set(rows.map((r) => r.caseId).filter((id): id is string => id !== null)),
];

export const decisionView = (d: DecisionRow) => ({
  id: d.id,
  meetingId: d.meetingId,
  text: d.text,
  caseId: d.caseId,
  statusChange: d.statusChangeId
    ? {
        id: d.statusChangeId,
        status: d.statusChangeStatus,
        changedAt: d.statusChangedAt?.toISOString() ?? null,
      }
    : null,
  supportPlanVersion: d.supportPlanVersion,
  minutesStatus: d.minutesStatus,
});

export const actionItemView = (a: ActionItemRow) => ({
  id: a.id,
  meetingId: a.meetingId,
  text: a.text,
  memberBodyId: a.memberBodyId,
  dueOn: a.dueOn,
  caseId: a.caseId,
  status: a.status,
  minutesStatus: a.minutesStatus,
  updatedAt: a.updatedAt.toISOString(),
});

export const reviewView = (r: ReviewRow) => ({
  caseId: r.caseId,
  outcome: r.outcome,
  note: r.note,
  nextReviewOn: r.nextReviewOn,
});

export const addendumView = (a: AddendumRow) => ({
  id: a.id,
  meetingId: a.meetingId,
  text: a.text,
  reason: a.reason,
  authorUserId: a.authorUserId,
  authorStaffId: a.authorStaffId,
  createdAt: a.createdAt.toISOString(),
});

/** The whole minutes: for coordinators, and attendees covered now on every case discussed. */
export const fullMinutesView = (
  m: MinutesRow,
  parts: {
    decisions: DecisionRow[];
    actionItems: ActionItemRow[];
    reviews: ReviewRow[];
    addenda: AddendumRow[];
  },
) => ({
  meetingId: m.meetingId,
  access: 'full' as const,
  status: m.status,
  revision: m.revision,
  body: m.body,
  decisions: parts.decisions.map(decisionView),
  actionItems: parts.actionItems.map(actionItemView),
  reviews: parts.reviews.map(reviewView),
  addenda: parts.addenda.map(addendumView),
  updatedAt: m.updatedAt.toISOString(),
  updatedBy: m.updatedBy,
  finalizedAt: m.finalizedAt?.toISOString() ?? null,
  finalizedBy: m.finalizedBy,
});

/**
 * What an agency may see of minutes it may not read in full (it did not attend, or its body is
 * no longer covered on every case discussed): the decisions and action items its policy grants,
 * i.e. those about a case its body is covered on now — not the body of the minutes, other
 * cases' decisions, items about no case, reviews or addenda (DESIGN.md §3.9).
 */
export const caseOnlyMinutesView = (
  m: MinutesRow,
  decisions: DecisionRow[],
  actionItems: ActionItemRow[],
) => ({
  meetingId: m.meetingId,
  access: 'assigned_case' as const,
  status: m.status,
  finalizedAt: m.finalizedAt?.toISOString() ?? null,
  decisions: decisions.map(decisionView),
  actionItems: actionItems.map(actionItemView),
});

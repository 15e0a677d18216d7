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

/** The meeting as CASL sees it: its columns plus who attended (the agency rules' condition). */
export const meetingSubject = (row: MeetingRow, attendees: AttendeeRow[]) =>
  subject('Meeting', {
    councilId: row.councilId,
    id: row.id,
    tier: row.tier,
    attendeeStaffIds: attendees.map((a) => a.staffId),
  } as Record<string, unknown>);

/**
 * Field projection (DESIGN.md §4): only the fields the caller's rules grant for this meeting
 * leave the server — an auditor gets who met, when and about which case ids, never the title
 * or place, which are free text and may name a person.
 */
export function projectMeeting(
  ability: AppAbility,
  row: MeetingRow,
  attendees: AttendeeRow[],
  externals: ExternalAttendeeRow[],
  cases: MeetingCaseRow[],
): MeetingView {
  const allowed = new Set(
    permittedFieldsOf(ability, 'read', meetingSubject(row, attendees), {
      fieldsFrom: (rule) => rule.fields ?? [...MEETING_FIELDS],
    }),
  );
  const values: Record<string, unknown> = {
    id: row.id,
    tier: row.tier,
    title: row.title,
    heldAt: row.heldAt.toISOString(),
    place: row.place,
    caseIds: cases.map((c) => c.caseId),
    cases: cases.map((c) => ({ id: c.caseId, caseNumber: c.caseNumber, source: c.source })),
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
  for (const field of MEETING_FIELDS) if (allowed.has(field)) view[field] = values[field];
  return view;
}

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

/** The whole minutes: for coordinators and those who attended. */
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
 * What an agency that did not attend, but is assigned to a discussed case, may see: the
 * decisions and action items its policy grants (about its case, or owned by its body) — not
 * the body of the minutes, other cases' decisions, reviews or addenda.
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

import { createMongoAbility } from '@casl/ability';
import { AbilityFactory, AppAbility } from '../access/ability.factory';
import { loadPolicies } from '../access/policy-loader';
import {
  actionItemView,
  addendumView,
  caseIdsOf,
  caseOnlyMinutesView,
  fullMinutesView,
  projectMeeting,
  reviewView,
} from './meeting-projection';
import {
  ActionItemRow,
  AddendumRow,
  AttendeeRow,
  DecisionRow,
  ExternalAttendeeRow,
  MeetingCaseRow,
  MeetingRow,
  MinutesRow,
} from './meetings.repository';

/**
 * What leaves the server of a meeting and its minutes, decided by the real policy files
 * (DESIGN.md §3.7, §3.9): test/e2e/meetings and need-to-know check the same through the API;
 * these check every field quickly enough to run per mutant.
 */
const COUNCIL = '11111111-1111-4111-8111-111111111111';
const BODY = '22222222-2222-4222-8222-222222222222';
const STAFF = '77777777-7777-4777-8777-777777777777';
const CASE_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const CASE_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

const factory = new AbilityFactory(loadPolicies());
const principal = (role: 'coordinator' | 'auditor' | 'agency_staff') =>
  factory.build({
    role,
    userId: '66666666-6666-4666-8666-666666666666',
    councilId: COUNCIL,
    staffId: STAFF,
    memberBodyId: role === 'agency_staff' ? BODY : null,
  });

const meeting = (facts: Partial<MeetingRow> = {}): MeetingRow => ({
  councilId: COUNCIL,
  id: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
  tier: 'case_conference',
  title: '山田さんの支援会議',
  heldAt: new Date('2026-03-01T01:00:00.000Z'),
  place: '市役所 会議室A',
  createdAt: new Date('2026-02-20T00:00:00.000Z'),
  createdBy: '44444444-4444-4444-8444-444444444444',
  sortKey: 'x',
  minutesStatus: 'final',
  minutesRevision: 3,
  finalizedAt: new Date('2026-03-02T00:00:00.000Z'),
  attendeeStaffIds: [STAFF],
  allCasesVisibleToBodyIds: [],
  anyCaseVisibleToBodyIds: [],
  ...facts,
});

const attendees: AttendeeRow[] = [
  {
    meetingId: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
    staffId: STAFF,
    userId: '66666666-6666-4666-8666-666666666666',
    displayName: '佐藤',
    memberBodyId: BODY,
    role: 'agency_staff',
  },
];
const externals: ExternalAttendeeRow[] = [
  {
    meetingId: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
    id: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee',
    name: '鈴木',
    organisation: '民生委員',
    acknowledgedAt: new Date('2026-03-01T00:30:00.000Z'),
  },
];
const cases: MeetingCaseRow[] = [
  {
    meetingId: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
    caseId: CASE_A,
    caseNumber: 'C-0001',
    source: 'named',
    readable: true,
  },
  {
    meetingId: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
    caseId: CASE_B,
    caseNumber: 'C-0002',
    source: 'due_for_review',
    readable: false,
  },
];

const everything = {
  id: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
  tier: 'case_conference',
  title: '山田さんの支援会議',
  heldAt: '2026-03-01T01:00:00.000Z',
  place: '市役所 会議室A',
  caseIds: [CASE_A, CASE_B],
  cases: [
    { id: CASE_A, caseNumber: 'C-0001', source: 'named' },
    { id: CASE_B, caseNumber: 'C-0002', source: 'due_for_review' },
  ],
  attendees: [
    {
      staffId: STAFF,
      userId: '66666666-6666-4666-8666-666666666666',
      displayName: '佐藤',
      memberBodyId: BODY,
      role: 'agency_staff',
    },
  ],
  externalAttendees: [
    {
      id: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee',
      name: '鈴木',
      organisation: '民生委員',
      confidentialityAcknowledgedAt: '2026-03-01T00:30:00.000Z',
    },
  ],
  minutes: { status: 'final', revision: 3, finalizedAt: '2026-03-02T00:00:00.000Z' },
  createdAt: '2026-02-20T00:00:00.000Z',
  createdBy: '44444444-4444-4444-8444-444444444444',
};

describe('projectMeeting', () => {
  const sut = projectMeeting;

  it('gives the coordinator every field and every case discussed', () => {
    const view = sut(principal('coordinator'), meeting(), attendees, externals, cases);

    expect(view).toEqual(everything);
  });

  it('gives the auditor who met, when and about which cases, never the title or place', () => {
    const view = sut(principal('auditor'), meeting(), attendees, externals, cases);

    expect(view).toEqual(
      Object.fromEntries(
        Object.entries(everything).filter(([field]) => field !== 'title' && field !== 'place'),
      ),
    );
  });

  it('gives an attendee covered on every case discussed the whole meeting', () => {
    const view = sut(
      principal('agency_staff'),
      meeting({ allCasesVisibleToBodyIds: [BODY], anyCaseVisibleToBodyIds: [BODY] }),
      attendees,
      externals,
      cases,
    );

    expect(view).toEqual(everything);
  });

  it('gives an attendee covered on some cases only those cases, and no title, place or external attendees', () => {
    const view = sut(
      principal('agency_staff'),
      meeting({ anyCaseVisibleToBodyIds: [BODY] }),
      attendees,
      externals,
      cases,
    );

    expect(view).toEqual({
      id: everything.id,
      tier: everything.tier,
      heldAt: everything.heldAt,
      caseIds: [CASE_A],
      cases: [{ id: CASE_A, caseNumber: 'C-0001', source: 'named' }],
      attendees: everything.attendees,
      minutes: everything.minutes,
      createdAt: everything.createdAt,
      createdBy: everything.createdBy,
    });
  });

  it('gives a rule granting the case ids but not the cases only the readable ones: the whole list needs both', () => {
    // No policy file grants this today; a new one must not reveal cases its holder cannot read.
    const idsOnly = createMongoAbility([
      { action: 'read', subject: 'Meeting', fields: ['id', 'caseIds'] },
    ]) as AppAbility;
    const casesOnly = createMongoAbility([
      { action: 'read', subject: 'Meeting', fields: ['id', 'cases'] },
    ]) as AppAbility;

    expect(sut(idsOnly, meeting(), attendees, externals, cases)).toEqual({
      id: everything.id,
      caseIds: [CASE_A],
    });
    expect(sut(casesOnly, meeting(), attendees, externals, cases)).toEqual({
      id: everything.id,
      cases: [{ id: CASE_A, caseNumber: 'C-0001', source: 'named' }],
    });
  });

  it('gives nothing to staff who did not attend', () => {
    const view = sut(
      principal('agency_staff'),
      meeting({
        attendeeStaffIds: [],
        allCasesVisibleToBodyIds: [BODY],
        anyCaseVisibleToBodyIds: [BODY],
      }),
      attendees,
      externals,
      cases,
    );

    expect(view).toEqual({});
  });

  it('shows minutes not yet final with no finalisation time', () => {
    const view = sut(
      principal('coordinator'),
      meeting({ minutesStatus: 'draft', minutesRevision: 1, finalizedAt: null }),
      attendees,
      externals,
      cases,
    );

    expect(view.minutes).toEqual({ status: 'draft', revision: 1, finalizedAt: null });
  });
});

describe('caseIdsOf', () => {
  it('lists each case once and leaves out records about no case', () => {
    const sut = caseIdsOf;

    expect(
      sut([{ caseId: CASE_A }, { caseId: null }, { caseId: CASE_B }, { caseId: CASE_A }]),
    ).toEqual([CASE_A, CASE_B]);
  });
});

describe('minutes views', () => {
  const minutes: MinutesRow = {
    meetingId: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
    tier: 'case_conference',
    revision: 3,
    bodySealed: null,
    body: '議事: 山田さんの見守り体制',
    status: 'final',
    updatedAt: new Date('2026-03-02T00:00:00.000Z'),
    updatedBy: '44444444-4444-4444-8444-444444444444',
    finalizedAt: new Date('2026-03-02T00:00:00.000Z'),
    finalizedBy: '44444444-4444-4444-8444-444444444444',
  };
  const decision: DecisionRow = {
    id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd',
    meetingId: minutes.meetingId,
    heldAt: new Date('2026-03-01T01:00:00.000Z'),
    position: 1,
    text: '週1回訪問',
    caseId: CASE_A,
    statusChangeId: 'ffffffff-ffff-4fff-8fff-ffffffffffff',
    statusChangeStatus: 'closed',
    statusChangedAt: new Date('2026-03-01T02:00:00.000Z'),
    supportPlanVersion: 2,
    minutesStatus: 'final',
    sortKey: 'x',
  };
  const item: ActionItemRow = {
    id: '12121212-1212-4212-8212-121212121212',
    meetingId: minutes.meetingId,
    position: 1,
    text: '訪問日程の調整',
    memberBodyId: BODY,
    dueOn: '2026-03-15',
    caseId: CASE_A,
    status: 'open',
    updatedAt: new Date('2026-03-01T03:00:00.000Z'),
    minutesStatus: 'final',
  };
  const addendum: AddendumRow = {
    id: '13131313-1313-4313-8313-131313131313',
    meetingId: minutes.meetingId,
    text: '訂正',
    reason: '誤記',
    authorUserId: '44444444-4444-4444-8444-444444444444',
    authorStaffId: null,
    createdAt: new Date('2026-03-03T00:00:00.000Z'),
  };
  const decisionOut = {
    id: decision.id,
    meetingId: minutes.meetingId,
    text: '週1回訪問',
    caseId: CASE_A,
    statusChange: {
      id: 'ffffffff-ffff-4fff-8fff-ffffffffffff',
      status: 'closed',
      changedAt: '2026-03-01T02:00:00.000Z',
    },
    supportPlanVersion: 2,
    minutesStatus: 'final',
  };
  const itemOut = {
    id: item.id,
    meetingId: minutes.meetingId,
    text: '訪問日程の調整',
    memberBodyId: BODY,
    dueOn: '2026-03-15',
    caseId: CASE_A,
    status: 'open',
    minutesStatus: 'final',
    updatedAt: '2026-03-01T03:00:00.000Z',
  };

  it('gives the whole minutes with decisions, action items, reviews and addenda', () => {
    const sut = fullMinutesView;

    const view = sut(minutes, {
      decisions: [decision, { ...decision, statusChangeId: null }],
      actionItems: [item],
      reviews: [{ caseId: CASE_A, outcome: 'continue', note: '継続', nextReviewOn: '2026-06-01' }],
      addenda: [addendum],
    });

    expect(view).toEqual({
      meetingId: minutes.meetingId,
      access: 'full',
      status: 'final',
      revision: 3,
      body: '議事: 山田さんの見守り体制',
      decisions: [decisionOut, { ...decisionOut, statusChange: null }],
      actionItems: [itemOut],
      reviews: [{ caseId: CASE_A, outcome: 'continue', note: '継続', nextReviewOn: '2026-06-01' }],
      addenda: [
        {
          id: addendum.id,
          meetingId: minutes.meetingId,
          text: '訂正',
          reason: '誤記',
          authorUserId: addendum.authorUserId,
          authorStaffId: null,
          createdAt: '2026-03-03T00:00:00.000Z',
        },
      ],
      updatedAt: '2026-03-02T00:00:00.000Z',
      updatedBy: minutes.updatedBy,
      finalizedAt: '2026-03-02T00:00:00.000Z',
      finalizedBy: minutes.finalizedBy,
    });
  });

  it('gives draft minutes with no finalisation time', () => {
    const view = fullMinutesView(
      { ...minutes, status: 'draft', finalizedAt: null, finalizedBy: null },
      { decisions: [], actionItems: [], reviews: [], addenda: [] },
    );

    expect(view).toMatchObject({ status: 'draft', finalizedAt: null, finalizedBy: null });
  });

  it('gives an agency that may not read the minutes in full only the granted decisions and items, never the body', () => {
    const sut = caseOnlyMinutesView;

    const view = sut(minutes, [{ ...decision, statusChangedAt: null }], [item]);

    expect(view).toEqual({
      meetingId: minutes.meetingId,
      access: 'assigned_case',
      status: 'final',
      finalizedAt: '2026-03-02T00:00:00.000Z',
      decisions: [
        { ...decisionOut, statusChange: { ...decisionOut.statusChange, changedAt: null } },
      ],
      actionItems: [itemOut],
    });
    expect(sut({ ...minutes, finalizedAt: null }, [], []).finalizedAt).toBeNull();
  });

  it('keeps each view to its fields', () => {
    expect(actionItemView(item)).toEqual(itemOut);
    expect(
      reviewView({ caseId: CASE_A, outcome: 'continue', note: null, nextReviewOn: null }),
    ).toEqual({
      caseId: CASE_A,
      outcome: 'continue',
      note: null,
      nextReviewOn: null,
    });
    expect(addendumView(addendum).createdAt).toBe('2026-03-03T00:00:00.000Z');
  });
});

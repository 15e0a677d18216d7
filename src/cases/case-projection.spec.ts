import { AbilityFactory } from '../access/ability.factory';
import { loadPolicies } from '../access/policy-loader';
import { CaseRow } from '../access/subject-registry';
import { AssignmentRow, ConsentRow } from './cases.repository';
import { assignmentEnded, fieldsOfUpdate, projectCase } from './case-projection';
import { RuntimeConfig } from '../config/app-config';
import { CaseCipher } from '../crypto/case-cipher';

/** Rows here carry plain (pre-encryption) `sensitive`; the cipher is there for the signature. */
const cipher = new CaseCipher({
  crypto: { kek: 'cd'.repeat(32), previousKeks: [] },
} as unknown as RuntimeConfig);

/**
 * What leaves the server of a case, decided by the real policy files (DESIGN.md §3.1, §3.9):
 * the e2e suites (limited-scope, need-to-know, cases-access) check the same through the API;
 * these check every field of the projection quickly enough to run per mutant.
 */
const COUNCIL = '11111111-1111-4111-8111-111111111111';
const BODY = '22222222-2222-4222-8222-222222222222';
const OTHER_BODY = '33333333-3333-4333-8333-333333333333';

const factory = new AbilityFactory(loadPolicies());
const coordinator = factory.build({
  role: 'coordinator',
  userId: '44444444-4444-4444-8444-444444444444',
  councilId: COUNCIL,
  staffId: '55555555-5555-4555-8555-555555555555',
  memberBodyId: null,
});
const agencyStaff = factory.build({
  role: 'agency_staff',
  userId: '66666666-6666-4666-8666-666666666666',
  councilId: COUNCIL,
  staffId: '77777777-7777-4777-8777-777777777777',
  memberBodyId: BODY,
});

const caseRow = (facts: Partial<CaseRow> = {}): CaseRow => ({
  councilId: COUNCIL,
  id: '88888888-8888-4888-8888-888888888888',
  caseNumber: 'C-0001',
  status: 'open',
  familyName: '山田',
  givenName: '花子',
  familyNameKana: 'やまだ',
  givenNameKana: 'はなこ',
  birthDate: '1950-04-01',
  gender: 'female',
  address: '東京都千代田区1-1',
  phone: '03-0000-0000',
  sensitive: { medical: '通院中' },
  sensitiveSealed: null,
  dataKeyRef: null,
  disposedAt: null,
  summary: '一人暮らし',
  concerns: ['isolation', 'mental_health', 'poverty', 'abuse_violence'],
  reviewDueOn: '2026-12-01',
  createdAt: new Date('2026-01-02T03:04:05.000Z'),
  updatedAt: new Date('2026-02-03T04:05:06.000Z'),
  sortKey: 'x',
  visibleToBodyIds: [],
  fullScopeBodyIds: [],
  riskLevel: null,
  lastContactAt: null,
  ...facts,
});

const assignment: AssignmentRow = {
  id: '99999999-9999-4999-8999-999999999999',
  caseId: '88888888-8888-4888-8888-888888888888',
  memberBodyId: BODY,
  role: 'lead',
  scope: 'limited',
  basis: 'statutory',
  basisNote: '社会福祉法',
  basisCode: 'swa_106_6',
  basisText: null,
  basisMeetingId: null,
  reviewOn: null,
  startedAt: new Date('2026-01-05T00:00:00.000Z'),
  endedAt: new Date('2026-03-01T00:00:00.000Z'),
  endReason: 'done',
  covered: false,
  accessEndedReason: 'assignment_ended',
};

const consent: ConsentRow = {
  id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  caseId: '88888888-8888-4888-8888-888888888888',
  memberBodyIds: [BODY],
  method: 'written',
  obtainedOn: '2026-01-04',
  expiresOn: '2027-01-04',
  note: '本人同意',
  withdrawnOn: null,
  withdrawnReason: null,
  createdAt: new Date('2026-01-04T09:00:00.000Z'),
  active: true,
  formStatus: 'none',
};

describe('projectCase', () => {
  const sut = (
    ability: Parameters<typeof projectCase>[0],
    row: CaseRow,
    extra?: Parameters<typeof projectCase>[3],
  ) => projectCase(ability, row, cipher, extra);

  it('gives the coordinator every field, the subject’s personal fields grouped under subject', () => {
    const view = sut(coordinator, caseRow());

    expect(view).toEqual({
      riskLevel: null,
      lastContactAt: null,
      id: '88888888-8888-4888-8888-888888888888',
      caseNumber: 'C-0001',
      status: 'open',
      subject: {
        familyName: '山田',
        givenName: '花子',
        familyNameKana: 'やまだ',
        givenNameKana: 'はなこ',
        birthDate: '1950-04-01',
        gender: 'female',
        address: '東京都千代田区1-1',
        phone: '03-0000-0000',
      },
      sensitive: { medical: '通院中' },
      summary: '一人暮らし',
      concerns: ['isolation', 'mental_health', 'poverty', 'abuse_violence'],
      reviewDueOn: '2026-12-01',
      createdAt: '2026-01-02T03:04:05.000Z',
      updatedAt: '2026-02-03T04:05:06.000Z',
    });
  });

  it('withholds address, phone, the sensitive object and sensitive concern codes from limited scope', () => {
    const view = sut(agencyStaff, caseRow({ visibleToBodyIds: [BODY] }));

    expect(view).toEqual({
      riskLevel: null,
      lastContactAt: null,
      id: '88888888-8888-4888-8888-888888888888',
      caseNumber: 'C-0001',
      status: 'open',
      subject: {
        familyName: '山田',
        givenName: '花子',
        familyNameKana: 'やまだ',
        givenNameKana: 'はなこ',
        birthDate: '1950-04-01',
        gender: 'female',
      },
      summary: '一人暮らし',
      concerns: ['isolation', 'poverty'],
      reviewDueOn: '2026-12-01',
      createdAt: '2026-01-02T03:04:05.000Z',
      updatedAt: '2026-02-03T04:05:06.000Z',
    });
  });

  it('gives a body with full scope the restricted fields and every concern code', () => {
    const view = sut(agencyStaff, caseRow({ visibleToBodyIds: [BODY], fullScopeBodyIds: [BODY] }));

    expect(view.subject).toMatchObject({ address: '東京都千代田区1-1', phone: '03-0000-0000' });
    expect(view.sensitive).toEqual({ medical: '通院中' });
    expect(view.concerns).toEqual(['isolation', 'mental_health', 'poverty', 'abuse_violence']);
  });

  it('does not give full scope for another body’s full-scope assignment', () => {
    const view = sut(
      agencyStaff,
      caseRow({ visibleToBodyIds: [BODY, OTHER_BODY], fullScopeBodyIds: [OTHER_BODY] }),
    );

    expect(view.subject).not.toHaveProperty('address');
    expect(view).not.toHaveProperty('sensitive');
    expect(view.concerns).toEqual(['isolation', 'poverty']);
  });

  it('gives nothing at all to staff of a body the case is not visible to', () => {
    const view = sut(agencyStaff, caseRow({ visibleToBodyIds: [OTHER_BODY] }));

    expect(view).toEqual({ id: undefined, caseNumber: undefined, status: undefined, subject: {} });
  });

  it('shows assignments and active consents with their dates as ISO strings', () => {
    const view = sut(coordinator, caseRow(), {
      assignments: [
        assignment,
        { ...assignment, endedAt: null, covered: true, accessEndedReason: null },
      ],
      activeConsents: [consent],
    });

    expect(view.assignments).toEqual([
      {
        id: '99999999-9999-4999-8999-999999999999',
        memberBodyId: BODY,
        role: 'lead',
        scope: 'limited',
        basis: 'statutory',
        basisNote: '社会福祉法',
        basisCode: 'swa_106_6',
        basisText: null,
        basisMeetingId: null,
        reviewOn: null,
        startedAt: '2026-01-05T00:00:00.000Z',
        endedAt: '2026-03-01T00:00:00.000Z',
        endReason: 'done',
        active: false,
        accessEndedReason: 'assignment_ended',
      },
      expect.objectContaining({ endedAt: null, active: true, accessEndedReason: null }),
    ]);
    expect(view.activeConsents).toEqual([
      {
        id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
        memberBodyIds: [BODY],
        method: 'written',
        obtainedOn: '2026-01-04',
        expiresOn: '2027-01-04',
        note: '本人同意',
        withdrawnOn: null,
        withdrawnReason: null,
        createdAt: '2026-01-04T09:00:00.000Z',
        active: true,
        formStatus: 'none',
      },
    ]);
  });

  it('leaves out assignments and consents when they were not loaded', () => {
    const view = sut(coordinator, caseRow());

    expect(view).not.toHaveProperty('assignments');
    expect(view).not.toHaveProperty('activeConsents');
  });
});

describe('fieldsOfUpdate', () => {
  const sut = fieldsOfUpdate;

  it('names the top-level and the subject fields an update sets, not those left undefined', () => {
    const fields = sut({
      summary: 'new',
      reviewDueOn: undefined,
      subject: { address: 'x', phone: undefined, familyName: 'y' },
    });

    expect(fields).toEqual(['summary', 'address', 'familyName']);
  });

  it('names no subject fields when the update has no subject', () => {
    expect(sut({ concerns: ['poverty'] })).toEqual(['concerns']);
  });
});

describe('assignmentEnded', () => {
  it('is an assignment.end event naming the assignment, its body and its case', () => {
    const sut = assignmentEnded;

    expect(sut({ id: 'a1', caseId: 'c1', memberBodyId: 'b1' }, 'member_body_left')).toEqual({
      action: 'assignment.end',
      resourceType: 'assignment',
      resourceId: 'a1',
      resourceIds: ['b1'],
      caseId: 'c1',
      reason: 'member_body_left',
    });
  });
});

import { SESSION_OPTIONS } from '../support/database';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { parse } from 'yaml';
import { subject } from '@casl/ability';
import { AbilityFactory, AppAbility } from '../../src/access/ability.factory';
import { Action, PolicyRole } from '../../src/access/policy-catalog';
import { policySql } from '../../src/access/sql-filter';
import { caseSubject } from '../../src/cases/case-projection';
import { CaseRow, loadFacts } from '../../src/access/subject-registry';
import { createTestApp, TestApp } from '../support/app';
import { createCouncil, TestCouncil } from '../support/factories';

type Effect = 'allow' | 'deny';
interface PolicyCase {
  principal: string | string[];
  resource: string | string[];
  action: string | string[];
  field?: string | string[];
  effect: Effect;
}

const PRINCIPALS = ['coordinator', 'agency_staff', 'auditor', 'system_admin'] as const;
const RESOURCES = [
  'unassigned',
  'mine-consent-full',
  'mine-consent-limited',
  'mine-statutory-limited',
  'mine-consent-withdrawn',
  'mine-consent-expired',
  'mine-assignment-ended',
  'mine-statutory-lapsed',
  'other-body',
  'other-council',
] as const;
const ACTIONS = ['read', 'update'] as const;
const FIELDS = ['summary', 'address', 'phone', 'sensitive'] as const;

/** Records other than cases, and the actions checked on each (policies/tests/*.yaml `objects`). */
const ACTIONS_BY_SUBJECT = {
  // Council structure (policies/tests/structure.yaml).
  MemberBody: ['read', 'create', 'update', 'leave'],
  Staff: ['read', 'create', 'update', 'end'],
  PlanAction: ['read', 'update'],
  InfoRequest: ['read', 'respond'],
  Meeting: ['read', 'create'],
  Minutes: ['read', 'update', 'finalize', 'amend'],
  Decision: ['read'],
  ActionItem: ['read', 'update'],
  // Retention (policies/tests/retention.yaml, issue 19).
  CaseRecord: ['read', 'hold', 'dispose'],
  SubjectRequest: ['read', 'create', 'update', 'export'],
  // Referrals from member bodies (policies/tests/referrals.yaml).
  Referral: ['read', 'create', 'accept', 'update'],
  // About a case (policies/tests/intake.yaml).
  RelatedPerson: ['read', 'create', 'update'],
  Risk: ['read', 'create'],
  Contact: ['read', 'create'],
} as const;
type ObjectSubject = keyof typeof ACTIONS_BY_SUBJECT;
/**
 * Fields also checked on `read` of a record (none: the record as a whole). A meeting's title
 * and its full case list are what an attendee no longer covered on every case loses.
 */
const READ_FIELDS_BY_SUBJECT: Partial<Record<ObjectSubject, readonly string[]>> = {
  Meeting: ['title', 'cases'],
  // Restricted and 要配慮 fields of a related person; a contact's note.
  RelatedPerson: ['address', 'sensitive'],
  Contact: ['note'],
};

const list = <T>(v: T | T[] | undefined): (T | undefined)[] =>
  v === undefined ? [undefined] : Array.isArray(v) ? v : [v];
const key = (p: string, r: string, a: string, f?: string) => `${p} ${a} ${r}${f ? `.${f}` : ''}`;

/** The expected effect of every combination: listed ones as written, all others deny. */
function expectations(): Map<string, Effect> {
  const dir = join(__dirname, '..', '..', 'policies', 'tests');
  const expected = new Map<string, Effect>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const doc = parse(readFileSync(join(dir, file), 'utf8')) as { cases?: PolicyCase[] };
    for (const c of doc.cases ?? []) {
      for (const p of list(c.principal))
        for (const r of list(c.resource))
          for (const a of list(c.action))
            for (const f of list(c.field)) {
              for (const name of [p, r, a]) {
                if (![...PRINCIPALS, ...RESOURCES, ...ACTIONS].includes(name as never))
                  throw new Error(`${file}: unknown name "${name}"`);
              }
              if (f && !FIELDS.includes(f as never))
                throw new Error(`${file}: unknown field "${f}"`);
              const k = key(p!, r!, a!, f);
              if (expected.has(k) && expected.get(k) !== c.effect)
                throw new Error(`${file}: contradictory expectations for ${k}`);
              expected.set(k, c.effect);
            }
    }
  }
  return expected;
}

describe('policy tests as data (policies/tests/*.yaml): in memory and in SQL', () => {
  let t: TestApp;
  let a: TestCouncil;
  let app: Pool;
  const caseIds = new Map<string, { councilId: string; id: string }>();
  const abilities = new Map<string, AppAbility>();
  const objects = new Map<
    string,
    {
      subject: ObjectSubject;
      table: string;
      /** The key column (minutes are keyed by their meeting). */
      idColumn?: string;
      id: string;
      facts: Record<string, unknown>;
    }
  >();

  beforeAll(async () => {
    t = await createTestApp();
    a = await createCouncil(t, ['coordinator', 'agency_staff', 'auditor']);
    const b = await createCouncil(t, ['coordinator']);
    const su = t.db.superuser;
    const other = await su.query(
      `INSERT INTO member_bodies (council_id, name, kind, joined_on) VALUES ($1, 'other', 'npo', '2024-04-01') RETURNING id`,
      [a.councilId],
    );
    const mine = a.memberBodyId;
    const otherBody = other.rows[0].id as string;
    const newCase = async (councilId: string, name: string): Promise<string> => {
      const r = await su.query(
        `INSERT INTO cases (council_id, case_number, family_name, given_name, summary, address, phone, sensitive, created_by)
         VALUES ($1, $2, 'Test', $2, 'summary', 'address', '000', '{"x":1}', $3) RETURNING id`,
        [councilId, name, a.staff[0].id],
      );
      caseIds.set(name, { councilId, id: r.rows[0].id });
      return r.rows[0].id as string;
    };
    const consent = async (
      caseId: string,
      body: string,
      opts: { withdrawn?: boolean; expired?: boolean } = {},
    ) => {
      const r = await su.query(
        `INSERT INTO consents (council_id, case_id, method, obtained_on, expires_on, withdrawn_on, recorded_by)
         VALUES ($1, $2, 'written', current_date - 30, $3, $4, $5) RETURNING id`,
        [
          a.councilId,
          caseId,
          opts.expired ? 'yesterday' : null,
          opts.withdrawn ? 'today' : null,
          a.staff[0].id,
        ],
      );
      await su.query(
        `INSERT INTO consent_bodies (council_id, consent_id, member_body_id) VALUES ($1, $2, $3)`,
        [a.councilId, r.rows[0].id, body],
      );
    };
    const assign = async (
      caseId: string,
      body: string,
      basis: string,
      scope: string,
      ended: false | 'ended' | 'case_closed' = false,
    ) => {
      await su.query(
        `INSERT INTO case_assignments (council_id, case_id, member_body_id, role, scope, basis, basis_note, created_by, ended_at, end_reason)
         VALUES ($1, $2, $3, 'support', $4, $5, $6, $7, $8, $9)`,
        [
          a.councilId,
          caseId,
          body,
          scope,
          basis,
          basis === 'statutory' ? 'test basis' : null,
          a.staff[0].id,
          ended ? new Date() : null,
          ended || null,
        ],
      );
    };
    await newCase(a.councilId, 'unassigned');
    let id = await newCase(a.councilId, 'mine-consent-full');
    await consent(id, mine);
    await assign(id, mine, 'consent', 'full');
    id = await newCase(a.councilId, 'mine-consent-limited');
    await consent(id, mine);
    await assign(id, mine, 'consent', 'limited');
    id = await newCase(a.councilId, 'mine-statutory-limited');
    await assign(id, mine, 'statutory', 'limited');
    id = await newCase(a.councilId, 'mine-consent-withdrawn');
    await consent(id, mine, { withdrawn: true });
    await assign(id, mine, 'consent', 'full');
    id = await newCase(a.councilId, 'mine-consent-expired');
    await consent(id, mine, { expired: true });
    await assign(id, mine, 'consent', 'full');
    id = await newCase(a.councilId, 'mine-assignment-ended');
    await assign(id, mine, 'statutory', 'full', 'ended');
    // A statutory basis whose review date has passed covers nothing (issue 17 item 7).
    id = await newCase(a.councilId, 'mine-statutory-lapsed');
    await assign(id, mine, 'statutory', 'full');
    await su.query(
      `UPDATE case_assignments SET basis_code = 'act_art16', review_on = current_date - 1 WHERE case_id = $1`,
      [id],
    );
    id = await newCase(a.councilId, 'other-body');
    await assign(id, otherBody, 'statutory', 'full');
    await newCase(b.councilId, 'other-council');
    // Not a resource of cases.yaml: a case of the meetings' world (policies/tests/meetings.yaml),
    // closed, which ended the body's assignment (case-work.service.ts closes that way).
    id = await newCase(a.councilId, 'closed-case');
    await su.query(`UPDATE cases SET status = 'closed', closed_at = now() WHERE id = $1`, [id]);
    await consent(id, mine);
    await assign(id, mine, 'consent', 'full', 'case_closed');

    // Body-owned records on one case: plan actions and information requests.
    const host = caseIds.get('mine-consent-full')!.id;
    const plan = await su.query(
      `INSERT INTO support_plans (council_id, case_id, version, goals, created_by) VALUES ($1, $2, 1, '[]', $3) RETURNING id`,
      [a.councilId, host, a.staff[0].id],
    );
    for (const [name, owner] of [
      ['action-mine', mine],
      ['action-other', otherBody],
    ] as const) {
      const r = await su.query(
        `INSERT INTO plan_actions (council_id, plan_id, case_id, position, text, member_body_id, due_on)
         VALUES ($1, $2, $3, 0, 'x', $4, current_date) RETURNING id`,
        [a.councilId, plan.rows[0].id, host, owner],
      );
      objects.set(name, {
        subject: 'PlanAction',
        table: 'plan_actions',
        id: r.rows[0].id,
        facts: { councilId: a.councilId, caseId: host, memberBodyId: owner },
      });
    }
    for (const [name, owner] of [
      ['request-to-mine', mine],
      ['request-to-other', otherBody],
    ] as const) {
      const r = await su.query(
        `INSERT INTO info_requests (council_id, case_id, member_body_id, question, due_on, created_by)
         VALUES ($1, $2, $3, 'q', current_date, $4) RETURNING id`,
        [a.councilId, host, owner, a.staff[0].id],
      );
      objects.set(name, {
        subject: 'InfoRequest',
        table: 'info_requests',
        id: r.rows[0].id,
        facts: { councilId: a.councilId, caseId: host, memberBodyId: owner },
      });
    }

    // Retention (issue 19): cases as records (their skeleton), a request about one of them.
    for (const name of ['mine-consent-full', 'closed-case'] as const) {
      const { id } = caseIds.get(name)!;
      objects.set(`record-${name}`, {
        subject: 'CaseRecord',
        table: 'cases',
        id,
        facts: { councilId: a.councilId, id },
      });
    }
    const request = await su.query(
      `INSERT INTO subject_requests (council_id, case_id, kind, received_on, channel, controller, created_by)
       VALUES ($1, $2, 'disclosure', current_date, 'mail', 'municipality', $3) RETURNING id`,
      [a.councilId, host, a.staff[0].id],
    );
    objects.set('request-on-case', {
      subject: 'SubjectRequest',
      table: 'subject_requests',
      id: request.rows[0].id as string,
      facts: { councilId: a.councilId, caseId: host },
    });
    // Referrals: one submitted by the agency principal's body, one by the other body.
    for (const [name, owner] of [
      ['referral-mine', mine],
      ['referral-other', otherBody],
    ] as const) {
      const r = await su.query(
        `INSERT INTO referrals (council_id, member_body_id, submitted_by, family_name, given_name, summary, concerns, urgency)
         VALUES ($1, $2, $3, 'x', 'y', 's', '{isolation}', 'low') RETURNING id`,
        [a.councilId, owner, a.staff[0].id],
      );
      objects.set(name, {
        subject: 'Referral',
        table: 'referrals',
        id: r.rows[0].id,
        facts: {
          councilId: a.councilId,
          id: r.rows[0].id,
          memberBodyId: owner,
          status: 'submitted',
        },
      });
    }

    // Council structure: the two bodies, and the coordinator's own staff record beside another's
    // and beside a pending one (an invitation not yet accepted: no user, issue 13).
    const pending = await su.query(
      `INSERT INTO staff (council_id, user_id, accepted_at, member_body_id, role) VALUES ($1, NULL, NULL, $2, 'agency_staff') RETURNING id`,
      [a.councilId, mine],
    );
    for (const [name, subjectType, id] of [
      ['body-mine', 'MemberBody', mine],
      ['body-other', 'MemberBody', otherBody],
      ['staff-own', 'Staff', a.staff[0].staffId],
      ['staff-other', 'Staff', a.staff[1].staffId],
      ['staff-pending', 'Staff', pending.rows[0].id as string],
    ] as const) {
      const facts = await loadFacts(
        { query: (q: string, p: unknown[]) => su.query(q, p).then((r) => r.rows) },
        subjectType,
        a.councilId,
        id,
      );
      objects.set(name, {
        subject: subjectType,
        table: subjectType === 'Staff' ? 'staff' : 'member_bodies',
        id,
        facts: facts!,
      });
    }

    await buildMeetings(su, mine, otherBody);

    const factory = t.app.get(AbilityFactory);
    const [coordinator, agency, auditor] = a.staff;
    const build = (
      role: PolicyRole,
      s: { id: string; staffId: string } | null,
      memberBodyId: string | null,
    ) =>
      factory.build({
        role,
        userId: s?.id ?? a.admin.id,
        councilId: a.councilId,
        staffId: s?.staffId ?? null,
        memberBodyId,
      });
    abilities.set('coordinator', build('coordinator', coordinator, mine));
    abilities.set('agency_staff', build('agency_staff', agency, mine));
    abilities.set('auditor', build('auditor', auditor, mine));
    abilities.set('system_admin', build('system_admin', null, null));
    app = new Pool({ connectionString: t.db.appUrl, max: 1, options: SESSION_OPTIONS });
    // Seeds a whole world through the API and the database: generous on a loaded machine.
  }, 300_000);
  afterAll(async () => {
    await app?.end();
    await t.close();
  });

  /**
   * Meetings (policies/tests/meetings.yaml): meetings the agency principal attended — for its
   * own body, or for another body before its staff record moved — or did not, discussing cases
   * its body is covered on now, was covered on once (consent withdrawn, assignment ended, case
   * closed), or never was; decisions and action items about those cases (or none), owned by
   * either body. Their facts are read through the subject registry, i.e. with the same SQL text
   * the filter uses, and the access primitive loads them by.
   */
  async function buildMeetings(su: Pool, mine: string, otherBody: string): Promise<void> {
    const [coordinator, agency] = a.staff;
    const caseId = (name: string) => caseIds.get(name)!.id;
    const meetingIds = new Map<string, string>();
    type Attendance = [{ staffId: string }, string];
    const meetings: [string, string, Attendance[], string[]][] = [
      [
        'covered',
        'case_conference',
        [
          [coordinator, mine],
          [agency, mine],
        ],
        ['mine-consent-full'],
      ],
      [
        'partly',
        'case_conference',
        [
          [coordinator, mine],
          [agency, mine],
        ],
        ['mine-consent-full', 'other-body'],
      ],
      ['withdrawn', 'case_conference', [[agency, mine]], ['mine-consent-withdrawn']],
      ['ended', 'case_conference', [[agency, mine]], ['mine-assignment-ended']],
      ['closed', 'case_conference', [[agency, mine]], ['closed-case']],
      // Attended while the agency's staff record was with the other body (it moved since).
      ['moved', 'practitioners', [[agency, otherBody]], ['mine-consent-full']],
      ['no-cases', 'representatives', [[agency, mine]], []],
      ['no-cases-moved', 'representatives', [[agency, otherBody]], []],
      [
        'absent',
        'case_conference',
        [[coordinator, mine]],
        ['mine-consent-full', 'other-body', 'mine-consent-withdrawn'],
      ],
    ];
    for (const [name, tier, attendees, cases] of meetings) {
      const m = await su.query(
        `INSERT INTO meetings (council_id, tier, title, held_at, created_by) VALUES ($1, $2, 't', now(), $3) RETURNING id`,
        [a.councilId, tier, coordinator.id],
      );
      const id = m.rows[0].id as string;
      meetingIds.set(name, id);
      await su.query(
        `INSERT INTO minutes (council_id, meeting_id, revision, body) VALUES ($1, $2, 1, 'b')`,
        [a.councilId, id],
      );
      for (const [s, body] of attendees)
        await su.query(
          `INSERT INTO meeting_attendees (council_id, meeting_id, staff_id, member_body_id) VALUES ($1, $2, $3, $4)`,
          [a.councilId, id, s.staffId, body],
        );
      for (const c of cases)
        await su.query(
          `INSERT INTO meeting_cases (council_id, meeting_id, case_id, source) VALUES ($1, $2, $3, 'named')`,
          [a.councilId, id, caseId(c)],
        );
      objects.set(`meeting-${name}`, { subject: 'Meeting', table: 'meetings', id, facts: {} });
      objects.set(`minutes-${name}`, {
        subject: 'Minutes',
        table: 'minutes',
        idColumn: 'meeting_id',
        id,
        facts: {},
      });
    }
    let position = 0;
    for (const [name, meeting, c] of [
      ['decision-covered-mine', 'covered', 'mine-consent-full'],
      ['decision-covered-none', 'covered', null],
      ['decision-partly-mine', 'partly', 'mine-consent-full'],
      ['decision-partly-other', 'partly', 'other-body'],
      ['decision-partly-none', 'partly', null],
      ['decision-withdrawn-case', 'withdrawn', 'mine-consent-withdrawn'],
      ['decision-withdrawn-none', 'withdrawn', null],
      ['decision-ended-case', 'ended', 'mine-assignment-ended'],
      ['decision-closed-case', 'closed', 'closed-case'],
      ['decision-moved-mine', 'moved', 'mine-consent-full'],
      ['decision-moved-none', 'moved', null],
      ['decision-no-cases-none', 'no-cases', null],
      ['decision-no-cases-moved-none', 'no-cases-moved', null],
      ['decision-absent-my-case', 'absent', 'mine-consent-full'],
      ['decision-absent-other-case', 'absent', 'other-body'],
      ['decision-absent-no-case', 'absent', null],
      ['decision-absent-withdrawn-case', 'absent', 'mine-consent-withdrawn'],
    ] as const) {
      const r = await su.query(
        `INSERT INTO minutes_decisions (council_id, meeting_id, revision, position, text, case_id)
         VALUES ($1, $2, 1, $3, 'd', $4) RETURNING id`,
        [a.councilId, meetingIds.get(meeting), position++, c ? caseId(c) : null],
      );
      objects.set(name, {
        subject: 'Decision',
        table: 'minutes_decisions',
        id: r.rows[0].id,
        facts: {},
      });
    }
    for (const [name, meeting, c, owner] of [
      ['item-covered-mine-other', 'covered', 'mine-consent-full', otherBody],
      ['item-covered-none-other', 'covered', null, otherBody],
      ['item-partly-other-mine', 'partly', 'other-body', mine],
      ['item-partly-none-other', 'partly', null, otherBody],
      ['item-partly-none-mine', 'partly', null, mine],
      ['item-withdrawn-case-mine', 'withdrawn', 'mine-consent-withdrawn', mine],
      ['item-ended-case-mine', 'ended', 'mine-assignment-ended', mine],
      ['item-closed-case-mine', 'closed', 'closed-case', mine],
      ['item-moved-none-other', 'moved', null, otherBody],
      ['item-absent-my-case-other', 'absent', 'mine-consent-full', otherBody],
      ['item-absent-my-case-mine', 'absent', 'mine-consent-full', mine],
      ['item-absent-other-case-mine', 'absent', 'other-body', mine],
      ['item-absent-other-case-other', 'absent', 'other-body', otherBody],
      ['item-absent-none-mine', 'absent', null, mine],
    ] as const) {
      const r = await su.query(
        `INSERT INTO minutes_action_items (council_id, meeting_id, revision, position, text, member_body_id, due_on, case_id)
         VALUES ($1, $2, 1, $3, 'i', $4, current_date, $5) RETURNING id`,
        [a.councilId, meetingIds.get(meeting), position++, owner, c ? caseId(c) : null],
      );
      objects.set(name, {
        subject: 'ActionItem',
        table: 'minutes_action_items',
        id: r.rows[0].id,
        facts: {},
      });
    }
    // Intake facts (issue 17) on a full-scope and a limited-scope case of "mine".
    const full = caseIds.get('mine-consent-full')!.id;
    const limitedCase = caseIds.get('mine-consent-limited')!.id;
    for (const [name, on, by, sensitive] of [
      ['contact-mine-plain', full, mine, false],
      ['contact-other-sensitive-full', full, otherBody, true],
      ['contact-mine-sensitive-limited', limitedCase, mine, true],
      ['contact-other-plain-limited', limitedCase, otherBody, false],
    ] as const) {
      const r = await su.query(
        `INSERT INTO case_contacts (council_id, case_id, member_body_id, at, channel, reached, note, sensitive, recorded_by)
         VALUES ($1, $2, $3, now(), 'visit', true, 'n', $4, $5) RETURNING id`,
        [a.councilId, on, by, sensitive, a.staff[0].id],
      );
      objects.set(name, {
        subject: 'Contact',
        table: 'case_contacts',
        id: r.rows[0].id,
        facts: {},
      });
    }
    for (const [name, on] of [
      ['person-full', full],
      ['person-limited', limitedCase],
    ] as const) {
      const r = await su.query(
        `INSERT INTO case_related_persons (council_id, case_id, relation, family_name, address, sensitive, created_by, updated_by)
         VALUES ($1, $2, 'parent', 'P', 'a', '{"x":1}', $3, $3) RETURNING id`,
        [a.councilId, on, a.staff[0].id],
      );
      objects.set(name, {
        subject: 'RelatedPerson',
        table: 'case_related_persons',
        id: r.rows[0].id,
        facts: {},
      });
    }
    const risk = await su.query(
      `INSERT INTO case_risk_assessments (council_id, case_id, level, reason, set_by)
       VALUES ($1, $2, 'high', 'r', $3) RETURNING id`,
      [a.councilId, full, a.staff[0].id],
    );
    objects.set('risk-full', {
      subject: 'Risk',
      table: 'case_risk_assessments',
      id: risk.rows[0].id,
      facts: { councilId: a.councilId, caseId: full },
    });

    const client = await su.connect();
    try {
      const q = { query: (sql: string, p: unknown[]) => client.query(sql, p).then((r) => r.rows) };
      for (const o of objects.values()) {
        if (
          !['Meeting', 'Minutes', 'Decision', 'ActionItem', 'Contact', 'RelatedPerson'].includes(
            o.subject,
          )
        )
          continue;
        const facts = await loadFacts(q, o.subject, a.councilId, o.id);
        if (facts) o.facts = facts;
      }
    } finally {
      client.release();
    }
  }

  /** The SQL side, as the application role inside council A's RLS scope. */
  async function sqlAllows(
    ability: AppAbility,
    action: 'read' | 'update',
    caseId: string,
    field?: string,
  ): Promise<boolean> {
    const client = await app.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.council_id', $1, true)`, [a.councilId]);
      const params: unknown[] = [a.councilId, caseId];
      const where = policySql(ability, action, 'Case', 'c', params, field);
      const { rowCount } = await client.query(
        `SELECT 1 FROM cases c WHERE c.council_id = $1 AND c.id = $2 AND ${where}`,
        params,
      );
      return (rowCount ?? 0) > 0;
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  /** The in-memory side: ability.can on the case's facts (read as the DBA would). */
  async function memoryAllows(
    ability: AppAbility,
    action: 'read' | 'update',
    resource: string,
    field?: string,
  ): Promise<boolean> {
    const { councilId, id } = caseIds.get(resource)!;
    const client = await t.db.superuser.connect();
    try {
      const facts = await loadFacts<CaseRow>(
        { query: (q: string, p: unknown[]) => client.query(q, p).then((r) => r.rows) },
        'Case',
        councilId,
        id,
      );
      return ability.can(action, caseSubject(facts!), field ?? 'id');
    } finally {
      client.release();
    }
  }

  it('every other record (plan actions, information requests, meetings, minutes, decisions, action items) has the expected effect, in memory and in SQL', async () => {
    const dir = join(__dirname, '..', '..', 'policies', 'tests');
    const expected = new Map<string, Effect>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const doc = parse(readFileSync(join(dir, file), 'utf8')) as {
        objects?: (PolicyCase & { subject: string })[];
      };
      for (const c of doc.objects ?? []) {
        for (const p of list(c.principal))
          for (const r of list(c.resource))
            for (const act of list(c.action))
              for (const f of list(c.field)) {
                if (!objects.has(r!) || objects.get(r!)!.subject !== c.subject)
                  throw new Error(`${file}: unknown ${c.subject} "${r}"`);
                const fields = READ_FIELDS_BY_SUBJECT[c.subject as ObjectSubject] ?? [];
                if (f && (act !== 'read' || !fields.includes(f)))
                  throw new Error(`${file}: field "${f}" is not checked on ${c.subject} ${act}`);
                const k = key(p!, r!, act!, f);
                if (expected.has(k) && expected.get(k) !== c.effect)
                  throw new Error(`${file}: contradictory expectations for ${k}`);
                expected.set(k, c.effect);
              }
      }
    }
    const failures: string[] = [];
    let checked = 0;
    for (const principal of PRINCIPALS) {
      const ability = abilities.get(principal)!;
      for (const [name, o] of objects) {
        for (const act of ACTIONS_BY_SUBJECT[o.subject] as readonly Action[]) {
          const fields = act === 'read' ? (READ_FIELDS_BY_SUBJECT[o.subject] ?? []) : [];
          for (const field of [undefined, ...fields]) {
            const want = expected.get(key(principal, name, act, field)) ?? 'deny';
            const inMemory = ability.can(
              act,
              subject(o.subject, { ...o.facts }) as never,
              field ?? 'id',
            )
              ? 'allow'
              : 'deny';
            const client = await app.connect();
            let inSql: Effect;
            try {
              await client.query('BEGIN');
              await client.query(`SELECT set_config('app.council_id', $1, true)`, [a.councilId]);
              const params: unknown[] = [o.id];
              const where = policySql(ability, act, o.subject, 't', params, field);
              inSql =
                ((
                  await client.query(
                    `SELECT 1 FROM ${o.table} t WHERE t.${o.idColumn ?? 'id'} = $1 AND ${where}`,
                    params,
                  )
                ).rowCount ?? 0) > 0
                  ? 'allow'
                  : 'deny';
            } finally {
              await client.query('ROLLBACK');
              client.release();
            }
            checked++;
            const k = key(principal, name, act, field);
            if (inMemory !== inSql) failures.push(`${k}: memory ${inMemory}, SQL ${inSql}`);
            if (inMemory !== want) failures.push(`${k}: expected ${want}, got ${inMemory}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(
      PRINCIPALS.length *
        [...objects.values()].reduce(
          (n, o) =>
            n +
            ACTIONS_BY_SUBJECT[o.subject].length +
            (READ_FIELDS_BY_SUBJECT[o.subject]?.length ?? 0),
          0,
        ),
    );
    // Every principal × record × action twice (memory and SQL): generous on a loaded machine.
  }, 180_000);

  it('every combination has the expected effect, and memory and SQL agree', async () => {
    const expected = expectations();
    const failures: string[] = [];
    let checked = 0;
    for (const principal of PRINCIPALS) {
      const ability = abilities.get(principal)!;
      for (const resource of RESOURCES) {
        for (const action of ACTIONS) {
          for (const field of [undefined, ...(action === 'read' ? FIELDS : [])]) {
            const want = expected.get(key(principal, resource, action, field)) ?? 'deny';
            const inMemory = (await memoryAllows(ability, action, resource, field))
              ? 'allow'
              : 'deny';
            const inSql = (await sqlAllows(ability, action, caseIds.get(resource)!.id, field))
              ? 'allow'
              : 'deny';
            checked++;
            if (inMemory !== inSql)
              failures.push(
                `${key(principal, resource, action, field)}: memory ${inMemory}, SQL ${inSql}`,
              );
            if (inMemory !== want)
              failures.push(
                `${key(principal, resource, action, field)}: expected ${want}, got ${inMemory}`,
              );
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(PRINCIPALS.length * RESOURCES.length * (1 + FIELDS.length + 1));
  });
});

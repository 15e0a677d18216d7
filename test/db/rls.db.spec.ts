import { SESSION_OPTIONS } from '../support/database';
import { Pool, PoolClient } from 'pg';
import request from '../support/http';
import { DigestService } from '../../src/digest/digest.service';
import { StatisticsPublicationService } from '../../src/statistics/statistics-publication.service';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil, inviteStaff, TestCouncil, TestStaff } from '../support/factories';

/**
 * Council isolation, the second time: in PostgreSQL itself (DESIGN.md §3.3).
 *
 * The tenant tables are read from the catalogue (every table of schema public with a
 * `council_id` column), never listed by hand, and both councils get data in every one of them
 * through the API. So a table added later is checked the day it appears, and if nobody seeds it
 * here, the "seeded" test fails with its name: grow `seedCouncil` until it passes.
 */
describe('row-level security', () => {
  let t: TestApp;
  let a: TestCouncil;
  let b: TestCouncil;
  let app: Pool;
  /** Every table of schema public with a council_id column (from the catalogue). */
  let tenantTables: string[];
  /** Every table of schema public with RLS enabled or a council_id column. */
  let rlsTables: CatalogueRow[];
  /** What a superuser sees: per table, council A's and council B's row counts. */
  let superuserCounts: Record<string, { a: number; b: number }>;

  interface CatalogueRow {
    table: string;
    hasCouncilId: boolean;
    enabled: boolean;
    forced: boolean;
    policies: number;
  }

  const as = actingAs(() => t);

  /** The tenant tables of this schema today; the catalogue must list at least these. */
  const KNOWN_TENANT_TABLES = [
    'data_keys',
    'legal_holds',
    'retention_schedules',
    'subject_requests',
    'member_bodies',
    'staff',
    'coordinating_body_designations',
    'pledges',
    'pledge_acceptances',
    'cases',
    'case_number_counters',
    'consents',
    'consent_bodies',
    'case_assignments',
    'audit_events',
    'audit_chain_heads',
    'case_status_history',
    'case_notes',
    'support_plans',
    'plan_actions',
    'plan_action_history',
    'info_requests',
    'audit_checkpoints',
    'meetings',
    'meeting_cases',
    'meeting_attendees',
    'meeting_external_attendees',
    'minutes',
    'minutes_decisions',
    'minutes_action_items',
    'minutes_action_item_history',
    'minutes_case_reviews',
    'minutes_addenda',
    'statistics_holds',
    'statistics_snapshots',
    'case_links',
    'referrals',
    'public_notice_publications',
    'case_related_persons',
    'related_person_consents',
    'case_risk_assessments',
    'case_contacts',
    'assignment_basis_reviews',
  ];

  const inDays = (n: number): string =>
    new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  const unique = (): string => Math.random().toString(36).slice(2, 10);

  /** One API call that must answer `status`; returns the body (fails loudly with the path). */
  async function call(
    user: { email: string; password: string },
    method: 'get' | 'post' | 'put' | 'patch',
    path: string,
    body: object | undefined,
    status: number,
  ): Promise<Record<string, unknown>> {
    const res = await as(user, method, path, body);
    if (res.status !== status)
      throw new Error(
        `${method.toUpperCase()} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`,
      );
    return res.body as Record<string, unknown>;
  }

  const idOf = (body: Record<string, unknown>): string => body.id as string;

  /**
   * A council with data in every tenant table, written through the HTTP API wherever an
   * endpoint exists (the council, its first body and coordinator come from the factory).
   */
  async function seedCouncil(): Promise<TestCouncil> {
    const c = await createCouncil(t, ['coordinator', 'auditor']);
    const [coordinator, auditor] = c.staff;
    const base = `/api/councils/${c.councilId}`;

    // Council structure: a second member body, its staff member, their pledge, the 調整機関.
    const bodyId = idOf(
      await call(
        coordinator,
        'post',
        `${base}/member-bodies`,
        { name: `社協 ${unique()}`, kind: 'social_welfare_council', joinedOn: '2024-04-01' },
        201,
      ),
    );
    const agency: TestStaff = await inviteStaff(t, c.councilId, coordinator, {
      memberBodyId: bodyId,
      email: `rls-${unique()}@test.example`,
      displayName: 'RLS agency',
    });
    await call(
      coordinator,
      'put',
      `${base}/coordinating-body`,
      { memberBodyId: c.memberBodyId },
      200,
    );

    // A case with consent, an assignment, notes (one a correction), a plan whose action moved,
    // an answered information request, and a closure and reopening.
    const caseId = idOf(
      await call(
        coordinator,
        'post',
        `${base}/cases`,
        {
          subject: { familyName: 'RLS', givenName: c.councilId.slice(0, 4) },
          summary: 's',
          concerns: ['isolation'],
        },
        201,
      ),
    );
    const cases = `${base}/cases/${caseId}`;
    await call(
      coordinator,
      'post',
      `${cases}/consents`,
      { memberBodyIds: [bodyId], method: 'verbal', obtainedOn: '2024-05-01' },
      201,
    );
    await call(
      coordinator,
      'post',
      `${cases}/assignments`,
      { memberBodyId: bodyId, role: 'lead', scope: 'full', basis: 'consent' },
      201,
    );
    const noteId = idOf(await call(agency, 'post', `${cases}/notes`, { body: 'visit' }, 201));
    // A file on the case (attachments, issue 18): the raw body is the file.
    const login = await request(t.server)
      .post('/api/auth/login')
      .send({ email: coordinator.email, password: coordinator.password })
      .expect(200);
    await request(t.server)
      .post(`${cases}/attachments`)
      .query({ fileName: 'rls.pdf' })
      .set('Authorization', `Bearer ${login.body.accessToken as string}`)
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from('%PDF-1.4\n% rls seed\n%%EOF\n'))
      .expect(201);
    await call(
      coordinator,
      'post',
      `${cases}/notes`,
      { body: 'visit (corrected)', correctsNoteId: noteId },
      201,
    );
    const plan = await call(
      coordinator,
      'post',
      `${cases}/plans`,
      {
        goals: [{ text: 'weekly contact' }],
        actions: [{ text: 'visit', memberBodyId: bodyId, dueOn: inDays(7) }],
      },
      201,
    );
    const [action] = plan.actions as { id: string }[];
    await call(
      agency,
      'patch',
      `${cases}/plans/actions/${action.id}`,
      { status: 'in_progress' },
      200,
    );
    const infoRequestId = idOf(
      await call(
        coordinator,
        'post',
        `${cases}/info-requests`,
        { memberBodyId: bodyId, question: 'history?', dueOn: inDays(7) },
        201,
      ),
    );
    await call(
      agency,
      'post',
      `${base}/info-requests/${infoRequestId}/respond`,
      { answer: 'none' },
      200,
    );
    await call(coordinator, 'post', `${cases}/close`, { reason: 'done' }, 200);
    await call(coordinator, 'post', `${cases}/reopen`, { reason: 'again' }, 200);
    // Closing ended the assignment; reopening restores none, so the body is assigned again.
    await call(
      coordinator,
      'post',
      `${cases}/assignments`,
      { memberBodyId: bodyId, role: 'lead', scope: 'full', basis: 'consent' },
      201,
    );

    // Meetings of each tier: attendees, an external attendee, minutes with decisions, action
    // items and review outcomes, finalised; an action item moved; an addendum.
    const meetings = `${base}/meetings`;
    await call(
      coordinator,
      'post',
      meetings,
      {
        tier: 'representatives',
        title: 'representatives',
        heldAt: '2025-06-10T10:00:00+09:00',
        attendeeStaffIds: [coordinator.staffId, agency.staffId],
        externalAttendees: [
          { name: 'Expert', organisation: 'University', confidentialityAcknowledged: true },
        ],
      },
      201,
    );
    const practitioners = idOf(
      await call(
        coordinator,
        'post',
        meetings,
        {
          tier: 'practitioners',
          title: 'practitioners',
          heldAt: '2025-07-10T10:00:00+09:00',
          caseIds: [caseId],
          attendeeStaffIds: [coordinator.staffId],
        },
        201,
      ),
    );
    await call(
      coordinator,
      'put',
      `${meetings}/${practitioners}/minutes`,
      {
        body: 'progress review',
        reviews: [{ caseId, outcome: 'continue', nextReviewOn: inDays(90) }],
      },
      200,
    );
    await call(coordinator, 'post', `${meetings}/${practitioners}/minutes/finalize`, {}, 200);
    const conference = idOf(
      await call(
        coordinator,
        'post',
        meetings,
        {
          tier: 'case_conference',
          title: 'case conference',
          heldAt: '2025-08-10T10:00:00+09:00',
          caseIds: [caseId],
          attendeeStaffIds: [coordinator.staffId, agency.staffId],
        },
        201,
      ),
    );
    const minutes = await call(
      coordinator,
      'put',
      `${meetings}/${conference}/minutes`,
      {
        body: 'discussion',
        decisions: [{ text: 'continue support', caseId }],
        actionItems: [{ text: 'call', memberBodyId: bodyId, dueOn: inDays(14), caseId }],
      },
      200,
    );
    await call(coordinator, 'post', `${meetings}/${conference}/minutes/finalize`, {}, 200);
    const [item] = minutes.actionItems as { id: string }[];
    await call(agency, 'patch', `${base}/action-items/${item.id}`, { status: 'done' }, 200);
    await call(
      coordinator,
      'post',
      `${meetings}/${conference}/minutes/addenda`,
      { text: 'twice a month', reason: 'typo' },
      201,
    );

    // Retention (issue 19): a chosen period, a legal hold, a person's request (notes and minutes
    // above already made the case's and the meetings' data keys).
    await call(coordinator, 'put', `${base}/retention/schedules/closed_cases`, { years: 7 }, 200);
    await call(auditor, 'post', `${cases}/legal-holds`, { reason: 'litigation' }, 201);
    await call(
      coordinator,
      'post',
      `${cases}/subject-requests`,
      { kind: 'disclosure', receivedOn: inDays(-3), channel: 'mail', controller: 'municipality' },
      201,
    );
    // Intake (issue 17): a second case linked to the first, a referral from the agency accepted
    // (with consent naming it), and the public notice published.
    const secondCaseId = idOf(
      await call(
        coordinator,
        'post',
        `${base}/cases`,
        {
          subject: { familyName: 'RLS', givenName: `${c.councilId.slice(0, 4)}-2` },
          summary: 's',
          concerns: ['isolation'],
        },
        201,
      ),
    );
    await call(
      coordinator,
      'post',
      `${cases}/links`,
      { otherCaseId: secondCaseId, reason: 'same person' },
      201,
    );
    const referralId = idOf(
      await call(
        agency,
        'post',
        `${base}/referrals`,
        {
          subject: { familyName: 'Referred', givenName: c.councilId.slice(0, 4) },
          summary: 'referred',
          concerns: ['isolation'],
          urgency: 'medium',
          consentObtained: { method: 'written', obtainedOn: '2024-05-01' },
        },
        201,
      ),
    );
    await call(coordinator, 'post', `${base}/referrals/${referralId}/accept`, {}, 200);
    await call(coordinator, 'post', `${base}/public-notice/publish`, undefined, 201);
    // Intake facts (issue 17): a related person with their own consent, a risk level, a
    // contact, and a statutory assignment decided at the conference, renewed.
    const person = idOf(
      await call(
        coordinator,
        'post',
        `${cases}/related-persons`,
        { relation: 'parent', familyName: 'RLS', supported: true },
        201,
      ),
    );
    await call(
      coordinator,
      'post',
      `${cases}/related-persons/${person}/consents`,
      { memberBodyIds: [bodyId], method: 'verbal', obtainedOn: '2024-05-01' },
      201,
    );
    await call(coordinator, 'post', `${cases}/risk`, { level: 'high', reason: 'r' }, 201);
    await call(
      agency,
      'post',
      `${cases}/contacts`,
      { at: '2025-09-01T10:00:00+09:00', channel: 'visit', reached: true, memberBodyId: bodyId },
      201,
    );
    const statutory = idOf(
      await call(
        coordinator,
        'post',
        `${cases}/assignments`,
        {
          memberBodyId: c.memberBodyId,
          role: 'support',
          scope: 'limited',
          basis: 'statutory',
          basisNote: 'n',
          basisCode: 'act_art16',
          basisMeetingId: conference,
        },
        201,
      ),
    );
    await call(
      coordinator,
      'post',
      `${cases}/assignments/${statutory}/renew`,
      { reviewOn: inDays(400) },
      200,
    );

    // A month published (as the scheduled job does) and another held back by the coordinator.
    await t.app.get(StatisticsPublicationService).publish(c.councilId, '2025-01', 'schedule');
    await call(coordinator, 'post', `${base}/statistics/holds`, { period: '2025-02' }, 201);
    // Today's digests (issue 18): one delivery row per person with a worklist (to the log here).
    await t.app.get(DigestService).run();

    // The auditor signs the chain head; a wrong password leaves a failed-login window behind
    // (login_failure_windows has no council: a login precedes any council).
    await call(auditor, 'post', `${base}/audit/checkpoints`, {}, 201);
    await request(t.server)
      .post('/api/auth/login')
      .send({ email: agency.email, password: 'not the password' })
      .expect(401);
    return c;
  }

  // Two councils through the whole API: generous for a shared, loaded machine.
  beforeAll(async () => {
    t = await createTestApp();
    a = await seedCouncil();
    b = await seedCouncil();
    const { rows } = await t.db.superuser.query<CatalogueRow>(
      `SELECT c.relname AS "table",
              EXISTS (SELECT 1 FROM pg_attribute at WHERE at.attrelid = c.oid
                        AND at.attname = 'council_id' AND at.attnum > 0 AND NOT at.attisdropped) AS "hasCouncilId",
              c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
              (SELECT count(*)::int FROM pg_policies p
                WHERE p.schemaname = n.nspname AND p.tablename = c.relname) AS policies
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        ORDER BY 1`,
    );
    rlsTables = rows.filter((r) => r.hasCouncilId || r.enabled);
    tenantTables = rows.filter((r) => r.hasCouncilId).map((r) => r.table);
    superuserCounts = {};
    for (const table of tenantTables) {
      const { rows: counts } = await t.db.superuser.query<{ a: number; b: number }>(
        `SELECT count(*) FILTER (WHERE council_id = $1)::int AS a,
                count(*) FILTER (WHERE council_id = $2)::int AS b FROM ${table}`,
        [a.councilId, b.councilId],
      );
      superuserCounts[table] = counts[0];
    }
    app = new Pool({ connectionString: t.db.appUrl, max: 1, options: SESSION_OPTIONS });
    // Seeds a whole world through the API and the database: generous on a loaded machine.
  }, 300_000);
  afterAll(async () => {
    await app?.end();
    await t.close();
  });

  /** `work` as the application role in one transaction, scoped to `councilId` (if any). */
  async function asApp<T>(
    councilId: string | null,
    work: (c: PoolClient) => Promise<T>,
  ): Promise<T> {
    const client = await app.connect();
    try {
      await client.query('BEGIN');
      if (councilId !== null)
        await client.query(`SELECT set_config('app.council_id', $1, true)`, [councilId]);
      return await work(client);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  /** One statement inside a savepoint: its row count, or the error it raised. */
  async function attempt(
    client: PoolClient,
    sql: string,
    params: unknown[],
  ): Promise<{ rows: number } | { error: string }> {
    await client.query('SAVEPOINT attempt');
    try {
      const res = await client.query(sql, params);
      await client.query('RELEASE SAVEPOINT attempt');
      return { rows: res.rowCount ?? 0 };
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT attempt');
      return { error: (error as Error).message };
    }
  }

  /** The tenant tables on which the application role holds `privilege` (table-wide). */
  async function appMay(privilege: 'INSERT' | 'UPDATE' | 'DELETE'): Promise<string[]> {
    const { rows } = await t.db.superuser.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.role_table_grants
        WHERE grantee = 'council_app' AND table_schema = 'public' AND privilege_type = $1
          AND table_name = ANY($2) ORDER BY 1`,
      [privilege, tenantTables],
    );
    return rows.map((r) => r.table_name);
  }

  /** Per tenant table as the app role in `scope`: rows of `own` council and of any other. */
  async function seenBy(scope: string, own: string) {
    return asApp(scope, async (client) => {
      const seen: Record<string, { own: number; foreign: number }> = {};
      for (const table of tenantTables) {
        const { rows } = await client.query<{ own: number; foreign: number }>(
          `SELECT count(*) FILTER (WHERE council_id = $1)::int AS own,
                  count(*) FILTER (WHERE council_id IS DISTINCT FROM $1)::int AS foreign
             FROM ${table}`,
          [own],
        );
        seen[table] = rows[0];
      }
      return seen;
    });
  }

  describe('the catalogue', () => {
    it('lists every tenant table (a council_id column) that this schema has today', () => {
      expect(tenantTables).toEqual(expect.arrayContaining(KNOWN_TENANT_TABLES));
    });

    it('has RLS on no table without council_id except the public register of councils', () => {
      expect(rlsTables.filter((r) => !r.hasCouncilId).map((r) => r.table)).toEqual(['councils']);
    });

    it('ENABLEs and FORCEs row-level security on every tenant table and on councils', () => {
      const flags = Object.fromEntries(
        rlsTables.map((r) => [r.table, { enabled: r.enabled, forced: r.forced }]),
      );
      const expected = Object.fromEntries(
        rlsTables.map((r) => [r.table, { enabled: true, forced: true }]),
      );
      expect(flags).toEqual(expected);
      expect(Object.keys(flags)).toEqual(expect.arrayContaining([...tenantTables, 'councils']));
    });

    it('gives every tenant table at least one policy', () => {
      const without = rlsTables.filter((r) => r.policies === 0).map((r) => r.table);
      expect(without).toEqual([]);
    });
  });

  it('has seeded rows of both councils into every tenant table (else: seed the new table here)', () => {
    const unseeded = tenantTables.filter(
      (table) => superuserCounts[table].a === 0 || superuserCounts[table].b === 0,
    );
    expect(unseeded).toEqual([]);
  });

  describe('reading as the application role', () => {
    /** The own rows expected: all of them, and never none (else the read proves nothing). */
    const ownRows = (n: number): number | string => (n > 0 ? n : 'some rows: seed this table');

    it('shows, scoped to council A, all of A’s rows and none of B’s in every tenant table', async () => {
      const sut = await seenBy(a.councilId, a.councilId);
      const expected = Object.fromEntries(
        tenantTables.map((table) => [
          table,
          { own: ownRows(superuserCounts[table].a), foreign: 0 },
        ]),
      );
      expect(sut).toEqual(expected);
    });

    it('shows, scoped to council B, all of B’s rows and none of A’s in every tenant table', async () => {
      const sut = await seenBy(b.councilId, b.councilId);
      const expected = Object.fromEntries(
        tenantTables.map((table) => [
          table,
          { own: ownRows(superuserCounts[table].b), foreign: 0 },
        ]),
      );
      expect(sut).toEqual(expected);
    });

    it.each([
      ['no council set', null],
      ['an empty council', ''],
      ['a council that does not exist', '00000000-0000-4000-8000-000000000000'],
    ])('shows no row of any tenant table with %s (or refuses)', async (_label, scope) => {
      const sut = await asApp(scope, async (client) => {
        const seen: Record<string, number | 'refused'> = {};
        for (const table of tenantTables) {
          const res = await attempt(client, `SELECT 1 FROM ${table}`, []);
          seen[table] = 'rows' in res ? res.rows : 'refused';
        }
        return seen;
      });
      const visible = Object.entries(sut).filter(([, n]) => n !== 0 && n !== 'refused');
      expect(visible).toEqual([]);
    });

    it('shows the public register of councils whatever the scope (公示)', async () => {
      const sut = await asApp(a.councilId, async (client) => {
        const { rows } = await client.query<{ id: string }>(
          `SELECT id FROM councils WHERE id = ANY($1) ORDER BY id`,
          [[a.councilId, b.councilId]],
        );
        return rows.map((r) => r.id);
      });
      expect(sut).toEqual([a.councilId, b.councilId].sort());
    });
  });

  describe('writing as the application role, scoped to council A', () => {
    it('refuses to INSERT a row of council B into any tenant table it may insert into', async () => {
      const tables = await appMay('INSERT');
      expect(tables).toEqual(expect.arrayContaining(['cases', 'case_notes', 'audit_events']));
      const rowsOfB: Record<string, unknown> = {};
      for (const table of tables) {
        const { rows } = await t.db.superuser.query<{ row: unknown }>(
          `SELECT to_jsonb(x) AS row FROM ${table} x WHERE council_id = $1 LIMIT 1`,
          [b.councilId],
        );
        rowsOfB[table] = rows[0]?.row;
      }
      const sut = await asApp(a.councilId, async (client) => {
        const outcome: Record<string, string> = {};
        for (const table of tables) {
          if (rowsOfB[table] === undefined) {
            outcome[table] = 'no row of council B to copy: seed this table';
            continue;
          }
          const res = await attempt(
            client,
            `INSERT INTO ${table} SELECT * FROM jsonb_populate_record(NULL::${table}, $1)`,
            [rowsOfB[table]],
          );
          outcome[table] = 'rows' in res ? `inserted ${res.rows}` : res.error;
        }
        return outcome;
      });
      // Refused by the policy's WITH CHECK, before any key could collide with B's original row.
      // Minutes content is refused one step earlier: its insert trigger cannot see B's minutes.
      const expected = Object.fromEntries(
        tables.map((table) => [
          table,
          MINUTES_CONTENT.includes(table)
            ? expect.stringMatching(/current revision|row-level security/)
            : expect.stringMatching(/row-level security/),
        ]),
      );
      expect(sut).toEqual(expected);
    });

    it('changes no row of council B by UPDATE in any tenant table it may update (0 rows, no error)', async () => {
      const tables = await appMay('UPDATE');
      expect(tables).toEqual(expect.arrayContaining(['cases', 'minutes', 'staff']));
      const sut = await asApp(a.councilId, async (client) => {
        const outcome: Record<string, string> = {};
        for (const table of tables) {
          const res = await attempt(
            client,
            `UPDATE ${table} SET council_id = council_id WHERE council_id = $1`,
            [b.councilId],
          );
          outcome[table] = 'rows' in res ? `updated ${res.rows}` : res.error;
        }
        return outcome;
      });
      // An error would already tell A that B's row exists: it must be invisible, not refused.
      expect(sut).toEqual(Object.fromEntries(tables.map((table) => [table, 'updated 0'])));
    });

    it('refuses to move a row of council A into council B by UPDATE in any tenant table', async () => {
      const tables = await appMay('UPDATE');
      const sut = await asApp(a.councilId, async (client) => {
        const outcome: Record<string, string> = {};
        for (const table of tables) {
          const res = await attempt(
            client,
            `UPDATE ${table} SET council_id = $2 WHERE council_id = $1`,
            [a.councilId, b.councilId],
          );
          outcome[table] = 'rows' in res ? `moved ${res.rows}` : res.error;
        }
        return outcome;
      });
      // Refused by the policy's WITH CHECK; where a row trigger fires first, by that trigger.
      const expected = Object.fromEntries(
        tables.map((table) => [
          table,
          expect.stringMatching(TRIGGER_FIRST_ON_UPDATE[table] ?? /row-level security/),
        ]),
      );
      expect(sut).toEqual(expected);
    });

    it('deletes no row of council B from any tenant table it may delete from', async () => {
      const tables = await appMay('DELETE');
      const sut = await asApp(a.councilId, async (client) => {
        const outcome: Record<string, string> = {};
        for (const table of tables) {
          const res = await attempt(client, `DELETE FROM ${table} WHERE council_id = $1`, [
            b.councilId,
          ]);
          outcome[table] = 'rows' in res ? `deleted ${res.rows}` : res.error;
        }
        return outcome;
      });
      expect(sut).toEqual(Object.fromEntries(tables.map((table) => [table, 'deleted 0'])));
    });

    it('refuses to write a member body into another council than the one set', async () => {
      await asApp(a.councilId, async (client) => {
        await expect(
          client.query(
            `INSERT INTO member_bodies (council_id, name, kind, joined_on) VALUES ($1, 'Intruder', 'npo', '2024-04-01')`,
            [b.councilId],
          ),
        ).rejects.toThrow(/row-level security/);
      });
    });

    it('changes only its own council in the public register', async () => {
      const sut = await asApp(a.councilId, async (client) => ({
        own: (await client.query(`UPDATE councils SET name = name WHERE id = $1`, [a.councilId]))
          .rowCount,
        other: (await client.query(`UPDATE councils SET name = name WHERE id = $1`, [b.councilId]))
          .rowCount,
      }));
      expect(sut).toEqual({ own: 1, other: 0 });
    });
  });

  it('binds the owner role too (FORCE): with no council set it sees no row of any tenant table', async () => {
    const client = await t.db.owner.connect();
    try {
      const seen: Record<string, number> = {};
      for (const table of tenantTables) {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${table}`,
        );
        seen[table] = rows[0].n;
      }
      expect(seen).toEqual(Object.fromEntries(tenantTables.map((table) => [table, 0])));
    } finally {
      client.release();
    }
    // Only a superuser sees across councils.
    const superuser = await t.db.superuser.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM cases WHERE council_id = ANY($1)`,
      [[a.councilId, b.councilId]],
    );
    // Three cases each: the seeded case, the one linked to it, the one a referral became.
    expect(superuser.rows[0].n).toBe(6);
  });
});

/** Minutes content whose insert trigger checks the (RLS-bound) minutes row first. */
const MINUTES_CONTENT = ['minutes_decisions', 'minutes_action_items', 'minutes_case_reviews'];

/**
 * Tables whose BEFORE UPDATE row trigger refuses a move of council_id before the policy's
 * WITH CHECK is reached: the match is the trigger's message or the policy's.
 */
const TRIGGER_FIRST_ON_UPDATE: Record<string, RegExp> = {
  minutes: /are final|row-level security/,
  minutes_action_items: /only the status|row-level security/,
};

import { Client } from 'pg';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil, TestCouncil } from '../support/factories';

/**
 * Issue 15: a case read, the commonest request, costs three database round trips — BEGIN with
 * the council setting and the session check and principal lookup; the case through the read
 * policy with its assignments and active consents; the audit event with COMMIT — plus a PREPARE
 * for each statement the first time a connection meets it. Counted at node-postgres'
 * `Client.query`, the one place every message leaves the server.
 */
describe('database round trips of a case read (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let caseId: string;
  const as = actingAs(() => t);
  const path = () => `/api/councils/${c.councilId}/cases/${caseId}`;

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator', 'agency_staff']);
    const [coordinator, agency] = c.staff;
    const created = await as(coordinator, 'post', `/api/councils/${c.councilId}/cases`, {
      subject: { familyName: '山田', givenName: '花子', birthDate: '1950-05-05' },
      summary: '一人暮らし。',
      concerns: ['isolation'],
    });
    expect(created.status).toBe(201);
    caseId = created.body.id as string;
    const assigned = await as(coordinator, 'post', `${path()}/assignments`, {
      memberBodyId: agency.memberBodyId,
      role: 'support',
      scope: 'full',
      basis: 'statutory',
      basisNote: '児童福祉法第25条',
    });
    expect(assigned.status).toBe(201);
    // Log in, and let every pooled connection meet the statements (PREPARE happens once each).
    for (let i = 0; i < 8; i++) expect((await as(agency, 'get', path())).status).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await t.close();
  });

  /** The messages sent for this council while `request` runs (PREPAREs apart). */
  async function messagesOf(request: () => Promise<{ status: number }>): Promise<string[]> {
    const spy = jest.spyOn(Client.prototype, 'query');
    try {
      expect((await request()).status).toBe(200);
      return spy.mock.calls
        .map(([q]) => {
          const { text = '', values = [] } =
            typeof q === 'string' ? { text: q } : (q as { text?: string; values?: unknown[] });
          return { text, values };
        })
        .filter(({ text, values }) => text.includes(c.councilId) || values.includes(c.councilId))
        .map(({ text }) => text)
        .filter((text) => !text.startsWith('PREPARE'));
    } finally {
      spy.mockRestore();
    }
  }

  it('reads a case in three round trips', async () => {
    const [, agency] = c.staff;
    const sut = await messagesOf(() => as(agency, 'get', path()));
    expect(sut).toHaveLength(3);
    expect(sut[0]).toMatch(/^BEGIN ISOLATION LEVEL READ COMMITTED;[^]*EXECUTE "s_principal_facts_/);
    expect(sut[1]).toMatch(
      /^EXECUTE "s_load_case_[^]*;\nEXECUTE "s_case_assignments_[^]*;\nEXECUTE "s_case_consents_/,
    );
    expect(sut[2]).toMatch(/^EXECUTE "s_audit_insert_[^]*;\nCOMMIT$/);
  });

  it('answers with what the prefetched reads found, and records the read with its basis', async () => {
    const [, agency] = c.staff;
    const sut = await as(agency, 'get', path());
    expect(sut.status).toBe(200);
    expect(sut.body.assignments).toEqual([
      expect.objectContaining({ memberBodyId: agency.memberBodyId, basis: 'statutory' }),
    ]);
    const { rows } = await t.db.superuser.query(
      `SELECT basis, case_id AS "caseId" FROM audit_events
        WHERE council_id = $1 AND actor_user_id = $2 AND action = 'case.read'
        ORDER BY seq DESC LIMIT 1`,
      [c.councilId, agency.id],
    );
    expect(rows).toEqual([{ basis: 'statutory', caseId }]);
  });
});

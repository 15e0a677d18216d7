import { Pool, PoolClient } from 'pg';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app';
import { createCouncil, login, TestCouncil } from '../support/factories';

/** Council isolation, the second time: in PostgreSQL itself (DESIGN.md §3.3). */
describe('row-level security', () => {
  let t: TestApp;
  let a: TestCouncil;
  let b: TestCouncil;
  let app: Pool;
  let tenantTables: string[];

  beforeAll(async () => {
    t = await createTestApp();
    a = await createCouncil(t, ['coordinator', 'agency_staff']);
    b = await createCouncil(t, ['coordinator', 'agency_staff']);
    // Put data of every kind into both councils through the API (cases, consent, assignments, audit).
    for (const c of [a, b]) {
      const { accessToken } = await login(t, c.staff[0]);
      const auth = { Authorization: `Bearer ${accessToken}` };
      const created = await request(t.server)
        .post(`/api/councils/${c.councilId}/cases`)
        .set(auth)
        .send({
          subject: { familyName: 'RLS', givenName: c.councilId.slice(0, 4) },
          summary: 's',
          concerns: ['other'],
        });
      const caseId = created.body.id;
      await request(t.server)
        .post(`/api/councils/${c.councilId}/cases/${caseId}/consents`)
        .set(auth)
        .send({ memberBodyIds: [c.memberBodyId], method: 'verbal', obtainedOn: '2024-05-01' })
        .expect(201);
      await request(t.server)
        .post(`/api/councils/${c.councilId}/cases/${caseId}/assignments`)
        .set(auth)
        .send({ memberBodyId: c.memberBodyId, role: 'lead', scope: 'full', basis: 'consent' })
        .expect(201);
      await request(t.server)
        .put(`/api/councils/${c.councilId}/coordinating-body`)
        .set(auth)
        .send({ memberBodyId: c.memberBodyId })
        .expect(200);
    }
    const { rows } = await t.db.superuser.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'council_id' ORDER BY 1`,
    );
    tenantTables = rows.map((r) => r.table_name);
    app = new Pool({ connectionString: t.db.appUrl, max: 1 });
  });
  afterAll(async () => {
    await app.end();
    await t.close();
  });

  async function asApp<T>(
    councilId: string | null,
    work: (c: PoolClient) => Promise<T>,
  ): Promise<T> {
    const client = await app.connect();
    try {
      await client.query('BEGIN');
      if (councilId)
        await client.query(`SELECT set_config('app.council_id', $1, true)`, [councilId]);
      return await work(client);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('covers every table that has a council_id, with RLS enabled and forced', async () => {
    expect(tenantTables).toEqual(
      expect.arrayContaining([
        'member_bodies',
        'staff',
        'cases',
        'consents',
        'consent_bodies',
        'case_assignments',
        'audit_events',
        'pledges',
      ]),
    );
    const { rows } = await t.db.superuser.query<{
      relname: string;
      relrowsecurity: boolean;
      relforcerowsecurity: boolean;
    }>(
      `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY($1) AND relkind = 'r'`,
      [[...tenantTables, 'councils']],
    );
    for (const row of rows)
      expect(row).toEqual({
        relname: row.relname,
        relrowsecurity: true,
        relforcerowsecurity: true,
      });
    expect(rows).toHaveLength(tenantTables.length + 1);
  });

  it('shows the application role no row of council B from any tenant table while scoped to council A', async () => {
    await asApp(a.councilId, async (client) => {
      for (const table of tenantTables) {
        const foreign = await client.query(
          `SELECT count(*)::int AS n FROM ${table} WHERE council_id <> $1`,
          [a.councilId],
        );
        expect({ table, n: foreign.rows[0].n }).toEqual({ table, n: 0 });
      }
      const own = await client.query(`SELECT count(*)::int AS n FROM cases`);
      expect(own.rows[0].n).toBe(1); // control: the scope does show council A's rows
    });
  });

  it('shows nothing at all when no council is set', async () => {
    await asApp(null, async (client) => {
      for (const table of tenantTables) {
        const all = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
        expect({ table, n: all.rows[0].n }).toEqual({ table, n: 0 });
      }
    });
  });

  it('refuses to write a row into another council than the one set', async () => {
    await asApp(a.councilId, async (client) => {
      await expect(
        client.query(
          `INSERT INTO member_bodies (council_id, name, kind, joined_on) VALUES ($1, 'Intruder', 'npo', '2024-04-01')`,
          [b.councilId],
        ),
      ).rejects.toThrow(/row-level security/);
    });
  });

  it('binds the owner role too (FORCE), so only a superuser sees across councils', async () => {
    const owner = await t.db.owner.query(`SELECT count(*)::int AS n FROM cases`);
    expect(owner.rows[0].n).toBe(0);
    const superuser = await t.db.superuser.query(`SELECT count(*)::int AS n FROM cases`);
    expect(superuser.rows[0].n).toBe(2);
  });
});

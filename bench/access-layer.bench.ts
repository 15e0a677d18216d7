/**
 * Issue 4 benchmark: a case lookup through the full access layer (principal from the live staff
 * record, CASL ability, policy as SQL, RLS transaction, field projection, audit insert) against
 * the same SQL statements issued directly with `pg`, at the same concurrency. Reports the ratio.
 */
import { Pool } from 'pg';
import { PrincipalResolver } from '../src/access/principal-resolver';
import { policySql } from '../src/access/sql-filter';
import { CASE_COLUMNS, CasesRepository } from '../src/cases/cases.repository';
import { CasesService } from '../src/cases/cases.service';
import { CouncilsService } from '../src/councils/councils.service';
import { MemberBodiesService } from '../src/councils/member-bodies.service';
import { PledgeService } from '../src/councils/pledge.service';
import { grantSystemAdmin } from '../src/users/system-admin';
import { UsersService } from '../src/users/users.service';
import { benchEnv, inviteAndAccept, measure } from './support';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CASES = 200;

async function main(): Promise<void> {
  const env = await benchEnv(CONCURRENCY);
  const { app } = env;
  try {
    // A council with a coordinator and an agency whose body is assigned (statutory) to CASES cases.
    const { user: admin } = await app.get(UsersService).findOrCreate({
      email: 'admin@bench.example',
      displayName: 'a',
      password: 'bench-password-1',
    });
    await grantSystemAdmin(env.superuserUrl, admin.id);
    const principals = app.get(PrincipalResolver);
    const council = await app
      .get(CouncilsService)
      .create((await principals.outsideCouncils(admin.id, null))!, {
        name: 'Bench',
        municipalities: ['b'],
        establishedOn: '2024-04-01',
        mfaRequiredRoles: [],
      });
    const operator = await principals.forCouncil(admin.id, council.id, { asSystemAdmin: true });
    const body = await app
      .get(MemberBodiesService)
      .create(operator, { name: 'Agency', kind: 'npo', joinedOn: '2024-04-01' });
    const coordRecord = await inviteAndAccept(
      app,
      operator,
      { email: 'c@bench.example', displayName: 'c', memberBodyId: body.id, role: 'coordinator' },
      'bench-password-1',
    );
    const coord = await principals.forCouncil(coordRecord.userId, council.id);
    const agencyRecord = await inviteAndAccept(
      app,
      coord,
      { email: 'g@bench.example', displayName: 'g', memberBodyId: body.id, role: 'agency_staff' },
      'bench-password-1',
    );
    for (const r of [coordRecord, agencyRecord])
      await app.get(PledgeService).accept(await principals.forCouncil(r.userId, council.id), 1);

    const coordinator = await principals.forCouncil(coordRecord.userId, council.id);
    const cases = app.get(CasesService);
    const ids: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const c = await cases.create(coordinator, {
        subject: { familyName: '試験', givenName: `${i}` },
        summary: 'bench',
        concerns: ['isolation'],
      });
      await cases.createAssignment(coordinator, c.id as string, {
        memberBodyId: body.id,
        role: 'lead',
        scope: 'full',
        basis: 'statutory',
        basisNote: 'bench',
      });
      ids.push(c.id as string);
    }

    const agencyUserId = agencyRecord.userId;
    process.stdout.write(
      `\naccess-layer benchmark: case lookup by agency staff, ${CONCURRENCY} concurrent, ${SECONDS} s each\n`,
    );

    // 1. Through the access layer, as a request does it (guard's principal lookup, then the service).
    const layered = await measure(
      'access layer (principal, CASL, SQL filter, RLS, audit)',
      CONCURRENCY,
      SECONDS,
      async (w, i) => {
        const p = await principals.forCouncil(agencyUserId, council.id);
        await cases.get(p, ids[(w * 7919 + i) % ids.length]);
      },
    );

    // 2. The same statements, issued directly with pg.
    const agencyAbility = (await principals.forCouncil(agencyUserId, council.id)).ability;
    const policyParams: unknown[] = [council.id, 'CASE'];
    const where = policySql(agencyAbility, 'read', 'Case', 'c', policyParams);
    const pool = new Pool({ connectionString: env.appUrl, max: CONCURRENCY });
    const repo = app.get(CasesRepository);
    const direct = await measure(
      'direct pg (same statements, no framework)',
      CONCURRENCY,
      SECONDS,
      async (w, i) => {
        const caseId = ids[(w * 7919 + i) % ids.length];
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(`SELECT set_config('app.council_id', $1, true)`, [council.id]);
          await client.query(`SELECT 1 FROM councils WHERE id = $1`, [council.id]);
          await client.query(
            `SELECT st.id, st.member_body_id, st.role, COALESCE(st.pledge_version = (SELECT max(p.version) FROM pledges p WHERE p.council_id = st.council_id), false) AS pledged
             FROM staff st JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
            WHERE st.council_id = $1 AND st.user_id = $2 AND (st.ended_on IS NULL OR st.ended_on > current_date) AND (mb.left_on IS NULL OR mb.left_on > current_date)`,
            [council.id, agencyUserId],
          );
          await client.query('COMMIT');
          await client.query('BEGIN');
          await client.query(`SELECT set_config('app.council_id', $1, true)`, [council.id]);
          const params = policyParams.map((v) => (v === 'CASE' ? caseId : v));
          await client.query(
            `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.council_id = $1 AND c.id = $2 AND ${where}`,
            params,
          );
          // The repository's own statements for assignments and consents, through a bare pg client.
          const scope = {
            em: { query: (q: string, v: unknown[]) => client.query(q, v).then((r) => r.rows) },
            councilId: council.id,
          } as never;
          await repo.assignments(scope, caseId);
          await repo.consents(scope, caseId, true);
          await client.query(
            `INSERT INTO audit_events (council_id, actor_user_id, actor_role, member_body_id, action, resource_type, resource_id, case_id, outcome, rule_id, basis)
           VALUES ($1, $2, 'agency_staff', $3, 'case.read', 'case', $4, $4, 'allowed', 'agency.case.read-assigned', 'statutory')`,
            [council.id, agencyUserId, body.id, caseId],
          );
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      },
    );
    await pool.end();

    process.stdout.write(
      `  ratio access layer / direct pg: ${(layered / direct).toFixed(2)} (target ≥ 0.5)\n\n`,
    );
  } finally {
    await env.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

/**
 * Issue 15, P2 (issue 5's benchmark, now over HTTP): an agency user's case list must scale with
 * what the user may see, not with the council. 200 cases assigned to the user's body among
 * 2,000 and among 200,000 cases in the council; the median latency of the list (first page of
 * 50) as a user gets it — over real HTTP from the built server. The two councils are asked in
 * turn, so both series see the same background load.
 */
import { Pool } from 'pg';
import { PrincipalResolver } from '../src/access/principal-resolver';
import { PRINCIPAL_FACTS_SQL } from '../src/access/principal.repository';
import { policySql } from '../src/access/sql-filter';
import { SUBJECT_TABLES } from '../src/access/subject-registry';
import { PasswordHasher } from '../src/auth/password-hasher';
import { caseListSql } from '../src/cases/cases.repository';
import {
  benchEnv,
  latencyClient,
  login,
  machineLine,
  PASSWORD,
  percentile,
  runMain,
  say,
  startServer,
} from './support';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const SIZES = [2_000, 200_000];

runMain(async () => {
  const env = await benchEnv();
  const su = new Pool({ connectionString: env.superuserUrl, max: 2 });
  try {
    say('\ncase-list benchmark (P2): an agency user’s case list as the council grows');
    const passwordHash = await new PasswordHasher().hash(PASSWORD);
    const councils: {
      total: number;
      councilId: string;
      email: string;
      userId: string;
      bodyId: string;
    }[] = [];
    for (const total of SIZES) {
      // Built directly in SQL (as a DBA would) for speed: a council, a body, a user, cases.
      const email = `bench-${total}@x.example`;
      const {
        rows: [ids],
      } = await su.query(
        `WITH u AS (INSERT INTO users (email, display_name, password_hash) VALUES ($1, 'b', $2) RETURNING id),
              c AS (INSERT INTO councils (name, municipalities, established_on) VALUES ($3, '{b}', '2024-04-01') RETURNING id)
         SELECT u.id AS "userId", c.id AS "councilId" FROM u, c`,
        [email, passwordHash, `Bench ${total}`],
      );
      const { userId, councilId } = ids as { userId: string; councilId: string };
      await su.query(`INSERT INTO pledges (council_id, version, text) VALUES ($1, 1, 'p')`, [
        councilId,
      ]);
      const {
        rows: [body],
      } = await su.query(
        `INSERT INTO member_bodies (council_id, name, kind, joined_on) VALUES ($1, 'Agency', 'npo', '2024-04-01') RETURNING id`,
        [councilId],
      );
      await su.query(
        `INSERT INTO staff (council_id, user_id, member_body_id, role, pledged_at, pledge_version) VALUES ($1, $2, $3, 'agency_staff', now(), 1)`,
        [councilId, userId, body.id],
      );
      await su.query(
        `INSERT INTO cases (council_id, case_number, family_name, given_name, summary, concerns, created_by, created_at)
         SELECT $1, 'B-' || g, '試験', g::text, 'bench', '{isolation}', $2, now() - (g || ' seconds')::interval
           FROM generate_series(1, $3) g`,
        [councilId, userId, total],
      );
      // 200 of them, spread evenly through the council's history, are assigned to the body.
      await su.query(
        `INSERT INTO case_assignments (council_id, case_id, member_body_id, role, scope, basis, basis_note, created_by)
         SELECT council_id, id, $2, 'lead', 'full', 'statutory', 'bench', $3
           FROM (SELECT council_id, id, row_number() OVER (ORDER BY created_at) AS n FROM cases WHERE council_id = $1) x
          WHERE n % ($4 / 200) = 0`,
        [councilId, body.id, userId, total],
      );
      councils.push({ total, councilId, email, userId, bodyId: body.id as string });
    }
    await su.query('VACUUM ANALYZE');
    // The statements a list and a case read run, as the application builds them for this agency.
    const big = councils[councils.length - 1];
    const agency = await env.app.get(PrincipalResolver).forCouncil(big.userId, big.councilId);
    const listParams: unknown[] = [big.councilId, null, null, null, 51, null, null, null];
    const listSql = caseListSql(policySql(agency.ability, 'read', 'Case', 'c', listParams));
    const anyCase = (
      await su.query(
        `SELECT case_id FROM case_assignments WHERE council_id = $1 ORDER BY case_id LIMIT 1`,
        [big.councilId],
      )
    ).rows[0].case_id as string;
    const readParams: unknown[] = [big.councilId, anyCase];
    const t = SUBJECT_TABLES.Case!;
    const readSql = `SELECT ${t.columns}, (TRUE) AS "__permitted" FROM ${t.from}
      WHERE c.council_id = $1 AND c.id = $2 AND ${policySql(agency.ability, 'read', 'Case', 'c', readParams)}`;
    await env.closeApp();

    const server = await startServer(env, { poolSize: 10 });
    try {
      const client = latencyClient(server.url);
      const series = await Promise.all(
        councils.map(async (c) => ({
          ...c,
          token: await login(server.url, c.email, PASSWORD),
          path: `/api/councils/${c.councilId}/cases?limit=50`,
          times: [] as number[],
        })),
      );
      say(`  ${machineLine()}`);
      for (let i = 0; i < ITERATIONS + 30; i++) {
        for (const s of series) {
          const [status, ms] = await client.get(s.path, s.token);
          if (status !== 200) throw new Error(`list: HTTP ${status}`);
          if (i >= 30) s.times.push(ms); // the first 30 warm up
        }
      }
      client.close();
      const p50: Record<number, number> = {};
      for (const s of series) {
        s.times.sort((a, b) => a - b);
        p50[s.total] = percentile(s.times, 0.5);
        say(
          `  ${s.total.toLocaleString('en').padStart(7)} cases, 200 assigned: p50 ${p50[s.total].toFixed(2)} ms, p95 ${percentile(s.times, 0.95).toFixed(2)} ms (${ITERATIONS} lists of 50 over HTTP)`,
        );
      }
      say(
        `  P2 latency ratio 200,000 / 2,000: ${(p50[200_000] / p50[2_000]).toFixed(2)} (target ≤ 1.5)\n`,
      );
      // Evidence for docs/performance.md: the GENERIC plans (what a prepared statement runs once
      // PostgreSQL stops re-planning it) of the policy-filtered statements, in the 200,000-case
      // council, as the application role under RLS.
      const app = new Pool({ connectionString: env.appUrl, max: 1 });
      const c = await app.connect();
      try {
        await c.query('BEGIN');
        await c.query(`SELECT set_config('app.council_id', $1, true)`, [big.councilId]);
        await c.query('SET LOCAL plan_cache_mode = force_generic_plan');
        const explain = async (label: string, sql: string, params: unknown[]) => {
          await c.query(`PREPARE p AS ${sql}`);
          const args = params.map((v) =>
            v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v)}'`,
          );
          const { rows } = await c.query(
            `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE p(${args.join(', ')})`,
          );
          await c.query('DEALLOCATE p');
          say(`  generic plan, ${label}:`);
          for (const r of rows as { 'QUERY PLAN': string }[]) say(`    ${r['QUERY PLAN']}`);
        };
        await explain('agency case list (first page of 50)', listSql, listParams);
        await explain('agency case read (the primitive’s load)', readSql, readParams);
        await explain('session check + principal lookup', PRINCIPAL_FACTS_SQL, [
          big.councilId,
          big.userId,
          null,
        ]);
        await c.query('ROLLBACK');
      } finally {
        c.release();
        await app.end();
      }
      say();
    } finally {
      await server.stop();
    }
  } finally {
    await su.end();
    await env.close();
  }
});

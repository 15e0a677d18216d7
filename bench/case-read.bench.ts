/**
 * Issue 15, P1 and P1b: what a member agency gets when it reads one case, the commonest request.
 *
 *   HTTP    GET /api/councils/:c/cases/:id as agency staff over real HTTP (autocannon, keep-alive)
 *           against the BUILT server (node dist/src/main.js, logging at info) in a child process.
 *   direct  The same work done directly with `pg` and named prepared statements: BEGIN;
 *           set_config('app.council_id'); the policy-filtered case SELECT (the application's own
 *           text: CASE_COLUMNS and the agency's policy as SQL); the audit INSERT through the chain
 *           trigger; COMMIT.
 *
 * Both at the same concurrency (8), first spread over 16 councils (P1, target ≥ 0.5), then all
 * in one council (P1b: one council's audited requests serialise on its chain head).
 */
import { Pool, PoolClient } from 'pg';
import { PrincipalResolver } from '../src/access/principal-resolver';
import { policySql } from '../src/access/sql-filter';
import { CASE_COLUMNS, CASE_FROM } from '../src/access/subject-registry';
import {
  benchEnv,
  cpuMs,
  load,
  login,
  machineLine,
  PASSWORD,
  postgresCpuMs,
  runMain,
  say,
  seedCouncil,
  SeededCouncil,
  startServer,
} from './support';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const ONLY_HTTP = process.env.BENCH_ONLY_HTTP === '1';
const ROUNDS = 5;
const COUNCILS = 16;
const CASES = 50;

interface Target {
  council: SeededCouncil;
  token: string;
  userId: string;
}

runMain(async () => {
  const env = await benchEnv();
  try {
    say(`\ncase-read benchmark (P1, P1b): seeding ${COUNCILS} councils × ${CASES} cases…`);
    const councils: SeededCouncil[] = [];
    for (let n = 0; n < COUNCILS; n++)
      councils.push(
        await seedCouncil(env, `Read ${n}`, { agencies: 1, cases: CASES, assigned: CASES }),
      );
    // The agency's policy as SQL, exactly as the application renders it for this role.
    const principals = env.app.get(PrincipalResolver);
    const agencyPolicy = await Promise.all(
      councils.map(async (c) => {
        const p = await principals.forCouncil(c.agencies[0].userId, c.councilId);
        const params: unknown[] = [c.councilId, null];
        const where = policySql(p.ability, 'read', 'Case', 'c', params);
        return { where, params, memberBodyId: c.memberBodyId, userId: p.userId };
      }),
    );
    await env.closeApp();

    const server = await startServer(env, { poolSize: 10 });
    try {
      const targets: Target[] = [];
      for (const council of councils) {
        const { email, userId } = council.agencies[0];
        targets.push({ council, userId, token: await login(server.url, email, PASSWORD) });
      }
      const pool = new Pool({ connectionString: env.appUrl, max: CONCURRENCY });
      pool.on('error', () => undefined); // an idle client's error surfaces on its next use
      // Same statement texts for every council (the policy differs only in its bound values).
      const caseSql = `SELECT ${CASE_COLUMNS} FROM ${CASE_FROM} WHERE c.council_id = $1 AND c.id = $2 AND ${agencyPolicy[0].where}`;
      const auditSql = `INSERT INTO audit_events (council_id, actor_user_id, actor_role, member_body_id, action, resource_type, resource_id,
                                 resource_ids, case_id, outcome, reason, rule_id, basis, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;
      const direct = async (client: PoolClient, n: number, caseId: string): Promise<void> => {
        const policy = agencyPolicy[n];
        await client.query('BEGIN');
        await client.query({
          name: 'ref_scope',
          text: `SELECT set_config('app.council_id', $1, true)`,
          values: [councils[n].councilId],
        });
        const params = policy.params.map((v, i) => (i === 1 ? caseId : v));
        const { rows } = await client.query({ name: 'ref_case', text: caseSql, values: params });
        if (rows.length !== 1) throw new Error('direct: case not visible');
        await client.query({
          name: 'ref_audit',
          text: auditSql,
          values: [
            councils[n].councilId,
            policy.userId,
            'agency_staff',
            policy.memberBodyId,
            'case.read',
            'case',
            caseId,
            null,
            caseId,
            'allowed',
            null,
            'agency.case.read-assigned',
            'statutory',
            null,
          ],
        });
        await client.query('COMMIT');
      };

      const run = async (label: string, councilCount: number) => {
        say(`\n${label}: ${CONCURRENCY} concurrent, ${SECONDS} s each, ${machineLine()}`);
        // HTTP: request k goes to council k mod councilCount, so concurrent requests hit
        // different councils (as in P1) or all the same one (P1b).
        let k = 0;
        const nextHttp = () => {
          const i = k++;
          const t = targets[i % councilCount];
          const caseId = t.council.caseIds[Math.floor(i / councilCount) % CASES];
          return {
            path: `/api/councils/${t.council.councilId}/cases/${caseId}`,
            token: t.token,
          };
        };
        let j = 0;
        const work = async () => {
          const i = j++;
          const n = i % councilCount;
          const client = await pool.connect();
          try {
            await direct(client, n, councils[n].caseIds[Math.floor(i / councilCount) % CASES]);
          } finally {
            client.release();
          }
        };
        /** `seconds` of the direct workload at CONCURRENCY; answers [operations, seconds]. */
        const directSlice = async (seconds: number): Promise<[number, number]> => {
          const t0 = Date.now();
          const until = t0 + seconds * 1000;
          let ops = 0;
          await Promise.all(
            Array.from({ length: CONCURRENCY }, async () => {
              while (Date.now() < until) {
                await work();
                ops++;
              }
            }),
          );
          return [ops, (Date.now() - t0) / 1000];
        };
        // Warm-up (JIT, prepared statements, pools), then the two workloads in alternating
        // slices, so both meet the same background load (other sessions share this machine).
        await load(server.url, CONCURRENCY, 2, nextHttp);
        if (!ONLY_HTTP) await directSlice(2);
        const slice = Math.max(1, Math.round(SECONDS / ROUNDS));
        const httpRuns = [];
        let httpSeconds = 0;
        let directOps = 0;
        let directSeconds = 0;
        let serverCpu = 0;
        let httpPgCpu = 0;
        let directPgCpu = 0;
        for (let r = 0; r < ROUNDS; r++) {
          const cpu0 = cpuMs(server.pid);
          const pg0 = postgresCpuMs(env.pgDataDir);
          const t0 = Date.now();
          const run = await load(server.url, CONCURRENCY, slice, nextHttp);
          httpSeconds += (Date.now() - t0) / 1000;
          serverCpu += cpuMs(server.pid) - cpu0;
          httpPgCpu += postgresCpuMs(env.pgDataDir) - pg0;
          if (run.errors || run.non2xx)
            throw new Error(`HTTP errors: ${run.errors} errors, ${run.non2xx} non-2xx`);
          httpRuns.push(run);
          if (ONLY_HTTP) continue;
          const pgd0 = postgresCpuMs(env.pgDataDir);
          const [ops, seconds] = await directSlice(slice);
          directPgCpu += postgresCpuMs(env.pgDataDir) - pgd0;
          directOps += ops;
          directSeconds += seconds;
        }
        const httpRequests = httpRuns.reduce((n, x) => n + x.requests, 0);
        const httpRate = httpRequests / httpSeconds;
        const p50s = httpRuns.map((x) => x.p50).sort((a, b) => a - b);
        say(
          `  HTTP GET …/cases/:id (agency staff)   ${httpRate.toFixed(0).padStart(6)} req/s  (${httpRequests} requests; p50 ${p50s[Math.floor(p50s.length / 2)]} ms, p99 ≤ ${Math.max(...httpRuns.map((x) => x.p99))} ms; server CPU ${(serverCpu / httpRequests).toFixed(2)} ms/req, PostgreSQL CPU ${(httpPgCpu / httpRequests).toFixed(2)} ms/req)`,
        );
        if (ONLY_HTTP) return 0;
        const directRate = directOps / directSeconds;
        say(
          `  direct pg, prepared statements        ${directRate.toFixed(0).padStart(6)} ops/s  (${directOps} transactions: BEGIN; set_config; SELECT; INSERT; COMMIT; PostgreSQL CPU ${(directPgCpu / directOps).toFixed(2)} ms/op)`,
        );
        const ratio = httpRate / directRate;
        say(
          `  ratio HTTP / direct: ${ratio.toFixed(2)}  (${ROUNDS} alternating slices of ${slice} s each)`,
        );
        return ratio;
      };

      const p1 = await run(`P1: ${COUNCILS} councils`, COUNCILS);
      const p1b = await run('P1b: one council', 1);
      await pool.end();
      say(`\n  P1  ratio (16 councils): ${p1.toFixed(2)} (target ≥ 0.5)`);
      say(`  P1b ratio (one council): ${p1b.toFixed(2)}\n`);
    } finally {
      await server.stop();
    }
  } finally {
    await env.close();
  }
});

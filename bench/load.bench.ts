/**
 * Issue 15, P5 (issue 9's load test, now with autocannon): a mixed workload — 70 % case reads,
 * 20 % case lists, 10 % writes (notes) — by 100 virtual users (one keep-alive connection each)
 * across 20 councils for 60 s, against the BUILT server in a child process (full HTTP stack:
 * JWT, guard, policies, RLS, audit; logging at info) on an embedded PostgreSQL with default
 * durability. Targets: ≥ 500 req/s on this 2-core machine with the load generator on it,
 * 0 errors, p99 ≤ 3 × p50, server peak RSS < 300 MB.
 */
import {
  benchEnv,
  cpuMs,
  load,
  login,
  machineLine,
  PASSWORD,
  peakRssMb,
  resetStatements,
  rssMb,
  topStatements,
  postgresCpuMs,
  runMain,
  say,
  seedCouncil,
  startServer,
} from './support';

const USERS = Number(process.env.BENCH_USERS ?? 100);
const COUNCILS = Number(process.env.BENCH_COUNCILS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const POOL = Number(process.env.BENCH_POOL_SIZE ?? 10);

interface Vu {
  councilId: string;
  token: string;
  cases: string[];
}

runMain(async () => {
  const env = await benchEnv();
  try {
    say(`\nload benchmark (P5): seeding ${COUNCILS} councils…`);
    const perCouncil = Math.ceil(USERS / COUNCILS);
    const seeded = [];
    for (let n = 0; n < COUNCILS; n++)
      seeded.push(
        await seedCouncil(env, `Load ${n}`, { agencies: perCouncil - 1, cases: 50, assigned: 20 }),
      );
    await env.closeApp();

    const server = await startServer(env, { poolSize: POOL });
    try {
      const rssAtStart = peakRssMb(server.pid);
      const vus: Vu[] = [];
      for (const c of seeded) {
        vus.push({
          councilId: c.councilId,
          token: await login(server.url, c.coordinator.email, PASSWORD),
          cases: c.caseIds,
        });
        for (const a of c.agencies)
          vus.push({
            councilId: c.councilId,
            token: await login(server.url, a.email, PASSWORD),
            cases: c.assignedIds,
          });
      }
      vus.length = USERS;
      const counters = vus.map(() => 0);
      const next = (client: number) => {
        const vu = vus[client % vus.length];
        const i = counters[client % vus.length]++;
        const base = `/api/councils/${vu.councilId}/cases`;
        const caseId = vu.cases[(client * 31 + i) % vu.cases.length];
        const r = Math.random();
        if (r < 0.7) return { path: `${base}/${caseId}`, token: vu.token };
        if (r < 0.9) return { path: `${base}?limit=20`, token: vu.token };
        return {
          method: 'POST' as const,
          path: `${base}/${caseId}/notes`,
          token: vu.token,
          body: JSON.stringify({ body: `load note ${i}` }),
        };
      };
      say(
        `load benchmark: ${USERS} virtual users across ${COUNCILS} councils for ${SECONDS} s (70 % reads, 20 % lists, 10 % writes), server pool ${POOL}`,
      );
      say(`  ${machineLine()}`);
      await load(server.url, USERS, 3, next); // warm-up
      await resetStatements(env);
      const cpu0 = cpuMs(server.pid);
      const pg0 = postgresCpuMs(env.pgDataDir);
      const r = await load(server.url, USERS, SECONDS, next);
      const serverCpu = (cpuMs(server.pid) - cpu0) / r.requests;
      const pgCpu = (postgresCpuMs(env.pgDataDir) - pg0) / r.requests;
      const rss = peakRssMb(server.pid);
      say(`  throughput ${r.perSecond.toFixed(0)} req/s (${r.requests} requests; target ≥ 500)`);
      say(
        `  latency p50 ${r.p50} ms, p90 ${r.p90} ms, p99 ${r.p99} ms; p99 / p50 = ${(r.p99 / r.p50).toFixed(2)} (target ≤ 3)`,
      );
      say(
        `  errors ${r.errors + r.non2xx} (${r.errors} connection errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx; must be 0)`,
      );
      say(
        `  server peak RSS ${rss.toFixed(0)} MB (target < 300 MB; ${rssAtStart.toFixed(0)} MB after start-up, ${rssMb(server.pid).toFixed(0)} MB at the end)`,
      );
      say(
        `  CPU per request: server ${serverCpu.toFixed(2)} ms, PostgreSQL ${pgCpu.toFixed(2)} ms\n`,
      );
      await topStatements(env, r.requests);
      if (r.errors + r.non2xx > 0) process.exitCode = 1;
    } finally {
      await server.stop();
    }
  } finally {
    await env.close();
  }
});

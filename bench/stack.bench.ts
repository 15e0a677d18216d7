/**
 * Where a request's server CPU goes, layer by layer (issue 15): the built server, 8 keep-alive
 * connections, in alternating slices so every layer meets the same background load:
 *   - `GET /api/health/live`: Express, Nest, helmet, logging — no token, no database;
 *   - `GET /api/me`: the same plus JWT verification and one small database read;
 *   - `GET …/cases/:id` as agency staff: the full audited case read (P1's request), with its
 *     sealed `sensitive` object opened, and the same read of a case with nothing sealed;
 *   - the agency's case list and a note written to a case (P5's other two kinds);
 *   - a coordinator's update of a case's sealed `sensitive` object, and of its plain summary.
 * Prints server and PostgreSQL CPU per request for each; the difference between rows is what
 * each layer costs. `BENCH_SERVER_NODE_ARGS` (e.g. `--cpu-prof`) applies as everywhere.
 */
import {
  BENCH_SENSITIVE,
  benchEnv,
  cpuMs,
  load,
  login,
  machineLine,
  PASSWORD,
  postgresCpuMs,
  resetStatements,
  runMain,
  say,
  seedCouncil,
  startServer,
  topStatements,
} from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const SLICES = Number(process.env.BENCH_SLICES ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

runMain(async () => {
  const env = await benchEnv();
  try {
    const council = await seedCouncil(env, 'Stack', { agencies: 1, cases: 50, assigned: 50 });
    // The same council's shape without sealed content: what decrypting a case read costs.
    const plain = await seedCouncil(env, 'Stack plain', {
      agencies: 1,
      cases: 50,
      assigned: 50,
      sensitive: false,
    });
    await env.closeApp();
    const server = await startServer(env, { poolSize: 10 });
    try {
      const token = await login(server.url, council.agencies[0].email, PASSWORD);
      const plainToken = await login(server.url, plain.agencies[0].email, PASSWORD);
      const coordinatorToken = await login(server.url, council.coordinator.email, PASSWORD);
      const cases = council.assignedIds;
      const layers = [
        { label: 'GET /api/health/live (no token, no database)', path: () => '/api/health/live' },
        { label: 'GET /api/me (JWT + one read)', path: () => '/api/me' },
        {
          label: 'GET …/cases/:id (agency, audited)',
          path: (i: number) =>
            `/api/councils/${council.councilId}/cases/${cases[i % cases.length]}`,
        },
        {
          label: 'GET …/cases/:id (the same, nothing sealed)',
          token: plainToken,
          path: (i: number) =>
            `/api/councils/${plain.councilId}/cases/${plain.assignedIds[i % plain.assignedIds.length]}`,
        },
        {
          label: 'GET …/cases?limit=20 (agency list)',
          path: () => `/api/councils/${council.councilId}/cases?limit=20`,
        },
        {
          label: 'POST …/cases/:id/notes (agency, sealed)',
          method: 'POST' as const,
          body: JSON.stringify({ body: 'stack benchmark note' }),
          path: (i: number) =>
            `/api/councils/${council.councilId}/cases/${cases[i % cases.length]}/notes`,
        },
        {
          label: 'PATCH …/cases/:id sensitive (coordinator, sealed)',
          method: 'PATCH' as const,
          token: coordinatorToken,
          body: JSON.stringify({ sensitive: BENCH_SENSITIVE }),
          path: (i: number) =>
            `/api/councils/${council.councilId}/cases/${cases[i % cases.length]}`,
        },
        {
          label: 'PATCH …/cases/:id summary (coordinator, plain)',
          method: 'PATCH' as const,
          token: coordinatorToken,
          body: JSON.stringify({ summary: 'stack benchmark summary' }),
          path: (i: number) =>
            `/api/councils/${council.councilId}/cases/${cases[i % cases.length]}`,
        },
      ];
      // BENCH_LAYERS=0 (or 0,2 …): only those layers, e.g. to profile one of them.
      if (process.env.BENCH_LAYERS) {
        const keep = new Set(process.env.BENCH_LAYERS.split(',').map(Number));
        for (let n = layers.length - 1; n >= 0; n--) if (!keep.has(n)) layers.splice(n, 1);
      }
      const totals = layers.map(() => ({
        requests: 0,
        server: 0,
        pg: 0,
        errors: 0,
        p50s: [] as number[],
      }));
      await resetStatements(env);
      say(`\nstack benchmark: ${CONCURRENCY} connections, ${SLICES} × ${SECONDS} s per layer`);
      say(`  ${machineLine()}`);
      for (let s = 0; s < SLICES; s++)
        for (const [n, layer] of layers.entries()) {
          let i = 0;
          const cpu0 = cpuMs(server.pid);
          const pg0 = postgresCpuMs(env.pgDataDir);
          const r = await load(server.url, CONCURRENCY, SECONDS, () => ({
            method: 'method' in layer ? layer.method : undefined,
            body: 'body' in layer ? layer.body : undefined,
            path: layer.path(i++),
            token: 'token' in layer && layer.token ? layer.token : token,
          }));
          totals[n].server += cpuMs(server.pid) - cpu0;
          totals[n].pg += postgresCpuMs(env.pgDataDir) - pg0;
          totals[n].requests += r.requests;
          totals[n].errors += r.errors + r.non2xx;
          totals[n].p50s.push(r.p50);
        }
      for (const [n, layer] of layers.entries()) {
        const t = totals[n];
        say(
          `  ${layer.label.padEnd(42)} ${(t.requests / (SLICES * SECONDS)).toFixed(0).padStart(6)} req/s  p50 ${t.p50s.sort((x, y) => x - y)[Math.floor(t.p50s.length / 2)]} ms  server CPU ${(t.server / t.requests).toFixed(2)} ms/req  PostgreSQL CPU ${(t.pg / t.requests).toFixed(2)} ms/req${t.errors ? `  ERRORS ${t.errors}` : ''}`,
        );
        if (t.errors) process.exitCode = 1;
      }
      await topStatements(
        env,
        totals.reduce((sum, t) => sum + t.requests, 0),
      );
    } finally {
      await server.stop();
    }
  } finally {
    await env.close();
  }
});

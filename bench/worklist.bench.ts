/**
 * Issue 18: the worklist query for a 200,000-case council, p50 over HTTP (one run). A coordinator
 * (every kind, the whole council) and an agency user (200 cases assigned to its body), in turn,
 * so both see the same background load. Bulk-loaded in SQL: 200,000 cases, 2% with a review due
 * in the window, consents expiring on the agency's cases, information requests to the agency.
 */
import { Pool } from 'pg';
import { PasswordHasher } from '../src/auth/password-hasher';
import {
  benchEnv,
  latencyClient,
  login,
  machineLine,
  PASSWORD,
  percentile,
  resetStatements,
  runMain,
  say,
  startServer,
  topStatements,
} from './support';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 100);
const TOTAL = Number(process.env.BENCH_CASES ?? 200_000);

runMain(async () => {
  const env = await benchEnv();
  const su = new Pool({ connectionString: env.superuserUrl, max: 2 });
  try {
    say(`\nworklist benchmark: GET …/worklist in a council of ${TOTAL.toLocaleString('en')} cases`);
    const passwordHash = await new PasswordHasher().hash(PASSWORD);
    const {
      rows: [ids],
    } = await su.query(
      `WITH c AS (INSERT INTO councils (name, municipalities, established_on, mfa_required_roles) VALUES ('Bench worklist', '{b}', '2024-04-01', '{}') RETURNING id),
            u1 AS (INSERT INTO users (email, display_name, password_hash) VALUES ('wl-coord@x.example', 'c', $1) RETURNING id),
            u2 AS (INSERT INTO users (email, display_name, password_hash) VALUES ('wl-agency@x.example', 'a', $1) RETURNING id)
       SELECT c.id AS "councilId", u1.id AS "coordinatorId", u2.id AS "agencyUserId" FROM c, u1, u2`,
      [passwordHash],
    );
    const { councilId, coordinatorId, agencyUserId } = ids as Record<string, string>;
    await su.query(`INSERT INTO pledges (council_id, version, text) VALUES ($1, 1, 'p')`, [
      councilId,
    ]);
    const body = async (name: string, kind: string) =>
      (
        await su.query(
          `INSERT INTO member_bodies (council_id, name, kind, joined_on) VALUES ($1, $2, $3, '2024-04-01') RETURNING id`,
          [councilId, name, kind],
        )
      ).rows[0].id as string;
    const secretariat = await body('Secretariat', 'municipality');
    const agency = await body('Agency', 'npo');
    await su.query(
      `INSERT INTO staff (council_id, user_id, member_body_id, role, pledged_at, pledge_version, accepted_at)
       VALUES ($1, $2, $3, 'coordinator', now(), 1, now()), ($1, $4, $5, 'agency_staff', now(), 1, now())`,
      [councilId, coordinatorId, secretariat, agencyUserId, agency],
    );
    // Cases; every 50th has its review due within the next 10 days.
    await su.query(
      `INSERT INTO cases (council_id, case_number, family_name, given_name, summary, concerns, created_by, created_at, review_due_on)
       SELECT $1, 'W-' || g, '試験', g::text, 'bench', '{isolation}', $2, now() - (g || ' seconds')::interval,
              CASE WHEN g % 50 = 0 THEN current_date + (g % 10) ELSE current_date + 200 END
         FROM generate_series(1, $3) g`,
      [councilId, coordinatorId, TOTAL],
    );
    // 200 of them assigned to the agency on consent expiring within 10 days, each with a request due.
    await su.query(
      `WITH picked AS (
         SELECT id FROM (SELECT id, row_number() OVER (ORDER BY created_at) AS n FROM cases WHERE council_id = $1) x
          WHERE n % ($4 / 200) = 0),
       cs AS (
         INSERT INTO consents (council_id, case_id, method, obtained_on, expires_on, recorded_by)
         SELECT $1, id, 'written', current_date - 30, current_date + 7, $3 FROM picked RETURNING id, case_id),
       cb AS (INSERT INTO consent_bodies (council_id, consent_id, member_body_id) SELECT $1, id, $2 FROM cs),
       a AS (INSERT INTO case_assignments (council_id, case_id, member_body_id, role, scope, basis, created_by)
             SELECT $1, case_id, $2, 'lead', 'full', 'consent', $3 FROM cs)
       INSERT INTO info_requests (council_id, case_id, member_body_id, question, due_on, created_by)
       SELECT $1, case_id, $2, 'q', current_date + 5, $3 FROM cs`,
      [councilId, agency, coordinatorId, TOTAL],
    );
    await su.query('VACUUM ANALYZE');
    await env.closeApp();

    const server = await startServer(env, { poolSize: 10 });
    try {
      const client = latencyClient(server.url);
      const series = [
        { who: 'coordinator', email: 'wl-coord@x.example', times: [] as number[] },
        { who: 'agency staff (200 cases)', email: 'wl-agency@x.example', times: [] as number[] },
      ];
      const tokens = await Promise.all(series.map((s) => login(server.url, s.email, PASSWORD)));
      const path = `/api/councils/${councilId}/worklist`;
      say(`  ${machineLine()}`);
      await resetStatements(env);
      for (let i = 0; i < ITERATIONS + 10; i++) {
        for (const [k, s] of series.entries()) {
          const [status, ms] = await client.get(path, tokens[k]);
          if (status !== 200) {
            const r = await fetch(`${server.url}${path}`, {
              headers: { authorization: `Bearer ${tokens[k]}` },
            });
            throw new Error(`worklist (${s.who}): HTTP ${status} ${await r.text()}`);
          }
          if (i >= 10) s.times.push(ms); // the first 10 warm up
        }
      }
      client.close();
      for (const s of series) {
        s.times.sort((a, b) => a - b);
        say(
          `  ${s.who}: p50 ${percentile(s.times, 0.5).toFixed(1)} ms, p95 ${percentile(s.times, 0.95).toFixed(1)} ms (${ITERATIONS} worklists over HTTP)`,
        );
      }
      await topStatements(env, 2 * (ITERATIONS + 10));
      say();
    } finally {
      await server.stop();
    }
  } finally {
    await su.end();
    await env.close();
  }
});

/**
 * Issue 5 benchmark: an agency user's case list must scale with what they may see, not with the
 * council. 200 cases assigned to the user's body among 2,000 and among 200,000 cases in the
 * council; compare median latency of the list (first page of 50) through the access layer.
 */
import { Pool } from 'pg';
import { AbilityFactory } from '../src/access/ability.factory';
import { CouncilPrincipal } from '../src/access/council-principal';
import { CasesService } from '../src/cases/cases.service';
import { benchEnv } from './support';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);

async function main(): Promise<void> {
  const env = await benchEnv(4);
  const su = new Pool({ connectionString: env.superuserUrl, max: 2 });
  try {
    const factory = env.app.get(AbilityFactory);
    const cases = env.app.get(CasesService);
    const results: Record<string, number> = {};
    for (const total of [2_000, 200_000]) {
      // Built directly in SQL (as a DBA would) for speed: a council, a body, a user, cases.
      const {
        rows: [ids],
      } = await su.query(`
        WITH u AS (INSERT INTO users (email, display_name, password_hash) VALUES ('bench-${total}@x.example', 'b', 'x') RETURNING id),
             c AS (INSERT INTO councils (name, municipalities, established_on) VALUES ('Bench ${total}', '{b}', '2024-04-01') RETURNING id)
        SELECT u.id AS "userId", c.id AS "councilId" FROM u, c`);
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
      const {
        rows: [staff],
      } = await su.query(
        `INSERT INTO staff (council_id, user_id, member_body_id, role, pledged_at, pledge_version) VALUES ($1, $2, $3, 'agency_staff', now(), 1) RETURNING id`,
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
      await su.query('ANALYZE');
      const p: CouncilPrincipal = {
        councilId,
        userId,
        actingAs: 'agency_staff',
        requestId: null,
        staff: { id: staff.id, memberBodyId: body.id, role: 'agency_staff', pledged: true },
        ability: factory.build({
          role: 'agency_staff',
          userId,
          councilId,
          staffId: staff.id,
          memberBodyId: body.id,
        }),
      };
      const first = await cases.list(p, { limit: 50 });
      if (first.items.length !== 50 || !first.nextCursor)
        throw new Error('expected a full first page');
      for (let i = 0; i < 20; i++) await cases.list(p, { limit: 50 }); // warm up
      const times: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const t0 = process.hrtime.bigint();
        await cases.list(p, { limit: 50 });
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      times.sort((a, b) => a - b);
      const p50 = times[Math.floor(times.length / 2)];
      const p95 = times[Math.floor(times.length * 0.95)];
      results[total] = p50;
      process.stdout.write(
        `  ${String(total).padStart(7)} cases, 200 assigned: p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms (${ITERATIONS} lists of 50)\n`,
      );
    }
    process.stdout.write(
      `  latency ratio 200,000 / 2,000: ${(results[200_000] / results[2_000]).toFixed(2)} (target ≤ 1.5)\n\n`,
    );
  } finally {
    await su.end();
    await env.close();
  }
}

process.stdout.write('\ncase-list benchmark: an agency user’s case list as the council grows\n');
main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

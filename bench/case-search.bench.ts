/**
 * Issue 17: "do we already know this person?" must stay fast. A coordinator's name search
 * (GET …/cases/search?q=, a full name in hiragana, matched on the normalised katakana keys) in a
 * council of 200,000 cases: the median latency over real HTTP from the built server, and the
 * same statement run directly over SQL (as the application role, under RLS) in the same run,
 * for comparison. The cases are bulk-loaded with SQL, not through the API. Target: p50 < 50 ms.
 */
import { Pool } from 'pg';
import type { CouncilScope } from '../src/access/council-scope';
import { PrincipalResolver } from '../src/access/principal-resolver';
import { PasswordHasher } from '../src/auth/password-hasher';
import { CaseSearchRepository } from '../src/cases/case-search.repository';
import { normaliseName } from '../src/cases/name-normalisation';
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
const TOTAL = 200_000;

/** Katakana syllables without small kana or long vowels, so the keys are the text itself. */
const SYLLABLES = [
  ...'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ',
];
const syllable = (i: number): string => SYLLABLES[i % SYLLABLES.length];
/** 400 family readings of three syllables and 300 given readings of two or three. */
const FAMILY = Array.from(
  { length: 400 },
  (_, i) => syllable(i) + syllable(Math.floor(i / 7) + 3) + syllable(Math.floor(i / 13) + 11),
);
const GIVEN = Array.from(
  { length: 300 },
  (_, i) => syllable(i * 3 + 1) + syllable(Math.floor(i / 5) + 17) + (i % 2 ? syllable(i) : ''),
);
const toHiragana = (s: string): string =>
  [...s].map((ch) => String.fromCodePoint(ch.codePointAt(0)! - 0x60)).join('');

runMain(async () => {
  const env = await benchEnv();
  const su = new Pool({ connectionString: env.superuserUrl, max: 2 });
  try {
    say('\ncase-search benchmark (issue 17): a name search in a 200,000-case council');
    const passwordHash = await new PasswordHasher().hash(PASSWORD);
    const email = 'bench-search@x.example';
    const {
      rows: [ids],
    } = await su.query(
      `WITH u AS (INSERT INTO users (email, display_name, password_hash) VALUES ($1, 'b', $2) RETURNING id),
            c AS (INSERT INTO councils (name, municipalities, established_on, mfa_required_roles)
                  VALUES ('Bench search', '{b}', '2024-04-01', '{}') RETURNING id)
       SELECT u.id AS "userId", c.id AS "councilId" FROM u, c`,
      [email, passwordHash],
    );
    const { userId, councilId } = ids as { userId: string; councilId: string };
    await su.query(`INSERT INTO pledges (council_id, version, text) VALUES ($1, 1, 'p')`, [
      councilId,
    ]);
    const {
      rows: [body],
    } = await su.query(
      `INSERT INTO member_bodies (council_id, name, kind, joined_on) VALUES ($1, 'City', 'municipality', '2024-04-01') RETURNING id`,
      [councilId],
    );
    await su.query(
      `INSERT INTO staff (council_id, user_id, member_body_id, role, pledged_at, pledge_version, accepted_at)
       VALUES ($1, $2, $3, 'coordinator', now(), 1, now())`,
      [councilId, userId, body.id],
    );
    const t0 = Date.now();
    // Name keys as the application stores them (name-normalisation.ts), computed here once per
    // reading: the readings are plain katakana, so text and key agree.
    await su.query(
      `INSERT INTO cases (council_id, case_number, family_name, given_name, family_name_kana, given_name_kana,
                          birth_date, summary, concerns, created_by, created_at,
                          family_name_key, given_name_key, family_kana_key, given_kana_key)
       SELECT $1, '2025-' || lpad(g::text, 6, '0'), f.name, gv.name, f.name, gv.name,
              date '1930-01-01' + (g % 25000), 'bench', '{isolation}', $2, now() - (g || ' seconds')::interval,
              f.key, gv.key, f.key, gv.key
         FROM generate_series(1, $3) g
         CROSS JOIN LATERAL (SELECT ($4::text[])[1 + g % 400] AS name, ($5::text[])[1 + g % 400] AS key) f
         CROSS JOIN LATERAL (SELECT ($6::text[])[1 + (g / 400) % 300] AS name, ($7::text[])[1 + (g / 400) % 300] AS key) gv`,
      [
        councilId,
        userId,
        TOTAL,
        FAMILY,
        FAMILY.map((n) => normaliseName(n)),
        GIVEN,
        GIVEN.map((n) => normaliseName(n)),
      ],
    );
    await su.query('VACUUM ANALYZE');
    say(`  loaded ${TOTAL.toLocaleString('en')} cases with SQL in ${Date.now() - t0} ms`);

    // The person searched for: an existing case's reading, typed in hiragana with a space.
    const {
      rows: [target],
    } = await su.query(
      `SELECT family_name_kana AS f, given_name_kana AS g FROM cases WHERE council_id = $1 AND case_number = '2025-123457'`,
      [councilId],
    );
    const q = `${toHiragana(target.f as string)} ${toHiragana(target.g as string)}`;
    const path = `/api/councils/${councilId}/cases/search?q=${encodeURIComponent(q)}`;

    // The statement the repository runs for this coordinator, captured for the direct series.
    const coordinator = await env.app.get(PrincipalResolver).forCouncil(userId, councilId);
    let captured: { sql: string; params: unknown[] } | null = null;
    const capture = {
      councilId,
      principal: coordinator,
      em: {
        query: (sql: string, params: unknown[]) => {
          captured = { sql, params };
          return Promise.resolve([]);
        },
      },
    } as unknown as CouncilScope;
    await new CaseSearchRepository().search(capture, { q }, 20);
    const direct = captured as { sql: string; params: unknown[] } | null;
    if (!direct) throw new Error('the search statement was not captured');
    await env.closeApp();

    const server = await startServer(env, { poolSize: 10 });
    const app = new Pool({ connectionString: env.appUrl, max: 1 });
    try {
      const client = latencyClient(server.url);
      const token = await login(server.url, email, PASSWORD);
      const conn = await app.connect();
      const http: number[] = [];
      const sql: number[] = [];
      let found = 0;
      say(`  ${machineLine()}`);
      try {
        for (let i = 0; i < ITERATIONS + 30; i++) {
          const [status, ms] = await client.get(path, token);
          if (status !== 200) throw new Error(`search: HTTP ${status}`);
          // The same statement directly: one transaction scoped to the council (RLS), as the app does.
          const s0 = process.hrtime.bigint();
          await conn.query('BEGIN');
          await conn.query(`SELECT set_config('app.council_id', $1, true)`, [councilId]);
          const { rows } = await conn.query(direct.sql, direct.params);
          await conn.query('COMMIT');
          const sqlMs = Number(process.hrtime.bigint() - s0) / 1e6;
          found = rows.length;
          if (i >= 30) {
            http.push(ms);
            sql.push(sqlMs);
          }
        }
        const { rows: plan } = await conn.query('BEGIN').then(async () => {
          await conn.query(`SELECT set_config('app.council_id', $1, true)`, [councilId]);
          return conn.query(
            `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${direct.sql}`,
            direct.params,
          );
        });
        await conn.query('ROLLBACK');
        client.close();
        http.sort((a, b) => a - b);
        sql.sort((a, b) => a - b);
        say(
          `  name search over HTTP: p50 ${percentile(http, 0.5).toFixed(2)} ms, p95 ${percentile(http, 0.95).toFixed(2)} ms (${ITERATIONS} searches, ${found} results each; target p50 < 50 ms)`,
        );
        say(
          `  the same statement over SQL: p50 ${percentile(sql, 0.5).toFixed(2)} ms, p95 ${percentile(sql, 0.95).toFixed(2)} ms`,
        );
        say('  plan of the search statement (200,000 cases, app role under RLS):');
        for (const r of plan as { 'QUERY PLAN': string }[]) say(`    ${r['QUERY PLAN']}`);
        say();
      } finally {
        conn.release();
      }
    } finally {
      await app.end();
      await server.stop();
    }
  } finally {
    await su.end();
    await env.close();
  }
});

/**
 * Issue 7 benchmarks.
 *  1. Verification of a 1,000,000-event chain (streamed from PostgreSQL, canonical encoding
 *     rebuilt in JS, SHA-256 chained) against plain SHA-256 over the same number of canonical
 *     encodings in the same process; peak RSS while verifying.
 *  2. Request throughput with requests spread over 50 councils vs all in one council: each
 *     council has its own chain head, so councils never wait for each other.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { AbilityFactory } from '../src/access/ability.factory';
import { CouncilPrincipal } from '../src/access/council-principal';
import {
  canonical,
  CHAINED_EVENT_COLUMNS,
  ChainedEvent,
  GENESIS_HASH,
} from '../src/audit/audit-chain';
import { CasesService } from '../src/cases/cases.service';
import { benchEnv, measure } from './support';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);

/** Runs `audit:verify` in a fresh process and prints its result, then its peak RSS in KiB. */
const VERIFY_CHILD = `
  const { auditVerify } = require(process.argv[1]);
  auditVerify(process.argv[2], (line) => process.stdout.write(line + '\\n'))
    .then(() => process.stdout.write(process.resourceUsage().maxRSS + '\\n'))
    .catch((e) => { console.error(e); process.exit(1); });`;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

async function main(): Promise<void> {
  const env = await benchEnv(CONCURRENCY);
  const su = new Pool({ connectionString: env.superuserUrl, max: 2 });
  try {
    const factory = env.app.get(AbilityFactory);
    const cases = env.app.get(CasesService);
    const admin = (
      await su.query(
        `INSERT INTO users (email, display_name, password_hash) VALUES ('a@bench.example', 'a', 'x') RETURNING id`,
      )
    ).rows[0].id as string;

    /** A council with one pledged coordinator and one case, built directly in SQL for speed. */
    async function council(name: string): Promise<{ p: CouncilPrincipal; caseId: string }> {
      const c = (
        await su.query(
          `INSERT INTO councils (name, municipalities, established_on) VALUES ($1, '{b}', '2024-04-01') RETURNING id`,
          [name],
        )
      ).rows[0].id as string;
      await su.query(`INSERT INTO pledges (council_id, version, text) VALUES ($1, 1, 'p')`, [c]);
      const body = (
        await su.query(
          `INSERT INTO member_bodies (council_id, name, kind, joined_on) VALUES ($1, 'b', 'npo', '2024-04-01') RETURNING id`,
          [c],
        )
      ).rows[0].id as string;
      const staff = (
        await su.query(
          `INSERT INTO staff (council_id, user_id, member_body_id, role, pledged_at, pledge_version) VALUES ($1, $2, $3, 'coordinator', now(), 1) RETURNING id`,
          [c, admin, body],
        )
      ).rows[0].id as string;
      const caseId = (
        await su.query(
          `INSERT INTO cases (council_id, case_number, family_name, given_name, summary, created_by) VALUES ($1, '1', 'f', 'g', 's', $2) RETURNING id`,
          [c, admin],
        )
      ).rows[0].id as string;
      const p: CouncilPrincipal = {
        councilId: c,
        userId: admin,
        actingAs: 'coordinator',
        requestId: null,
        staff: { id: staff, memberBodyId: body, role: 'coordinator', pledged: true },
        ability: factory.build({
          role: 'coordinator',
          userId: admin,
          councilId: c,
          staffId: staff,
          memberBodyId: body,
        }),
      };
      return { p, caseId };
    }

    // ---- 2. one council vs fifty -----------------------------------------------------------
    process.stdout.write(
      `\naudit benchmark: case reads (each audited) at ${CONCURRENCY} concurrent, ${SECONDS} s each\n`,
    );
    const one = await council('one');
    const rateOne = await measure('all requests in one council', CONCURRENCY, SECONDS, async () => {
      await cases.get(one.p, one.caseId);
    });
    const fifty: { p: CouncilPrincipal; caseId: string }[] = [];
    for (let i = 0; i < 50; i++) fifty.push(await council(`fifty-${i}`));
    const rateFifty = await measure(
      'requests spread over 50 councils',
      CONCURRENCY,
      SECONDS,
      async (w, i) => {
        const target = fifty[(w * 13 + i) % fifty.length];
        await cases.get(target.p, target.caseId);
      },
    );
    process.stdout.write(
      `  ratio 50 councils / 1 council: ${(rateFifty / rateOne).toFixed(2)} (target ≥ 1)\n`,
    );

    // ---- 1. verification of a long chain ---------------------------------------------------
    const big = await council('verify');
    process.stdout.write(
      `\naudit benchmark: writing ${EVENTS.toLocaleString('en')} chained events (the trigger hashes each)…\n`,
    );
    const t0 = Date.now();
    // Small statements: each event updates the council's chain head, and a long run of updates of
    // one row inside one transaction makes PostgreSQL walk an ever longer version chain.
    for (let done = 0; done < EVENTS; done += 500) {
      await su.query(
        `INSERT INTO audit_events (council_id, actor_user_id, actor_role, member_body_id, action, resource_type, resource_id, case_id, outcome, rule_id, basis, request_id)
         SELECT $1, $2, 'coordinator', $3, 'case.read', 'case', $4, $4, 'allowed', 'coordinator.case.manage', 'coordinator', 'bench-' || g
           FROM generate_series(1, $5) g`,
        [
          big.p.councilId,
          admin,
          big.p.staff!.memberBodyId,
          big.caseId,
          Math.min(500, EVENTS - done),
        ],
      );
    }
    process.stdout.write(`  written in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);

    // A log being verified has long been vacuumed by autovacuum; freshly written rows would make
    // the first reader pay for setting every row's hint bits instead.
    await su.query('VACUUM (ANALYZE) audit_events');
    // Verification as an operator runs it: the CLI, in its own process, so its memory is its own.
    const v0 = process.hrtime.bigint();
    const child = spawnSync(
      process.execPath,
      ['-e', VERIFY_CHILD, join(__dirname, '..', 'src', 'cli', 'audit-verify.js'), big.p.councilId],
      {
        env: {
          ...process.env,
          DATABASE_URL: env.appUrl,
          PLATFORM_DATABASE_URL: env.config.database.platformUrl,
          JWT_SECRET: env.config.auth.jwtSecret,
          AUDIT_SIGNING_KEY: env.config.audit.signingKey,
          MFA_ENCRYPTION_KEY: env.config.auth.mfaEncryptionKey,
          DATA_KEK: env.config.crypto.kek,
          LOG_LEVEL: 'silent',
        },
        encoding: 'utf8',
      },
    );
    const verifySeconds = Number(process.hrtime.bigint() - v0) / 1e9;
    const [resultLine, rssLine] = child.stdout.trim().split('\n').slice(-2);
    const result = JSON.parse(resultLine) as { valid: boolean; checked: number };
    const peak = Number(rssLine) * 1024;
    if (!result.valid || result.checked < EVENTS)
      throw new Error(`verification failed: ${child.stdout}${child.stderr}`);

    // Plain SHA-256, chained, over canonical encodings of the same shape and length.
    const sample = (
      await su.query(
        `SELECT ${CHAINED_EVENT_COLUMNS} FROM audit_events WHERE council_id = $1 ORDER BY audit_events.seq DESC LIMIT 1`,
        [big.p.councilId],
      )
    ).rows[0] as ChainedEvent;
    const p0 = process.hrtime.bigint();
    let prev = GENESIS_HASH as Buffer;
    for (let i = 0; i < result.checked; i++) {
      prev = createHash('sha256')
        .update(prev)
        .update(canonical({ ...sample, seq: String(i + 1) }), 'utf8')
        .digest();
    }
    const plainSeconds = Number(process.hrtime.bigint() - p0) / 1e9;
    const verifyRate = result.checked / verifySeconds;
    const plainRate = result.checked / plainSeconds;
    process.stdout.write(
      `  verify (CLI process, including its start): ${result.checked.toLocaleString('en')} events in ${verifySeconds.toFixed(1)} s = ${verifyRate.toFixed(0)} events/s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB\n`,
    );
    process.stdout.write(
      `  plain SHA-256 of the same encodings: ${plainRate.toFixed(0)} events/s\n`,
    );
    process.stdout.write(
      `  ratio verify / plain SHA-256: ${(verifyRate / plainRate).toFixed(2)} (target ≥ 0.25; peak RSS target < 200 MB)\n\n`,
    );
  } finally {
    await su.end();
    await env.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

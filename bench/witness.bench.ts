/**
 * Issue 14: what checking the chain against a witness of checkpoints costs.
 *
 * One council with BENCH_EVENTS chained events (default 300,000) and a signed checkpoint every
 * BENCH_CHECKPOINT_EVERY events (default 1,000: 300 checkpoints, each in the database and in the
 * witness directory). Then `audit:verify` in its own process, alternately without and with
 * `--witness <dir>`, BENCH_ROUNDS times each (default 5); the median rate of each, and their
 * ratio, are printed. Also the time to sign one checkpoint (verification from the previous one).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Pool } from 'pg';
import { AuditReportsService } from '../src/audit/audit-reports.service';
import { benchEnv } from './support';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 300_000);
const EVERY = Number(process.env.BENCH_CHECKPOINT_EVERY ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** Runs `audit:verify` in a fresh process; prints its report line. */
const VERIFY_CHILD = `
  const { auditVerify } = require(process.argv[1]);
  auditVerify(process.argv[2], (line) => process.stdout.write(line + '\\n'), process.argv[3] || undefined)
    .catch((e) => { console.error(e); process.exit(1); });`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const env = await benchEnv(4);
  const su = new Pool({ connectionString: env.superuserUrl, max: 2 });
  try {
    const council = (
      await su.query(
        `INSERT INTO councils (name, municipalities, established_on) VALUES ('witness', '{b}', '2024-04-01') RETURNING id`,
      )
    ).rows[0].id as string;
    const reports = env.app.get(AuditReportsService);
    process.stdout.write(
      `\nwitness benchmark: ${EVENTS.toLocaleString('en')} events, a checkpoint every ${EVERY.toLocaleString('en')}\n`,
    );
    const signing: number[] = [];
    for (let done = 0; done < EVENTS;) {
      const n = Math.min(500, EVENTS - done);
      await su.query(
        `INSERT INTO audit_events (council_id, actor_role, action, resource_type, resource_id, outcome, reason, request_id)
         SELECT $1, 'coordinator', 'case.read', 'case', gen_random_uuid(), 'allowed', 'bench', gen_random_uuid()::text
           FROM generate_series(1, $2)`,
        [council, n],
      );
      done += n;
      if (done % EVERY === 0) {
        const s0 = process.hrtime.bigint();
        await reports.checkpoint(null, council);
        signing.push(Number(process.hrtime.bigint() - s0) / 1e6);
      }
    }
    await su.query('VACUUM (ANALYZE) audit_events');
    process.stdout.write(
      `  ${signing.length} checkpoints signed; median time to verify from the previous one, sign and witness: ${median(signing).toFixed(1)} ms\n`,
    );

    const witnessDir = env.config.audit.witnessDir;
    const verify = (witness: string): { seconds: number; valid: boolean; checked: number } => {
      const t0 = process.hrtime.bigint();
      const child = spawnSync(
        process.execPath,
        [
          '-e',
          VERIFY_CHILD,
          join(__dirname, '..', 'src', 'cli', 'audit-verify.js'),
          council,
          witness,
        ],
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
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
        valid: boolean;
        checked: number;
        witness?: { checked: number };
      };
      if (!report.valid) throw new Error(`verification failed: ${child.stdout}${child.stderr}`);
      if (witness && report.witness?.checked !== signing.length)
        throw new Error(`the witness was not read: ${child.stdout}`);
      return { seconds, valid: report.valid, checked: report.checked };
    };
    const without: number[] = [];
    const withWitness: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const a = verify('');
      without.push(a.checked / a.seconds);
      const b = verify(witnessDir);
      withWitness.push(b.checked / b.seconds);
    }
    const rateWithout = median(without);
    const rateWith = median(withWitness);
    const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    process.stdout.write(
      `  each round (events/s): without ${list(without)}; with ${list(withWitness)}\n` +
        `  audit:verify (CLI process, including its start), median of ${ROUNDS}, alternating:\n` +
        `    without witness: ${rateWithout.toFixed(0)} events/s\n` +
        `    with --witness (${signing.length} checkpoints): ${rateWith.toFixed(0)} events/s\n` +
        `  ratio with / without: ${(rateWith / rateWithout).toFixed(3)}\n\n`,
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

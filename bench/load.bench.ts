/**
 * Issue 9 load test: a mixed workload — 70 % case reads, 20 % case lists, 10 % writes (notes) —
 * by 100 virtual users across 20 councils, for 60 s, against the built server (a child process,
 * full HTTP stack: JWT, guard, policies, RLS, audit) on an embedded PostgreSQL. Reports
 * throughput, p50/p95/p99 latency, errors (must be 0) and the server's peak RSS (target < 300 MB).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrincipalResolver } from '../src/access/principal-resolver';
import { CasesService } from '../src/cases/cases.service';
import { CouncilsService } from '../src/councils/councils.service';
import { MemberBodiesService } from '../src/councils/member-bodies.service';
import { PledgeService } from '../src/councils/pledge.service';
import { grantSystemAdmin } from '../src/users/system-admin';
import { UsersService } from '../src/users/users.service';
import { benchEnv, inviteAndAccept } from './support';

const USERS = Number(process.env.BENCH_USERS ?? 100);
const COUNCILS = Number(process.env.BENCH_COUNCILS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const PASSWORD = 'bench-password-1';

interface Vu {
  councilId: string;
  token: string;
  cases: string[];
}

const peakRss = (pid: number): number =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function main(): Promise<void> {
  const env = await benchEnv(10);
  const { app } = env;
  const child = spawn(process.execPath, [join(__dirname, '..', 'src', 'main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: env.appUrl,
      PLATFORM_DATABASE_URL: env.config.database.platformUrl,
      JWT_SECRET: env.config.auth.jwtSecret,
      AUDIT_SIGNING_KEY: env.config.audit.signingKey,
      MFA_ENCRYPTION_KEY: env.config.auth.mfaEncryptionKey,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DB_POOL_SIZE: '20',
      LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
      AUDIT_CHECKPOINT_INTERVAL_MINUTES: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
      child.stdout!.on('data', () => {
        const m = /API\s+(http:\/\/\S+)\/api\s/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });

    // 20 councils, each with a coordinator and agency staff, 50 cases, 20 assigned to the agency.
    process.stdout.write(`\nload benchmark: setting up ${COUNCILS} councils…\n`);
    const { user: admin } = await app.get(UsersService).findOrCreate({
      email: 'admin@load.example',
      displayName: 'a',
      password: PASSWORD,
    });
    await grantSystemAdmin(env.superuserUrl, admin.id);
    const principals = app.get(PrincipalResolver);
    const vus: Vu[] = [];
    const perCouncil = Math.ceil(USERS / COUNCILS);
    for (let n = 0; n < COUNCILS; n++) {
      const council = await app
        .get(CouncilsService)
        .create((await principals.outsideCouncils(admin.id, null))!, {
          name: `Load ${n}`,
          municipalities: ['m'],
          establishedOn: '2024-04-01',
          mfaRequiredRoles: [],
        });
      const operator = await principals.forCouncil(admin.id, council.id, { asSystemAdmin: true });
      const body = await app
        .get(MemberBodiesService)
        .create(operator, { name: 'Body', kind: 'npo', joinedOn: '2024-04-01' });
      const people = [];
      const coordinator = await inviteAndAccept(
        app,
        operator,
        {
          email: `c${n}@load.example`,
          displayName: 'c',
          memberBodyId: body.id,
          role: 'coordinator',
        },
        PASSWORD,
      );
      people.push(coordinator);
      const coord = await principals.forCouncil(coordinator.userId, council.id);
      for (let i = 1; i < perCouncil; i++) {
        people.push(
          await inviteAndAccept(
            app,
            coord,
            {
              email: `g${n}-${i}@load.example`,
              displayName: 'g',
              memberBodyId: body.id,
              role: 'agency_staff',
            },
            PASSWORD,
          ),
        );
      }
      for (const s of people)
        await app.get(PledgeService).accept(await principals.forCouncil(s.userId, council.id), 1);
      const p = await principals.forCouncil(coordinator.userId, council.id);
      const assigned: string[] = [];
      const all: string[] = [];
      for (let i = 0; i < 50; i++) {
        const c = await app.get(CasesService).create(p, {
          subject: { familyName: '負荷', givenName: `${i}` },
          summary: 'load',
          concerns: ['isolation'],
        });
        all.push(c.id as string);
        if (i < 20) {
          await app.get(CasesService).createAssignment(p, c.id as string, {
            memberBodyId: body.id,
            role: 'lead',
            scope: 'full',
            basis: 'statutory',
            basisNote: 'load',
          });
          assigned.push(c.id as string);
        }
      }
      for (const s of people) {
        const res = await fetch(`${url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: s.email, password: PASSWORD }),
        });
        const { accessToken } = (await res.json()) as { accessToken: string };
        vus.push({
          councilId: council.id,
          token: accessToken,
          cases: s.role === 'coordinator' ? all : assigned,
        });
      }
    }
    vus.length = USERS;

    process.stdout.write(
      `load benchmark: ${USERS} virtual users across ${COUNCILS} councils for ${SECONDS} s (70 % reads, 20 % lists, 10 % writes)\n`,
    );
    const latencies: number[] = [];
    let errors = 0;
    const until = Date.now() + SECONDS * 1000;
    const started = Date.now();
    await Promise.all(
      vus.map(async (vu, v) => {
        for (let i = 0; Date.now() < until; i++) {
          const r = Math.random();
          const caseId = vu.cases[(v * 31 + i) % vu.cases.length];
          const headers = {
            authorization: `Bearer ${vu.token}`,
            'content-type': 'application/json',
          };
          const base = `${url}/api/councils/${vu.councilId}/cases`;
          const t0 = performance.now();
          const res =
            r < 0.7
              ? await fetch(`${base}/${caseId}`, { headers })
              : r < 0.9
                ? await fetch(`${base}?limit=20`, { headers })
                : await fetch(`${base}/${caseId}/notes`, {
                    method: 'POST',
                    headers,
                    body: JSON.stringify({ body: `load note ${i}` }),
                  });
          await res.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (res.status >= 300) errors++;
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))].toFixed(1);
    process.stdout.write(
      `  throughput ${(latencies.length / elapsed).toFixed(0)} req/s (${latencies.length} requests)\n`,
    );
    process.stdout.write(
      `  latency p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, p99 ${pct(0.99)} ms\n`,
    );
    process.stdout.write(`  errors ${errors} (must be 0)\n`);
    process.stdout.write(
      `  server peak RSS ${peakRss(child.pid!).toFixed(0)} MB (target < 300 MB)\n\n`,
    );
    if (errors > 0) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    await env.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

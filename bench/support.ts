import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrincipalResolver } from '../src/access/principal-resolver';
import { AppModule } from '../src/app.module';
import { CouncilPrincipal } from '../src/access/council-principal';
import { CreateStaffDto } from '../src/councils/dto/council.dto';
import { InvitationsService } from '../src/councils/invitations.service';
import { StaffService } from '../src/councils/staff.service';
import { CasesService } from '../src/cases/cases.service';
import { configureApp } from '../src/common/http/configure-app';
import { loadConfig, RuntimeConfig } from '../src/config/app-config';
import { newSigningKey } from '../src/config/dev-secrets';
import { CouncilsService } from '../src/councils/councils.service';
import { MemberBodiesService } from '../src/councils/member-bodies.service';
import { PledgeService } from '../src/councils/pledge.service';
import { findFreePort, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { runMigrations } from '../src/database/migrate';
import {
  APP_ROLE,
  OWNER_ROLE,
  PLATFORM_ROLE,
  postgresUrl,
  provision,
} from '../src/database/provision';
import { grantSystemAdmin } from '../src/users/system-admin';
import { UsersService } from '../src/users/users.service';

export interface BenchEnv {
  /** An in-process app on the same database, for seeding through the services. */
  app: NestExpressApplication;
  config: RuntimeConfig;
  appUrl: string;
  superuserUrl: string;
  pgDataDir: string;
  /** Closes the in-process seeding app (keeps the database), so it costs nothing while measuring. */
  closeApp(): Promise<void>;
  close(): Promise<void>;
}

/** A throwaway embedded PostgreSQL (default durability) with the app on it, like `npm start`. */
export async function benchEnv(poolSize = 4): Promise<BenchEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'kc-bench-'));
  chmodSync(dir, 0o755);
  const pgDataDir = join(dir, 'pg');
  const password = randomBytes(12).toString('hex');
  // BENCH_PG_STATEMENTS=1: load pg_stat_statements, for topStatements() after a run.
  const extraFlags =
    process.env.BENCH_PG_STATEMENTS === '1'
      ? [
          '-c',
          'shared_preload_libraries=pg_stat_statements',
          '-c',
          'pg_stat_statements.track=all',
          '-c',
          'pg_stat_statements.track_planning=on',
        ]
      : [];
  const server = await startEmbeddedPostgres({
    pgDataDir,
    superuserPassword: password,
    extraFlags,
  });
  const at = { host: server.host, port: server.port };
  const superuserUrl = postgresUrl({ ...at, user: 'postgres', password, database: 'council' });
  await provision({
    adminUrl: postgresUrl({ ...at, user: 'postgres', password, database: 'postgres' }),
    database: 'council',
    ownerPassword: 'owner',
    appPassword: 'app',
    platformPassword: 'platform',
  });
  await runMigrations(
    postgresUrl({ ...at, user: OWNER_ROLE, password: 'owner', database: 'council' }),
  );
  const appUrl = postgresUrl({ ...at, user: APP_ROLE, password: 'app', database: 'council' });
  const platformUrl = postgresUrl({
    ...at,
    user: PLATFORM_ROLE,
    password: 'platform',
    database: 'council',
  });
  const base = loadConfig({
    DATABASE_URL: appUrl,
    PLATFORM_DATABASE_URL: platformUrl,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret!',
    AUDIT_SIGNING_KEY: newSigningKey(),
    MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DATA_KEK: randomBytes(32).toString('base64'),
    AUDIT_CHECKPOINT_INTERVAL_MINUTES: '0',
    STATISTICS_PUBLISH_INTERVAL_MINUTES: '0',
    AUDIT_WITNESS_DIR: join(dir, 'audit-witness'),
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: String(poolSize),
    LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
  });
  const config: RuntimeConfig = {
    ...base,
    embedded: false,
    database: { ...base.database, url: appUrl, platformUrl },
    auth: {
      ...base.auth,
      jwtSecret: base.auth.jwtSecret as string,
      mfaEncryptionKey: base.auth.mfaEncryptionKey as string,
    },
    audit: { ...base.audit, signingKey: base.audit.signingKey as string },
    crypto: { ...base.crypto, kek: base.crypto.kek as string },
  };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: false,
  });
  configureApp(app, config);
  await app.init();
  let appOpen = true;
  const closeApp = async (): Promise<void> => {
    if (!appOpen) return;
    appOpen = false;
    await app.close();
  };
  return {
    app,
    config,
    appUrl,
    superuserUrl,
    pgDataDir,
    closeApp,
    close: async () => {
      await closeApp();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BenchServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The BUILT server (`node dist/src/main.js`, as `npm start` runs it) in a child process on the
 * bench database, logging at `info` as in production (to /dev/null): what a user gets.
 */
export async function startServer(
  env: BenchEnv,
  opts: { poolSize: number; logLevel?: string },
): Promise<BenchServer> {
  const main = join(__dirname, '..', '..', 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  const port = await findFreePort();
  const devNull = openSync('/dev/null', 'w');
  let stderr = '';
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
  // The heap cap is the one `npm start`, the Dockerfile and the README's production steps use.
  const nodeArgs = [
    '--max-old-space-size=512',
    ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: env.appUrl,
      PLATFORM_DATABASE_URL: env.config.database.platformUrl,
      JWT_SECRET: env.config.auth.jwtSecret,
      AUDIT_SIGNING_KEY: env.config.audit.signingKey,
      MFA_ENCRYPTION_KEY: env.config.auth.mfaEncryptionKey,
      DATA_KEK: env.config.crypto.kek ?? '',
      AUDIT_WITNESS_DIR: env.config.audit.witnessDir,
      STATISTICS_PUBLISH_INTERVAL_MINUTES: '0',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: opts.logLevel ?? 'info',
      DB_POOL_SIZE: String(opts.poolSize),
      LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
      AUDIT_CHECKPOINT_INTERVAL_MINUTES: '0',
      JWT_ACCESS_TTL_SECONDS: '900',
    },
    stdio: ['ignore', devNull, 'pipe'],
  });
  closeSync(devNull);
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000; // generous: the machine is shared
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    const ok = await fetch(`${url}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Logs in over HTTP; returns the access token. */
export async function login(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** Peak resident set of a process (VmHWM), in MB. */
export const peakRssMb = (pid: number): number =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Resident set size of a process now, in MB. */
export const rssMb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/**
 * CPU time (user + system) a process has used so far, in ms; with `reaped`, also that of its
 * children that have exited (cutime, cstime).
 */
export function cpuMs(pid: number, reaped = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // utime, stime (and cutime, cstime) in clock ticks of 1/100 s
    return ((f[11] + f[12] + (reaped ? f[13] + f[14] : 0)) * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * CPU time of the embedded PostgreSQL, in ms: its postmaster, every backend it has now and those
 * that have exited.
 */
export function postgresCpuMs(pgDataDir: string): number {
  const postmaster = Number(readFileSync(join(pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let total = cpuMs(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) total += cpuMs(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** What else the machine was doing: load average and core count, printed with each result. */
export const machineLine = (): string =>
  `machine: ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (other sessions' test suites may be running)`;

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
  timeouts: number;
}

/**
 * A closed-loop HTTP load (autocannon, keep-alive) with `connections` clients; `next(client)`
 * gives each client its next request. Latencies in ms.
 */
export async function load(
  url: string,
  connections: number,
  seconds: number,
  next: (client: number) => {
    method?: 'GET' | 'POST' | 'PATCH';
    path: string;
    token: string;
    body?: string;
  },
): Promise<LoadResult> {
  let clients = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        setupRequest: (req, context: { client?: number }) => {
          context.client ??= clients++;
          const r = next(context.client);
          return {
            ...req,
            method: r.method ?? 'GET',
            path: r.path,
            headers: {
              authorization: `Bearer ${r.token}`,
              ...(r.body ? { 'content-type': 'application/json' } : {}),
            },
            body: r.body,
          } as typeof req;
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    perSecond: result.requests.total / (result.duration || seconds),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
  };
}

/** One keep-alive HTTP client for latency series (high-resolution timing, one request at a time). */
export function latencyClient(url: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(url);
  return {
    /** GETs `path`; resolves to [status, ms]. */
    get(path: string, token: string): Promise<[number, number]> {
      return new Promise((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const req = request(
          { agent, hostname, port, path, headers: { authorization: `Bearer ${token}` } },
          (res) => {
            res.resume();
            res.on('end', () =>
              resolve([res.statusCode ?? 0, Number(process.hrtime.bigint() - t0) / 1e6]),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}

export const percentile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];

export interface SeededCouncil {
  councilId: string;
  memberBodyId: string;
  coordinator: { userId: string; email: string };
  agencies: { userId: string; email: string }[];
  /** All cases, and those assigned (statutory, full scope) to the agency's body. */
  caseIds: string[];
  assignedIds: string[];
}

export const PASSWORD = 'bench-password-1';

/** A case's `sensitive` object as the seeded cases carry it (~400 bytes of UTF-8). */
export const BENCH_SENSITIVE = {
  health: '通院中（精神科）。服薬あり。夜間に不眠の訴え。',
  family: '同居家族なし。遠方に姉がいるが連絡は途絶えている。',
  finances: '生活保護の申請を検討中。家賃の滞納が二か月分ある。',
  notes: '本人の希望により、訪問は午後のみ。',
};

/**
 * A council seeded through the services, as the API would build it: a body, a coordinator,
 * `agencies` agency staff of the same body (all pledged), `cases` cases (each with a sealed
 * `sensitive` object unless `sensitive: false`) of which the first `assigned` are assigned to
 * the body on a statutory basis.
 */
export async function seedCouncil(
  env: BenchEnv,
  name: string,
  opts: { agencies: number; cases: number; assigned: number; sensitive?: boolean },
): Promise<SeededCouncil> {
  const { app } = env;
  const principals = app.get(PrincipalResolver);
  const { user: admin } = await app.get(UsersService).findOrCreate({
    email: 'admin@bench.example',
    displayName: 'a',
    password: PASSWORD,
  });
  await grantSystemAdmin(env.superuserUrl, admin.id);
  const council = await app
    .get(CouncilsService)
    .create((await principals.outsideCouncils(admin.id, null))!, {
      name,
      municipalities: ['m'],
      establishedOn: '2024-04-01',
      mfaRequiredRoles: [],
    });
  const operator = await principals.forCouncil(admin.id, council.id, { asSystemAdmin: true });
  const body = await app
    .get(MemberBodiesService)
    .create(operator, { name: 'Agency', kind: 'npo', joinedOn: '2024-04-01' });
  const tag = `${name.replace(/\W+/g, '-').toLowerCase()}-${randomBytes(3).toString('hex')}`;
  const coordinator = await inviteAndAccept(
    app,
    operator,
    {
      email: `c-${tag}@bench.example`,
      displayName: 'c',
      memberBodyId: body.id,
      role: 'coordinator',
    },
    PASSWORD,
  );
  const coord = await principals.forCouncil(coordinator.userId, council.id);
  const agencies = [];
  for (let i = 0; i < opts.agencies; i++) {
    agencies.push(
      await inviteAndAccept(
        app,
        coord,
        {
          email: `g${i}-${tag}@bench.example`,
          displayName: 'g',
          memberBodyId: body.id,
          role: 'agency_staff',
        },
        PASSWORD,
      ),
    );
  }
  for (const s of [coordinator, ...agencies])
    await app.get(PledgeService).accept(await principals.forCouncil(s.userId, council.id), 1);
  const p = await principals.forCouncil(coordinator.userId, council.id);
  const cases = app.get(CasesService);
  const caseIds: string[] = [];
  const assignedIds: string[] = [];
  for (let i = 0; i < opts.cases; i++) {
    const c = await cases.create(p, {
      subject: { familyName: '試験', givenName: `${i}` },
      summary: 'bench',
      concerns: ['isolation'],
      // As a real case has: 要配慮個人情報, sealed under the case's data key (issue 19), so
      // every read that projects it unwraps the key and opens the field.
      ...(opts.sensitive === false ? {} : { sensitive: BENCH_SENSITIVE }),
    });
    caseIds.push(c.id as string);
    if (i < opts.assigned) {
      await cases.createAssignment(p, c.id as string, {
        memberBodyId: body.id,
        role: 'lead',
        scope: 'full',
        basis: 'statutory',
        basisNote: 'bench',
      });
      assignedIds.push(c.id as string);
    }
  }
  return {
    councilId: council.id,
    memberBodyId: body.id,
    coordinator: { userId: coordinator.userId, email: coordinator.email },
    agencies: agencies.map((a) => ({ userId: a.userId, email: a.email })),
    caseIds,
    assignedIds,
  };
}

export const say = (line = ''): void => void process.stdout.write(`${line}\n`);

export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}

/** Runs `work` with `concurrency` workers for `seconds`; returns operations per second. */
export async function measure(
  label: string,
  concurrency: number,
  seconds: number,
  work: (worker: number, i: number) => Promise<void>,
): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; Date.now() < until; i++) {
        await work(worker, i);
        done++;
      }
    }),
  );
  const rate = done / ((Date.now() - started) / 1000);
  process.stdout.write(
    `  ${label.padEnd(58)} ${rate.toFixed(0).padStart(7)} ops/s  (${done} ops, ${concurrency} concurrent)\n`,
  );
  return rate;
}

/**
 * A staff record as the API makes one (issue 13): invited by `by`, accepted at once by the
 * invitee with a new account and `password`.
 */
export async function inviteAndAccept(
  app: NestExpressApplication,
  by: CouncilPrincipal,
  dto: CreateStaffDto,
  password: string,
): Promise<{ id: string; userId: string; email: string; role: CreateStaffDto['role'] }> {
  const record = await app.get(StaffService).create(by, dto, 'none');
  const userId = await app
    .get(InvitationsService)
    .acceptWithNewAccount(record.invitation.token!, password, dto.displayName, {
      sourceIp: null,
      requestId: 'bench',
    });
  return { id: record.id, userId, email: record.email, role: record.role };
}

/** With BENCH_PG_STATEMENTS=1: resets pg_stat_statements (call before the measured run). */
export async function resetStatements(env: BenchEnv): Promise<void> {
  if (process.env.BENCH_PG_STATEMENTS !== '1') return;
  const c = new Client({ connectionString: env.superuserUrl });
  await c.connect();
  try {
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await c.query('SELECT pg_stat_statements_reset()');
  } finally {
    await c.end();
  }
}

/**
 * With BENCH_PG_STATEMENTS=1: the statements PostgreSQL spent most time on since
 * resetStatements, per request of the run — where the database's share of a request goes.
 */
export async function topStatements(env: BenchEnv, requests: number, top = 12): Promise<void> {
  if (process.env.BENCH_PG_STATEMENTS !== '1') return;
  const c = new Client({ connectionString: env.superuserUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{
      calls: string;
      exec: number;
      plan: number;
      query: string;
    }>(
      `SELECT calls, total_exec_time AS exec, total_plan_time AS plan, query
         FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT $1`,
      [top],
    );
    say(
      '  PostgreSQL statements by time, lock waits included (ms per request of the run; calls per request):',
    );
    for (const r of rows)
      say(
        `    ${((r.exec + r.plan) / requests).toFixed(3).padStart(7)} ms (plan ${(r.plan / requests).toFixed(3)})  ${(Number(r.calls) / requests).toFixed(2).padStart(5)}×  ${r.query.replace(/\s+/g, ' ').slice(0, 110)}`,
      );
  } finally {
    await c.end();
  }
}

import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningClusterPort } from '../../src/database/embedded-postgres';
import { DEMO_PASSWORD, UNPLEDGED_DEMO_LOGIN } from '../../src/seed/demo-seed';

/**
 * The README's promise, end to end: the built server with no DATABASE_URL starts a real
 * embedded PostgreSQL, seeds the demo council, serves logins, stops the database on SIGINT,
 * and reuses the data next time. The CLI works beside it, running or not.
 */
const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  ms: number;
}

function env(dataDir: string): NodeJS.ProcessEnv {
  const { DATABASE_URL: _a, MIGRATION_DATABASE_URL: _b, JWT_SECRET: _c, ...rest } = process.env;
  return { ...rest, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'development' };
}

async function startServer(dataDir: string): Promise<Started> {
  const began = Date.now();
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: env(dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in 30 s:\n${out}`)),
      30_000,
    );
    const check = () => {
      const m = /API\s+(http:\/\/\S+)\/api\s/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  // Ready means ready for traffic, not merely listening.
  for (;;) {
    const res = await fetch(`${url}/api/health/ready`).catch(() => null);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, output: () => out, ms: Date.now() - began };
}

async function stopServer(s: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) =>
    s.child.on('exit', (code) => resolve(code)),
  );
  s.child.kill('SIGINT');
  return exited;
}

async function loginStatus(url: string, email: string, password: string): Promise<number> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return res.status;
}

async function bearer(url: string, email: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  const { accessToken } = (await res.json()) as { accessToken: string };
  return { authorization: `Bearer ${accessToken}` };
}

/**
 * The CLI in a child process, awaited — never spawnSync: a synchronous call blocks this
 * process's event loop for seconds, so the HTTP client cannot notice that the server closed an
 * idle keep-alive socket meanwhile, and its next request goes out on the dead socket (`fetch
 * failed … other side closed`, issue 20).
 */
function cli(
  dataDir: string,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, env: env(dataDir), encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        if (error && status === null) reject(error);
        else resolve({ status, stdout, stderr });
      },
    );
  });
}

const password = (stdout: string): string =>
  /password \(shown once\): (\S+)/.exec(stdout)?.[1] ?? '';

describe('npm start on the embedded database (smoke)', () => {
  jest.setTimeout(120_000);
  let dataDir: string;
  let server: Started | null = null;

  beforeAll(() => {
    if (!existsSync(MAIN))
      throw new Error('dist/ is missing: run `npm run build` (npm test does it in pretest)');
    dataDir = mkdtempSync(join(tmpdir(), 'kc-smoke-'));
    chmodSync(dataDir, 0o755);
  });
  afterAll(async () => {
    if (server) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, seeds the demo council, serves logins, and works beside the CLI; then reuses its data', async () => {
    server = await startServer(dataDir);
    process.stdout.write(`[smoke] first start to healthy: ${server.ms} ms\n`);
    expect(server.output()).toContain('demo council seeded');
    expect(server.output()).toContain('/api/docs');
    expect(server.output()).toContain('coordinator@demo.example');
    expect(await loginStatus(server.url, 'coordinator@demo.example', DEMO_PASSWORD)).toBe(200);
    expect(await loginStatus(server.url, 'coordinator@demo.example', 'wrong password')).toBe(401);

    // The demo council was set up through the services: public notice, pledge, roles.
    const notice = (await (await fetch(`${server.url}/api/public/councils`)).json()) as {
      items: { id: string; coordinatingBody: { name: string } | null; memberBodies: unknown[] }[];
    };
    expect(notice.items).toHaveLength(1);
    expect(notice.items[0].coordinatingBody?.name).toBe('桜ヶ丘市 福祉部 地域福祉課');
    expect(notice.items[0].memberBodies).toHaveLength(4);
    const cases = `${server.url}/api/councils/${notice.items[0].id}/cases`;
    const asCoordinator = await fetch(cases, {
      headers: await bearer(server.url, 'coordinator@demo.example'),
    });
    expect(asCoordinator.status).toBe(200);
    expect(((await asCoordinator.json()) as { items: unknown[] }).items).toHaveLength(3);
    // Need to know in the demo: the social welfare council sees only its own case, in full.
    const asShakyo = (await (
      await fetch(cases, { headers: await bearer(server.url, 'shakyo@demo.example') })
    ).json()) as {
      items: { subject: { familyName: string; address?: string } }[];
    };
    expect(asShakyo.items.map((c) => c.subject.familyName)).toEqual(['桜井']);
    expect(asShakyo.items[0].subject.address).toBeDefined();
    const unpledged = await fetch(cases, {
      headers: await bearer(server.url, UNPLEDGED_DEMO_LOGIN),
    });
    expect(unpledged.status).toBe(403);
    expect(((await unpledged.json()) as { code: string }).code).toBe('PLEDGE_REQUIRED');

    // The CLI joins the running server's database.
    const whileRunning = await cli(dataDir, 'create-admin', '--email', 'ops1@demo.example');
    expect(whileRunning.status).toBe(0);
    expect(await loginStatus(server.url, 'ops1@demo.example', password(whileRunning.stdout))).toBe(
      200,
    );

    // SIGINT stops the server and the embedded PostgreSQL with it.
    expect(await stopServer(server)).toBe(0);
    server = null;
    expect(runningClusterPort(join(dataDir, 'pg'))).toBeNull();

    // The CLI starts the database itself when the server is not running, and stops it again.
    const whileStopped = await cli(dataDir, 'create-admin', '--email', 'ops2@demo.example');
    expect(whileStopped.status).toBe(0);
    expect(runningClusterPort(join(dataDir, 'pg'))).toBeNull();

    // Second start: same data, no second seed.
    server = await startServer(dataDir);
    process.stdout.write(`[smoke] warm start to healthy: ${server.ms} ms\n`);
    expect(server.output()).not.toContain('demo council seeded');
    expect(await loginStatus(server.url, 'ops1@demo.example', password(whileRunning.stdout))).toBe(
      200,
    );
    expect(await loginStatus(server.url, 'ops2@demo.example', password(whileStopped.stdout))).toBe(
      200,
    );
    expect(await stopServer(server)).toBe(0);
    server = null;
  });

  it('refuses to start with a bad configuration value, naming the variable', () => {
    const r = spawnSync(process.execPath, [MAIN], {
      cwd: ROOT,
      env: { ...env(dataDir), PORT: 'eighty' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PORT');
  });
});

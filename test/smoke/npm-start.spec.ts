import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningClusterPort } from '../../src/database/embedded-postgres';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the build script is plain JS
const { build } = require('../../scripts/build.js') as {
  build: (o: { ifStale: boolean }) => boolean;
};

function env(dataDir: string): NodeJS.ProcessEnv {
  const { DATABASE_URL: _a, MIGRATION_DATABASE_URL: _b, JWT_SECRET: _c, ...rest } = process.env;
  return {
    ...rest,
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    SHUTDOWN_DRAIN_MS: '200',
  };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, ok: () => boolean, ms = 240_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Started {
  npm: ChildProcess;
  /** The server's Node process: npm's only child (the script starts it with `exec`). */
  nodePid: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` as a newcomer runs it, on the embedded database, until it is ready. */
async function npmStart(dataDir: string): Promise<Started> {
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: env(dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npm.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  npm.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => npm.on('exit', (code) => r(code)));
  let url = '';
  await until('the server listens', () => {
    url = /API\s+(http:\/\/\S+)\/api\s/.exec(out)?.[1] ?? '';
    return url !== '';
  }).catch((error: Error) => {
    throw new Error(`${error.message}:\n${out}`);
  });
  for (;;) {
    const res = await fetch(`${url}/api/health/ready`).catch(() => null);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const children = execFileSync('pgrep', ['-P', String(npm.pid)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map(Number);
  expect(children).toHaveLength(1);
  return { npm, nodePid: children[0], output: () => out, exited };
}

/** `npm start` and stopping it, as an operator or a terminal does (issue 16 item 7). */
describe('npm start (smoke)', () => {
  jest.setTimeout(900_000); // embedded starts on a loaded machine
  let dataDir: string;
  let running: Started | null = null;
  const cluster = () => runningClusterPort(join(dataDir, 'pg'));

  beforeAll(() => {
    build({ ifStale: true }); // what `npm test` has done already in pretest
    dataDir = mkdtempSync(join(tmpdir(), 'kc-npm-start-'));
    chmodSync(dataDir, 0o755);
  });
  afterAll(async () => {
    if (running && alive(running.nodePid)) {
      process.kill(running.nodePid, 'SIGINT');
      await until('the server stopped', () => !alive(running!.nodePid));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the current dist/ without compiling it again', async () => {
    running = await npmStart(dataDir);
    expect(running.output()).not.toContain('compiling');
    expect(cluster()).not.toBeNull();
  });

  it('on SIGTERM to the npm process, drains the server and stops the embedded PostgreSQL', async () => {
    const sut = running!;
    sut.npm.kill('SIGTERM');
    await until('the server process exited', () => !alive(sut.nodePid));
    expect(sut.output()).toContain('SIGTERM received');
    expect(cluster()).toBeNull();
    running = null;
  });

  it('on SIGTERM to the server’s own process, does the same', async () => {
    const sut = (running = await npmStart(dataDir));
    process.kill(sut.nodePid, 'SIGTERM');
    expect(await sut.exited).toBe(0);
    expect(sut.output()).toContain('SIGTERM received');
    expect(cluster()).toBeNull();
    running = null;
  });

  it('says what to do, without a stack trace, when embedded-postgres is not installed and DATABASE_URL is unset', () => {
    const sut = spawnSync(
      process.execPath,
      ['-r', join(ROOT, 'test', 'support', 'without-embedded-postgres.js'), MAIN],
      { cwd: ROOT, env: env(dataDir), encoding: 'utf8', timeout: 240_000 },
    );
    expect(sut.status).toBe(1);
    expect(sut.stderr).toContain('embedded-postgres is not installed');
    expect(sut.stderr).toContain('set DATABASE_URL');
    expect(sut.stderr).not.toMatch(/\n\s+at /);
  });
});

import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TEST_DATA_KEK, TEST_JWT_SECRET, TEST_MFA_KEY, TEST_SIGNING_KEY, TestApp } from './app';

/** The built server, as `npm start` runs it. */
export const ROOT = join(__dirname, '..', '..');
export const MAIN = join(ROOT, 'dist', 'src', 'main.js');

export function assertBuilt(): void {
  if (!existsSync(MAIN))
    throw new Error('dist/ is missing: run `npm run build` first (npm run test:faults does)');
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** The environment of a built server on the test database of `t`, as the application role. */
export function serverEnv(t: TestApp, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: t.db.appUrl,
    PLATFORM_DATABASE_URL: t.db.platformUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    AUDIT_SIGNING_KEY: TEST_SIGNING_KEY,
    MFA_ENCRYPTION_KEY: TEST_MFA_KEY,
    DATA_KEK: TEST_DATA_KEK,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
    AUDIT_CHECKPOINT_INTERVAL_MINUTES: '0',
    SHUTDOWN_DRAIN_MS: '0',
    ...env,
  };
}

/** Starts `node dist/src/main.js` and resolves once it prints the URL it listens on. */
export async function startServerProcess(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in 60 s:\n${out}`)),
      60_000,
    );
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /API\s+(http:\/\/\S+)\/api\s/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return { child, url, output: () => out, exited };
}

/** A TCP port nothing listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

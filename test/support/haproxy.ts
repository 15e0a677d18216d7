import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether Debian's `haproxy` (or any on the PATH) can be run. */
export function haproxyVersion(): string | null {
  const r = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  return r.status === 0 ? (/version (\S+)/.exec(r.stdout)?.[1] ?? 'unknown') : null;
}

export interface BackendServer {
  name: string;
  port: number;
}

/**
 * The configuration docs/operations.md describes, with the test's ports and a faster health
 * check (the production values are in the comments there).
 */
export function haproxyConfig(opts: {
  frontendPort: number;
  servers: BackendServer[];
  adminSocket: string;
  checkIntervalMs: number;
}): string {
  return `global
  maxconn 512
  stats socket ${opts.adminSocket} mode 600 level admin

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 35s
  timeout http-request 10s
  timeout http-keep-alive 10s
  timeout queue 10s
  # A connection that failed before the request was sent is retried on the other server,
  # whatever the method; a request that reached a server is retried only when it is a read.
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout

frontend api
  bind 127.0.0.1:${opts.frontendPort}
  option forwardfor
  default_backend instances

backend instances
  balance roundrobin
  http-request disable-l7-retry unless METH_GET || METH_HEAD
  option httpchk
  http-check send meth GET uri /api/health/ready
  http-check expect status 200
  http-response set-header X-Served-By %s
  timeout check 2s
  default-server check inter ${opts.checkIntervalMs} fall 2 rise 2
${opts.servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port}`).join('\n')}
`;
}

/** HAProxy in the foreground, with its admin socket for the servers' states. */
export class HaProxy {
  private child: ChildProcess | null = null;
  private output = '';
  private readonly dir = mkdtempSync(join(tmpdir(), 'kc-haproxy-'));
  readonly adminSocket = join(this.dir, 'admin.sock');

  async start(config: (adminSocket: string) => string): Promise<void> {
    const file = join(this.dir, 'haproxy.cfg');
    writeFileSync(file, config(this.adminSocket));
    const check = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
    if (check.status !== 0)
      throw new Error(`invalid haproxy config:\n${check.stdout}${check.stderr}`);
    this.child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`haproxy exited:\n${this.output}`);
      if (
        await this.command('show info').then(
          () => true,
          () => false,
        )
      )
        return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** `show stat` as rows of `{column: value}` (pxname, svname, status, wretr, wredis, …). */
  async stats(): Promise<Record<string, string>[]> {
    const csv = await this.command('show stat');
    const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
    const cols = header.split(',');
    return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], v])));
  }

  /** Each server's state as HAProxy sees it (UP, DOWN, …). */
  async serverStates(backend = 'instances'): Promise<Record<string, string>> {
    const states: Record<string, string> = {};
    for (const row of await this.stats()) {
      if (row.pxname === backend && !['FRONTEND', 'BACKEND'].includes(row.svname))
        states[row.svname] = row.status;
    }
    return states;
  }

  /**
   * Resolves once HAProxy reports `server` fully in `state` ("UP 1/2" — going down — and
   * "DOWN 1/2" — coming up — are neither). Polled: a condition, not a duration.
   */
  async waitFor(server: string, state: 'UP' | 'DOWN', timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = (await this.serverStates())[server];
      if (now === state) return;
      if (Date.now() > deadline)
        throw new Error(`haproxy: ${server} still ${now} after ${timeoutMs} ms\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.adminSocket);
      let data = '';
      socket.on('connect', () => socket.end(`${line}\n`));
      socket.on('data', (d: Buffer) => (data += d.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
  }

  log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

import { createTestApp, TestApp } from '../support/app';
import { createCouncil, login, TestCouncil } from '../support/factories';
import { BackendServer, HaProxy, haproxyConfig, haproxyVersion } from '../support/haproxy';
import { redisReachable, TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis';
import {
  assertBuilt,
  freePort,
  ServerProcess,
  serverEnv,
  startServerProcess,
} from '../support/server-process';

/**
 * Issue 20: two built instances on one database behind HAProxy, a mixed load through it, and a
 * rolling restart (SIGTERM, wait for the exit, start, wait until HAProxy sees it up) of each
 * instance in turn. Nothing may fail at the client; every acknowledged write must be there with
 * its audit event; every council's chain must verify.
 */
const version = haproxyVersion();
if (!version)
  process.stdout.write(
    '[balancer] skipped: haproxy is not installed (Debian: apt-get install haproxy; .ci/run does it when apt is available)\n',
  );

/** Health checks every 300 ms, down after 2 failures: the drain must outlast ~1 s, with margin. */
const CHECK_INTERVAL_MS = 300;
const DRAIN_MS = Number(process.env.KC_DRAIN_MS ?? 4_000); // KC_DRAIN_MS=0: see what HAProxy's retries hide
/** Bounds on the load (this machine only; it stops by itself). */
const MAX_REQUESTS = 20_000;
const WORKERS = 6;

interface Written {
  kind: 'case' | 'note';
  id: string;
  councilId: string;
}

(version ? describe : describe.skip)('rolling restart behind HAProxy (faults)', () => {
  jest.setTimeout(300_000);
  let t: TestApp;
  const councils: TestCouncil[] = [];
  const haproxy = new HaProxy();
  const instances = new Map<string, ServerProcess>();
  let backends: BackendServer[];
  let base: string;
  let env: (port: number) => NodeJS.ProcessEnv;
  const tally = {
    sent: 0,
    failed: 0,
    restarts: 0,
    eventsVerified: 0,
    retried: 0,
    redispatched: 0,
    byInstance: {} as Record<string, number>,
  };

  const start = async (b: BackendServer): Promise<void> => {
    const s = await startServerProcess(env(b.port));
    instances.set(b.name, s);
    await haproxy.waitFor(b.name, 'UP');
  };

  beforeAll(async () => {
    assertBuilt();
    t = await createTestApp();
    councils.push(await createCouncil(t, ['coordinator', 'auditor']));
    councils.push(await createCouncil(t, ['coordinator', 'auditor']));
    const redis: Record<string, string> = redisReachable()
      ? { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: uniqueRedisPrefix() }
      : {};
    env = (port) =>
      serverEnv(t, {
        PORT: String(port),
        SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
        TRUST_PROXY: 'true',
        DB_POOL_SIZE: '5',
        AUDIT_CHECKPOINT_INTERVAL_MINUTES: '1',
        ...redis,
      });
    backends = [
      { name: 'a', port: await freePort() },
      { name: 'b', port: await freePort() },
    ];
    const frontendPort = await freePort();
    base = `http://127.0.0.1:${frontendPort}`;
    await haproxy.start((adminSocket) =>
      haproxyConfig({
        frontendPort,
        servers: backends,
        adminSocket,
        checkIntervalMs: CHECK_INTERVAL_MS,
      }),
    );
    for (const b of backends) await start(b);
  });

  afterAll(async () => {
    for (const s of instances.values()) {
      if (s.child.exitCode === null) {
        s.child.kill('SIGINT');
        await s.exited;
      }
    }
    const backend = (await haproxy.stats().catch(() => [])).find((r) => r.svname === 'BACKEND');
    tally.retried = Number(backend?.wretr ?? 0);
    tally.redispatched = Number(backend?.wredis ?? 0);
    await haproxy.stop();
    await t?.close();
    process.stdout.write(
      `[balancer] haproxy ${version}: ${tally.sent} requests sent, ${tally.failed} failed, ${tally.restarts} restarts, ${tally.eventsVerified} audit events verified; served by ${JSON.stringify(tally.byInstance)}; haproxy retried ${tally.retried}, redispatched ${tally.redispatched}\n`,
    );
  });

  it('drops nothing while each instance is restarted in turn under a mixed load', async () => {
    const failures: string[] = [];
    const written: Written[] = [];
    const caseIds = new Map<string, string[]>(councils.map((c) => [c.councilId, []]));
    let stop = false;

    const call = async (
      method: 'GET' | 'POST',
      path: string,
      token: string | null,
      body: unknown,
      expected: number,
    ): Promise<Record<string, unknown> | null> => {
      tally.sent++;
      try {
        const res = await fetch(`${base}/api${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const served = res.headers.get('x-served-by') ?? '?';
        tally.byInstance[served] = (tally.byInstance[served] ?? 0) + 1;
        const text = await res.text();
        if (res.status !== expected) {
          tally.failed++;
          failures.push(`${method} ${path} → ${res.status} (${served}) ${text.slice(0, 200)}`);
          return null;
        }
        return text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch (error) {
        tally.failed++;
        failures.push(
          `${method} ${path} → ${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? '')}`,
        );
        return null;
      }
    };

    const worker = async (w: number): Promise<void> => {
      const c = councils[w % councils.length];
      const coordinator = c.staff.find((s) => s.role === 'coordinator')!;
      const credentials = { email: coordinator.email, password: coordinator.password };
      let token = (
        (await call('POST', '/auth/login', null, credentials, 200)) as {
          accessToken: string;
        } | null
      )?.accessToken;
      if (!token) throw new Error(`worker ${w} could not log in: ${failures.join('\n')}`);
      const cases = caseIds.get(c.councilId)!;
      for (let i = 0; !stop && tally.sent < MAX_REQUESTS; i++) {
        const pick = i % 20;
        const someCase = cases.length ? cases[(i * 7 + w) % cases.length] : null;
        if (pick === 0) {
          const fresh = await call('POST', '/auth/login', null, credentials, 200);
          if (fresh) token = fresh.accessToken as string;
        } else if (pick < 6 || !someCase) {
          const created = await call(
            'POST',
            `/councils/${c.councilId}/cases`,
            token,
            {
              subject: { familyName: '負荷', givenName: `試験${w}-${i}` },
              summary: 'rolling restart',
              concerns: ['other'],
            },
            201,
          );
          if (created) {
            cases.push(created.id as string);
            written.push({ kind: 'case', id: created.id as string, councilId: c.councilId });
          }
        } else if (pick < 10) {
          const note = await call(
            'POST',
            `/councils/${c.councilId}/cases/${someCase}/notes`,
            token,
            { body: `経過記録 ${w}-${i}` },
            201,
          );
          if (note) written.push({ kind: 'note', id: note.id as string, councilId: c.councilId });
        } else if (pick < 15) {
          await call('GET', `/councils/${c.councilId}/cases/${someCase}`, token, undefined, 200);
        } else {
          await call('GET', `/councils/${c.councilId}/cases?limit=20`, token, undefined, 200);
        }
      }
    };

    let loadEnded = false;
    const until = async (condition: () => boolean): Promise<void> => {
      while (!condition()) {
        if (loadEnded) throw new Error(`the load stopped early:\n${failures.join('\n')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w))).finally(
      () => (loadEnded = true),
    );
    try {
      await until(() => tally.sent >= 200);
      for (const b of backends) {
        const old = instances.get(b.name)!;
        old.child.kill('SIGTERM');
        expect(await old.exited).toBe(0);
        await haproxy.waitFor(b.name, 'DOWN'); // so that "UP" below is the new process
        if (DRAIN_MS) expect(old.output()).toContain('not ready, draining');
        await start(b);
        tally.restarts++;
        const sentAtRestart = tally.sent;
        await until(() => tally.sent >= sentAtRestart + 200);
      }
    } finally {
      stop = true;
      await load;
    }

    expect(failures).toEqual([]);
    expect(tally.restarts).toBe(2);
    expect(Object.keys(tally.byInstance).sort()).toEqual(['a', 'b']);

    // Every acknowledged write is there, with its audit event.
    for (const kind of ['case', 'note'] as const) {
      const ids = written.filter((x) => x.kind === kind).map((x) => x.id);
      expect(ids.length).toBeGreaterThan(0);
      const table = kind === 'case' ? 'cases' : 'case_notes';
      const { rows } = await t.db.superuser.query(
        `SELECT count(*)::int AS rows,
                (SELECT count(DISTINCT resource_id)::int FROM audit_events
                  WHERE action = $2 AND outcome = 'allowed' AND resource_id = ANY($1::uuid[])) AS events
           FROM ${table} WHERE id = ANY($1::uuid[])`,
        [ids, `${kind}.create`],
      );
      expect({ kind, ...rows[0] }).toEqual({ kind, rows: ids.length, events: ids.length });
    }

    // Every council's chain verifies, asked through the balancer as its auditor.
    for (const c of councils) {
      const auditor = c.staff.find((s) => s.role === 'auditor')!;
      const { accessToken } = await login(t, auditor);
      const res = await fetch(`${base}/api/councils/${c.councilId}/audit/verify`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(res.status).toBe(200);
      const report = (await res.json()) as {
        valid: boolean;
        checked: number;
        checkpoints: { valid: boolean };
      };
      expect(report).toMatchObject({ valid: true, checkpoints: { valid: true } });
      tally.eventsVerified += report.checked;
    }
  });
});

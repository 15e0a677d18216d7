import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from '../support/http';
import {
  verifyChain,
  ChainedEvent,
  CHAINED_EVENT_COLUMNS,
  toChainRow,
} from '../../src/audit/audit-chain';
import { AuditReportsService } from '../../src/audit/audit-reports.service';
import { createTestApp, TestApp } from '../support/app';
import { testServerInfo } from '../support/database';
import { createCouncil, login, TestCouncil } from '../support/factories';
import { assertBuilt, serverEnv, startServerProcess } from '../support/server-process';
import { TcpProxy } from '../support/tcp-proxy';

/**
 * Faults (issue 9): the server killed mid-write, the database going away under load, the audit
 * store failing, and a backup round trip. Run by `npm run test:faults` (and .ci/run).
 */
const tally = { requests: 0, faults: 0, eventsVerified: 0 };

async function consistent(t: TestApp, councilId: string): Promise<void> {
  // Every committed case has its audit event, and no event claims a case that is not there.
  const { rows } = await t.db.superuser.query(
    `SELECT (SELECT count(*)::int FROM cases WHERE council_id = $1) AS cases,
            (SELECT count(*)::int FROM audit_events WHERE council_id = $1 AND action = 'case.create') AS events,
            (SELECT count(*)::int FROM cases c WHERE council_id = $1 AND NOT EXISTS (
               SELECT 1 FROM audit_events e WHERE e.council_id = c.council_id AND e.action = 'case.create' AND e.resource_id = c.id)) AS unaudited`,
    [councilId],
  );
  expect(rows[0].unaudited).toBe(0);
  expect(rows[0].events).toBe(rows[0].cases);
  const result = await t.app.get(AuditReportsService).verify(null, councilId);
  expect(result).toMatchObject({ valid: true, firstBrokenSeq: null });
  tally.eventsVerified += result.checked;
}

/** Waits for a condition of the load (never a fixed duration). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

const newCase = (i: number) => ({
  subject: { familyName: '障害', givenName: `試験${i}` },
  summary: 'fault test',
  concerns: ['other'],
});

describe('faults', () => {
  let t: TestApp;
  let c: TestCouncil;

  beforeAll(async () => {
    assertBuilt();
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator']);
  });
  afterAll(async () => {
    await t.close();
    process.stdout.write(
      `[faults] ${tally.requests} requests tried, ${tally.faults} faults injected, ${tally.eventsVerified} audit events verified\n`,
    );
  });

  it('keeps every committed change with its audit event when the server is killed -9 mid-stream', async () => {
    const start = () => startServerProcess(serverEnv(t));
    const first = await start();
    const token = (await login(t, c.staff[0])).accessToken;
    const created: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        tally.requests++;
        const res = await fetch(`${first.url}/api/councils/${c.councilId}/cases`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(newCase(w * 1000 + i)),
        }).catch(() => null);
        if (!res) return; // the server is gone
        if (res.status === 201) created.push(((await res.json()) as { id: string }).id);
      }
    });
    await until(() => created.length >= 20); // mid-stream: writes acknowledged, more in flight
    first.child.kill('SIGKILL');
    tally.faults++;
    stop = true;
    await Promise.all(writers);
    expect(created.length).toBeGreaterThan(0);

    const second = await start();
    try {
      const health = await fetch(`${second.url}/api/health`);
      expect(health.status).toBe(200);
      const { rows } = await t.db.superuser.query(`SELECT id FROM cases WHERE id = ANY($1)`, [
        created,
      ]);
      expect(rows).toHaveLength(created.length); // every acknowledged write survived
      await consistent(t, c.councilId);
      // And the restarted server writes on, chaining onto the same head.
      const res = await fetch(`${second.url}/api/councils/${c.councilId}/cases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(newCase(99_999)),
      });
      expect(res.status).toBe(201);
      await consistent(t, c.councilId);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('answers 503 while the database is away under load, recovers on its own, and leaves no half-written record', async () => {
    const proxy = TcpProxy.forUrl(testServerInfo().adminUrl);
    await proxy.start();
    const viaProxy = await createTestApp({}, (db) => proxy.rewrite(db.appUrl));
    try {
      const council = await createCouncil(viaProxy, ['coordinator']);
      const token = (await login(viaProxy, council.staff[0])).accessToken;
      const statuses = new Map<number, number>();
      let stop = false;
      const load = Array.from({ length: 6 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          tally.requests++;
          const res = await request(viaProxy.server)
            .post(`/api/councils/${council.councilId}/cases`)
            .set('Authorization', `Bearer ${token}`)
            .send(newCase(w * 1000 + i));
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) expect(res.status).toBe(503);
        }
      });
      const count = (status: number) => statuses.get(status) ?? 0;
      await until(() => count(201) >= 10);
      await proxy.stop(); // the database "restarts": connections drop, new ones are refused
      tally.faults++;
      await until(() => count(503) >= 10);
      await proxy.restart();
      const before = count(201);
      await until(() => count(201) >= before + 10); // recovered under load
      stop = true;
      await Promise.all(load);
      expect(statuses.get(503)).toBeGreaterThan(0);
      expect([...statuses.keys()].filter((s) => s !== 201 && s !== 503)).toEqual([]);
      // Recovered: writes succeed again without restarting the server.
      const after = await request(viaProxy.server)
        .post(`/api/councils/${council.councilId}/cases`)
        .set('Authorization', `Bearer ${token}`)
        .send(newCase(77));
      expect(after.status).toBe(201);
      await consistent(viaProxy, council.councilId);
    } finally {
      await viaProxy.close();
      await proxy.stop();
    }
  });

  it('fails closed under load when the audit store refuses writes, and recovers when it is back', async () => {
    // Its own app, as in production: the previous test's app is closed.
    const t = await createTestApp();
    const c = await createCouncil(t, ['coordinator']);
    const token = (await login(t, c.staff[0])).accessToken;
    const before = (
      await t.db.superuser.query(`SELECT count(*)::int AS n FROM cases WHERE council_id = $1`, [
        c.councilId,
      ])
    ).rows[0].n as number;
    await t.db.superuser.query(`
      CREATE FUNCTION faults_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store full'; END $$;
      CREATE TRIGGER faults_refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION faults_refuse_audit();`);
    tally.faults++;
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => {
          tally.requests++;
          return request(t.server)
            .post(`/api/councils/${c.councilId}/cases`)
            .set('Authorization', `Bearer ${token}`)
            .send(newCase(5000 + i));
        }),
      );
      expect(results.every((r) => r.status === 500)).toBe(true);
      expect(results.every((r) => !r.text.includes('audit store'))).toBe(true);
      const during = (
        await t.db.superuser.query(`SELECT count(*)::int AS n FROM cases WHERE council_id = $1`, [
          c.councilId,
        ])
      ).rows[0].n as number;
      expect(during).toBe(before);
    } finally {
      await t.db.superuser.query(
        `DROP TRIGGER faults_refuse_audit ON audit_events; DROP FUNCTION faults_refuse_audit();`,
      );
    }
    const res = await request(t.server)
      .post(`/api/councils/${c.councilId}/cases`)
      .set('Authorization', `Bearer ${token}`)
      .send(newCase(6000));
    expect(res.status).toBe(201);
    await consistent(t, c.councilId);
    await t.close();
  });

  it('round-trips a backup with pg_dump and pg_restore, with the audit chain intact', async () => {
    const version = (tool: string): number | null => {
      try {
        return Number(/(\d+)/.exec(execFileSync(tool, ['--version'], { encoding: 'utf8' }))?.[1]);
      } catch {
        return null;
      }
    };
    const server =
      Number((await t.db.superuser.query(`SHOW server_version_num`)).rows[0].server_version_num) /
      10_000;
    const dump = version('pg_dump');
    if (dump === null || version('pg_restore') === null || dump < Math.floor(server)) {
      process.stdout.write(
        `[faults] backup round trip skipped: pg_dump ${dump ?? 'absent'} cannot dump server ${Math.floor(server)}\n`,
      );
      return;
    }
    const file = join(tmpdir(), `kc-backup-${process.pid}.dump`);
    const target = `${t.db.name}_restored`;
    const admin = new URL(testServerInfo().adminUrl);
    execFileSync('pg_dump', ['--format=custom', `--file=${file}`, t.db.adminUrl]);
    const su = new Client({ connectionString: testServerInfo().adminUrl });
    await su.connect();
    try {
      await su.query(`CREATE DATABASE "${target}" OWNER council_owner`);
      admin.pathname = `/${target}`;
      execFileSync('pg_restore', [
        '--exit-on-error',
        '--no-owner',
        '--role=council_owner',
        `--dbname=${admin.toString()}`,
        file,
      ]);
      const restored = new Client({ connectionString: admin.toString() });
      await restored.connect();
      try {
        for (const table of ['cases', 'audit_events', 'staff', 'users']) {
          const a = (await t.db.superuser.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]
            .n;
          const b = (await restored.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
          expect({ table, n: b }).toEqual({ table, n: a });
        }
        const head = (
          await restored.query(
            `SELECT seq::text AS seq, hash FROM audit_chain_heads WHERE council_id = $1`,
            [c.councilId],
          )
        ).rows[0] as { seq: string; hash: Buffer };
        const result = await verifyChain(
          async (after, limit) =>
            (
              (
                await restored.query(
                  `SELECT ${CHAINED_EVENT_COLUMNS} FROM audit_events WHERE council_id = $1 AND seq > $2 ORDER BY audit_events.seq LIMIT $3`,
                  [c.councilId, after, limit],
                )
              ).rows as ChainedEvent[]
            ).map(toChainRow),
          head,
        );
        expect(result).toMatchObject({ valid: true });
        tally.eventsVerified += result.checked;
        const rls = (
          await restored.query(`SELECT relforcerowsecurity FROM pg_class WHERE relname = 'cases'`)
        ).rows[0];
        expect(rls.relforcerowsecurity).toBe(true);
      } finally {
        await restored.end();
      }
    } finally {
      await su.query(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`);
      await su.end();
    }
  });
});

import { DataSource } from 'typeorm';
import { drainAndClose } from '../../src/common/http/graceful-shutdown';
import { createTestApp, TestApp } from '../support/app';
import { createCouncil, login, TestCouncil } from '../support/factories';

/** Polls `condition` (a state, never a duration) until it holds. */
async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await condition())) await new Promise((r) => setImmediate(r));
}

/**
 * The shutdown a rolling restart relies on (issue 20): readiness fails first, the instance keeps
 * serving while the balancer notices, stops accepting, finishes what is in flight, closes the pool.
 */
describe('graceful shutdown (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let token: string;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator']);
    token = (await login(t, c.staff[0])).accessToken;
    await t.app.listen(0, '127.0.0.1');
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await t.db.drop(); // the test closed the application itself
  });

  it('fails readiness, serves through the drain, refuses new connections, finishes the request in flight, then closes the pool', async () => {
    // Hold the council's chain head: a case write then waits at its audit event, in flight.
    const holder = await t.db.superuser.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM audit_chain_heads WHERE council_id = $1 FOR UPDATE', [
      c.councilId,
    ]);
    const inFlight = fetch(`${base}/api/councils/${c.councilId}/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        subject: { familyName: '停止', givenName: '試験' },
        summary: 'written while the instance shuts down',
        concerns: ['other'],
      }),
    });
    await until(async () => {
      const { rows } = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = $1 AND wait_event_type = 'Lock' AND usename = 'council_app'`,
        [t.db.name],
      );
      return rows[0].n > 0;
    });

    let endDrain!: () => void;
    const draining = new Promise<void>((resolve) => (endDrain = resolve));
    let closed = false;
    const shutdown = drainAndClose(t.app, () => draining).then(() => (closed = true));

    // Draining: not ready, still alive, still serving — and closing each connection after use.
    const ready = await fetch(`${base}/api/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { code: string }).code).toBe('SHUTTING_DOWN');
    expect(ready.headers.get('connection')).toBe('close');
    const live = await fetch(`${base}/api/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);

    // Drain over: no new connection is accepted, while the write in flight is still waiting.
    endDrain();
    const server = t.app.getHttpServer() as import('node:http').Server;
    await until(() => !server.listening);
    await expect(fetch(`${base}/api/health/live`)).rejects.toThrow();
    expect(closed).toBe(false);

    await holder.query('ROLLBACK');
    holder.release();
    const res = await inFlight;
    expect(res.status).toBe(201);
    expect(res.headers.get('connection')).toBe('close');
    const { id } = (await res.json()) as { id: string };
    await shutdown;
    expect(t.app.get(DataSource).isInitialized).toBe(false);

    // The acknowledged write is there with its audit event.
    const { rows } = await t.db.superuser.query(
      `SELECT (SELECT count(*)::int FROM cases WHERE id = $1) AS cases,
              (SELECT count(*)::int FROM audit_events WHERE resource_id = $1 AND action = 'case.create') AS events`,
      [id],
    );
    expect(rows[0]).toEqual({ cases: 1, events: 1 });
  });
});

// eslint-disable-next-line no-restricted-imports -- the metrics port and transport headers are outside the API contract
import request from 'supertest';
import { AuditCheckpointScheduler } from '../../src/audit/audit-checkpoint.scheduler';
import { MetricsServer } from '../../src/metrics/metrics';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil, createUser, TestCouncil } from '../support/factories';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const ALLOWED_ORIGIN = 'https://client.example.jp';

/**
 * What an operator runs the server with (issue 16 item 7): caching headers, CORS, the CSP that
 * lets Swagger UI load on any host, and Prometheus metrics on their own port.
 */
describe('operations: headers, CORS and metrics (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  const as = actingAs(() => t);

  const scrape = async (): Promise<string> => {
    const url = t.app.get(MetricsServer).url!;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    t = await createTestApp({
      CORS_ORIGINS: `${ALLOWED_ORIGIN},http://localhost:5173`,
      METRICS_PORT: '0',
      LOGIN_MAX_FAILURES: '2',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    });
    c = await createCouncil(t, ['coordinator']);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('Cache-Control', () => {
    it.each([
      ['a case list', (id: string) => `/api/councils/${id}/cases`],
      ['the council', (id: string) => `/api/councils/${id}`],
      ['me', () => '/api/me'],
      ['an unknown case (404)', (id: string) => `/api/councils/${id}/cases/${id}`],
    ])('is no-store on %s, answered to a signed-in user', async (_name, path) => {
      const res = await as(c.staff[0], 'get', path(c.councilId));
      expect(res.headers['cache-control']).toBe('no-store');
      // Never revalidated, so no ETag is computed for it (issue 15: a hash of every body).
      expect(res.headers.etag).toBeUndefined();
    });

    it('is no-store on the tokens a login returns', async () => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .send({ email: c.staff[0].email, password: c.staff[0].password });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('is no-store on an error answer', async () => {
      const res = await request(t.server).get('/api/me');
      expect(res.status).toBe(401);
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  describe('Content-Security-Policy (Swagger UI on any host)', () => {
    it('does not ask a plain-HTTP page to upgrade its requests to https', async () => {
      const res = await request(t.server).get('/api/docs').set('Host', 'council.internal:3000');
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    });
  });

  describe('CORS', () => {
    it('lets an allowed origin read the answer', async () => {
      const res = await request(t.server).get('/api/health').set('Origin', ALLOWED_ORIGIN);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    });

    it('answers an allowed origin’s preflight with the methods and the Authorization header', async () => {
      const res = await request(t.server)
        .options(`/api/councils/${c.councilId}/cases`)
        .set('Origin', ALLOWED_ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
      expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/i);
      expect(res.headers['access-control-allow-methods']).toContain('POST');
    });

    it('gives a refused origin no Access-Control-Allow-Origin', async () => {
      const res = await request(t.server)
        .get('/api/health')
        .set('Origin', 'https://evil.example.com');
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('does not match an origin by prefix', async () => {
      const res = await request(t.server)
        .get('/api/health')
        .set('Origin', `${ALLOWED_ORIGIN}.evil.example.com`);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('metrics', () => {
    it('are served on their own port, not on the API’s', async () => {
      expect(t.app.get(MetricsServer).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect((await request(t.server).get('/metrics')).status).toBe(404);
      expect((await request(t.server).get('/api/metrics')).status).toBe(404);
    });

    it('time requests by route template and status, without ids or e-mail addresses', async () => {
      const coordinator = c.staff[0];
      const caseId = '00000000-0000-4000-8000-00000000abcd';
      await as(coordinator, 'get', `/api/councils/${c.councilId}/cases`);
      await as(coordinator, 'get', `/api/councils/${c.councilId}/cases/${caseId}`);
      await request(t.server)
        .post('/api/auth/login')
        .send({ email: 'someone.personal@example.jp', password: 'wrong password' });
      const sut = await scrape();
      expect(sut).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/api\/councils\/:councilId\/cases",status="200"\} [1-9]/,
      );
      expect(sut).toMatch(
        /http_request_duration_seconds_count\{[^}]*route="\/api\/councils\/:councilId\/cases\/:caseId",status="404"\}/,
      );
      expect(sut).not.toMatch(UUID);
      expect(sut).not.toContain(c.councilId);
      expect(sut).not.toContain('@');
    });

    it('label an unknown path as unmatched, not by its text', async () => {
      await request(t.server).get('/api/no-such-thing/taro.yamada');
      const sut = await scrape();
      expect(sut).toMatch(/route="unmatched",status="404"/);
      expect(sut).not.toContain('taro.yamada');
    });

    it('report the database pool', async () => {
      const sut = await scrape();
      expect(sut).toMatch(/db_pool_connections\{state="total"\} [1-9]/);
      expect(sut).toMatch(/db_pool_max_connections \d+/);
    });

    it('count a lockout', async () => {
      const user = await createUser(t);
      const before = await scrape();
      for (let i = 0; i < 3; i++)
        await request(t.server)
          .post('/api/auth/login')
          .send({ email: user.email, password: 'nope' });
      const after = await scrape();
      const count = (text: string) => Number(/^auth_lockouts_total (\d+)/m.exec(text)?.[1]);
      expect(count(after)).toBe(count(before) + 1);
      expect(after).not.toContain(user.email);
    });

    it('count an audit event that could not be written', async () => {
      const count = (text: string) => Number(/^audit_insert_failures_total (\d+)/m.exec(text)?.[1]);
      const before = count(await scrape());
      await t.db.superuser.query(`
        CREATE FUNCTION test_metrics_fail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.action = 'case.list' THEN RAISE EXCEPTION 'audit down'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER test_metrics_fail BEFORE INSERT ON audit_events
          FOR EACH ROW EXECUTE FUNCTION test_metrics_fail();`);
      try {
        const res = await as(c.staff[0], 'get', `/api/councils/${c.councilId}/cases`);
        expect(res.status).toBeGreaterThanOrEqual(500);
      } finally {
        await t.db.superuser.query(
          `DROP TRIGGER test_metrics_fail ON audit_events; DROP FUNCTION test_metrics_fail();`,
        );
      }
      expect(count(await scrape())).toBe(before + 1);
    });

    it('record when the last scheduled checkpoint run succeeded', async () => {
      const at = (text: string) =>
        Number(/^audit_checkpoint_last_success_timestamp_seconds (\S+)/m.exec(text)?.[1]);
      expect(at(await scrape())).toBe(0);
      const startedAt = Date.now() / 1000;
      await t.app.get(AuditCheckpointScheduler).runOnce();
      expect(at(await scrape())).toBeGreaterThanOrEqual(Math.floor(startedAt));
    });
  });
});

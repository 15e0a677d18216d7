import { JwtService } from '@nestjs/jwt';
import request from '../support/http';
import { JWT_AUDIENCE, JWT_ISSUER } from '../../src/auth/auth.types';
import { MetricsServer } from '../../src/metrics/metrics';
import { createTestApp, TEST_JWT_SECRET, TestApp } from '../support/app';
import { createUser, login } from '../support/factories';

/** Properties every error body must have, and things no response may ever contain. */
function expectCleanError(body: Record<string, unknown>, status: number, code: string): void {
  expect(body).toMatchObject({
    statusCode: status,
    code,
    message: expect.any(String),
    requestId: expect.any(String),
  });
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\bat .+\.(js|ts):\d+/); // stack frames
  expect(text).not.toMatch(/\b(SELECT|INSERT|UPDATE|DELETE)\b.+\b(FROM|INTO|SET)\b/i); // SQL
  expect(body).not.toHaveProperty('stack');
}

describe('HTTP surface (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT: '10kb' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers health with the database up, without a token', async () => {
    const res = await request(t.server).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: 'up' });
  });

  it('answers readiness with the database up and liveness without asking the database', async () => {
    const ready = await request(t.server).get('/api/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', db: 'up' });
    const live = await request(t.server).get('/api/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
  });

  it('keeps idle keep-alive connections open longer than a load balancer’s 60 s idle timeout', () => {
    const server = t.app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });

  it('answers an unknown route with 404 and a code', async () => {
    const res = await request(t.server).get('/api/no-such-thing');
    expect(res.status).toBe(404);
    expectCleanError(res.body, 404, 'NOT_FOUND');
  });

  it('refuses a protected route without a token with 401', async () => {
    const res = await request(t.server).get('/api/me');
    expect(res.status).toBe(401);
    expectCleanError(res.body, 401, 'UNAUTHENTICATED');
  });

  it('answers malformed JSON with 400 MALFORMED_JSON, without echoing the parser', async () => {
    const res = await request(t.server)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": "a@b.example", "password": ');
    expect(res.status).toBe(400);
    expectCleanError(res.body, 400, 'MALFORMED_JSON');
    expect(res.body.message).not.toMatch(/Unexpected|position/);
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await request(t.server)
      .post('/api/auth/login')
      .send({ email: 'a@b.example', password: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
    expectCleanError(res.body, 413, 'PAYLOAD_TOO_LARGE');
  });

  it.each([['[]'], ['"text"'], ['42'], ['null']])(
    'refuses a body that is not a JSON object (%s) with 400',
    async (raw) => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(raw);
      expect(res.status).toBe(400);
      expect(['VALIDATION_FAILED', 'MALFORMED_JSON']).toContain(res.body.code);
    },
  );

  it('puts a request id on every response and in the error body', async () => {
    const res = await request(t.server).get('/api/me');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('echoes a plain caller-supplied request id and replaces an unsafe one', async () => {
    const kept = await request(t.server).get('/api/health').set('X-Request-Id', 'trace-12345678');
    expect(kept.headers['x-request-id']).toBe('trace-12345678');
    const replaced = await request(t.server)
      .get('/api/health')
      .set('X-Request-Id', '<script>alert(1)</script>');
    expect(replaced.headers['x-request-id']).not.toContain('<');
  });

  it('identifies the request by its own id whatever the caller sends (error body, X-Server-Request-Id)', async () => {
    const res = await request(t.server).get('/api/me').set('X-Request-Id', 'trace-12345678');
    expect(res.headers['x-request-id']).toBe('trace-12345678');
    expect(res.headers['x-server-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.requestId).toBe(res.headers['x-server-request-id']);
  });

  it('sends security headers (helmet) and hides the framework', async () => {
    const res = await request(t.server).get('/api/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('sends no CORS headers when no origin is allowed (the default)', async () => {
    const res = await request(t.server).get('/api/health').set('Origin', 'https://app.example.jp');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves no metrics when METRICS_PORT is unset (the default)', async () => {
    expect((await request(t.server).get('/metrics')).status).toBe(404);
    expect(t.app.get(MetricsServer).url).toBeNull();
  });

  it('publishes the OpenAPI document and Swagger UI', async () => {
    const doc = await request(t.server).get('/api/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/health',
        '/api/auth/login',
        '/api/auth/refresh',
        '/api/auth/logout',
        '/api/me',
        '/api/me/password',
      ]),
    );
    expect(doc.body.components.securitySchemes.bearer).toBeDefined();
    const ui = await request(t.server).get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  describe('tokens the server did not issue, or no longer honours', () => {
    const jwt = new JwtService();
    let user: { id: string; email: string; password: string };
    let sessionId: string;

    beforeAll(async () => {
      user = await createUser(t);
      const tokens = await login(t, user);
      sessionId = (jwt.decode(tokens.accessToken) as { sid: string }).sid;
    });

    const sign = (
      claims: object,
      opts: { secret?: string; expiresIn?: number; notBefore?: number } = {},
    ) =>
      jwt.sign(
        { typ: 'access', ...claims },
        {
          secret: opts.secret ?? TEST_JWT_SECRET,
          algorithm: 'HS256',
          expiresIn: opts.expiresIn ?? 300,
          ...(opts.notBefore ? { notBefore: opts.notBefore } : {}),
          issuer: JWT_ISSUER,
          audience: JWT_AUDIENCE,
        },
      );

    it('accepts a well-formed token for a live session (control)', async () => {
      await request(t.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${sign({ sub: user.id, sid: sessionId })}`)
        .expect(200);
    });

    it.each([
      [
        'signed with another key',
        () =>
          sign(
            { sub: user.id, sid: sessionId },
            { secret: 'another-secret-another-secret-another-1' },
          ),
      ],
      ['expired', () => sign({ sub: user.id, sid: sessionId }, { expiresIn: -10 })],
      ['not yet valid', () => sign({ sub: user.id, sid: sessionId }, { notBefore: 3600 })],
      [
        'with alg none',
        () => {
          const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
          const now = Math.floor(Date.now() / 1000);
          return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: user.id, sid: sessionId, typ: 'access', iat: now, exp: now + 300, iss: JWT_ISSUER, aud: JWT_AUDIENCE })}.`;
        },
      ],
      [
        'with a tampered payload',
        () => {
          const [h, , s] = sign({ sub: user.id, sid: sessionId }).split('.');
          const forged = Buffer.from(
            JSON.stringify({ sub: user.id, sid: sessionId, typ: 'access', isSystemAdmin: true }),
          ).toString('base64url');
          return `${h}.${forged}.${s}`;
        },
      ],
      [
        'for a session that does not exist',
        () => sign({ sub: user.id, sid: '00000000-0000-4000-8000-000000000000' }),
      ],
      ['of another type', () => sign({ sub: user.id, sid: sessionId, typ: 'refresh' })],
      ['that is garbage', () => 'not.a.jwt'],
    ])('refuses a token %s with 401', async (_label, make) => {
      const res = await request(t.server).get('/api/me').set('Authorization', `Bearer ${make()}`);
      expect(res.status).toBe(401);
      expectCleanError(res.body, 401, 'UNAUTHENTICATED');
      const { rows } = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM security_events WHERE action = 'auth.token_rejected'`,
      );
      expect(rows[0].n).toBeGreaterThanOrEqual(1); // recorded (once per source and window)
    });
  });
});

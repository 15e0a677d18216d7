import Redis from 'ioredis';
import request from '../support/http';
import { createInstanceOn, createTestApp, TestApp } from '../support/app';
import { redisReachable, TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis';

const reachable = redisReachable();
if (!reachable)
  process.stdout.write(
    `[shared-throttle] skipped: no Redis answers at ${TEST_REDIS_URL} (set REDIS_TEST_URL)\n`,
  );

/**
 * Issue 20: with REDIS_URL, the login/refresh/token throttle counts for the installation, not
 * per instance — two instances on one database behind a balancer allow the limit, not twice it.
 */
(reachable ? describe : describe.skip)('shared login throttle across instances (e2e)', () => {
  const prefix = uniqueRedisPrefix();
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      LOGIN_RATE_LIMIT_PER_MINUTE: '4',
      LOGIN_MAX_FAILURES: '100',
    };
    a = await createTestApp(env);
    b = await createInstanceOn(a, env);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const attempt = (t: TestApp, i: number) =>
    request(t.server)
      .post('/api/auth/login')
      .send({ email: `who-${i}@test.example`, password: 'whatever' });

  it('answers 429 once one client has made the limit’s worth of logins across both instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(i % 2 ? b : a, i)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it('keeps its counters in Redis under the configured prefix', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect((await redis.keys(`${prefix}*`)).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});

describe('login throttle without Redis (e2e)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const env = { LOGIN_RATE_LIMIT_PER_MINUTE: '2', LOGIN_MAX_FAILURES: '100' };
    a = await createTestApp(env);
    b = await createInstanceOn(a, env);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('counts per instance in memory: each instance allows the limit (what REDIS_URL fixes)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await request((i % 2 ? b : a).server)
            .post('/api/auth/login')
            .send({ email: `x-${i}@test.example`, password: 'whatever' })
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });
});

describe('login throttle while Redis is unreachable (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing listens on port 1: every Redis command fails at once.
    t = await createTestApp({
      REDIS_URL: 'redis://127.0.0.1:1',
      LOGIN_RATE_LIMIT_PER_MINUTE: '2',
      LOGIN_MAX_FAILURES: '100',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('still serves logins and falls back to counting in this instance', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (
          await request(t.server)
            .post('/api/auth/login')
            .send({ email: `y-${i}@test.example`, password: 'whatever' })
        ).status,
      );
    expect(statuses).toEqual([401, 401, 429]);
  });
});

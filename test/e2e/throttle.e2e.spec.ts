import request from '../support/http';
import { createTestApp, TestApp } from '../support/app';

describe('login throttling (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Lockout far away, so only the per-client throttle can answer 429 here.
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '3', LOGIN_MAX_FAILURES: '100' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 RATE_LIMITED once a client exceeds its login rate, across different e-mails', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(t.server)
        .post('/api/auth/login')
        .send({ email: `who-${i}@test.example`, password: 'whatever' });
      statuses.push(res.status);
      if (res.status === 429) expect(res.body.code).toBe('RATE_LIMITED');
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('throttles platform client token requests the same way', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(t.server)
        .post('/api/auth/token')
        .send({
          clientId: '00000000-0000-4000-8000-000000000000',
          clientSecret: `guess-${i}`,
        });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('does not throttle health checks', async () => {
    for (let i = 0; i < 5; i++) await request(t.server).get('/api/health').expect(200);
  });
});

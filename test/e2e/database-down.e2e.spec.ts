import request from '../support/http';
import { createTestApp, TestApp } from '../support/app';
import { testServerInfo } from '../support/database';
import { createUser, login } from '../support/factories';
import { TcpProxy } from '../support/tcp-proxy';

/** The database goes away behind a proxy and comes back: 503 meanwhile, recovery on its own. */
describe('database unavailable (e2e)', () => {
  let t: TestApp;
  let proxy: TcpProxy;

  beforeAll(async () => {
    proxy = TcpProxy.forUrl(testServerInfo().adminUrl);
    await proxy.start();
    t = await createTestApp({}, (db) => proxy.rewrite(db.appUrl));
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
  });

  it('answers 503 while the database is down and 200 again once it is back', async () => {
    const user = await createUser(t);
    const { accessToken } = await login(t, user);
    await request(t.server).get('/api/health').expect(200);

    await proxy.stop();
    const health = await request(t.server).get('/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      statusCode: 503,
      code: 'DATABASE_UNAVAILABLE',
      db: 'down',
    });
    // Out of the balancer's rotation, but alive: an orchestrator must not restart it for this.
    const ready = await request(t.server).get('/api/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.code).toBe('DATABASE_UNAVAILABLE');
    await request(t.server).get('/api/health/live').expect(200);

    // An authenticated request cannot check its session: 503, not a misleading 401.
    const me = await request(t.server).get('/api/me').set('Authorization', `Bearer ${accessToken}`);
    expect(me.status).toBe(503);
    expect(me.body.code).toBe('DATABASE_UNAVAILABLE');
    const loginDown = await request(t.server)
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password });
    expect(loginDown.status).toBe(503);

    await proxy.restart();
    await request(t.server).get('/api/health').expect(200);
    await request(t.server).get('/api/health/ready').expect(200);
    await request(t.server)
      .get('/api/me')
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(200);
  });
});

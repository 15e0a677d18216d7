import express from 'express';
// eslint-disable-next-line no-restricted-imports -- a bare Express app, not the API: nothing of the OpenAPI document applies
import request from 'supertest';
import { noStore, securityHeaders } from './security-headers';

/** The CSP decided per request (issue 16 item 5): Swagger UI must load over HTTP and HTTPS. */
describe('security headers', () => {
  const app = (trustProxy: boolean) => {
    const sut = express();
    if (trustProxy) sut.set('trust proxy', 1);
    sut.use(securityHeaders());
    sut.use(noStore);
    sut.get('/api/docs', (_req, res) => void res.send('ui'));
    sut.get('/api/docs/swagger-ui-bundle.js', (_req, res) => void res.send('js'));
    sut.get('/api/docs/swagger-ui-init.js', (_req, res) => void res.send('init'));
    return sut;
  };

  it('asks the browser to upgrade requests to https, with HSTS, when the request came over HTTPS', async () => {
    const res = await request(app(true)).get('/api/docs').set('X-Forwarded-Proto', 'https');
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('does not over plain HTTP', async () => {
    const res = await request(app(true)).get('/api/docs');
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('ignores X-Forwarded-Proto unless the proxy is trusted', async () => {
    const res = await request(app(false)).get('/api/docs').set('X-Forwarded-Proto', 'https');
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  it('allows Swagger UI its own scripts and same-origin calls, and no inline script', async () => {
    const csp = (await request(app(false)).get('/api/docs')).headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('lets caches keep Swagger UI’s static assets but not the page or its document', async () => {
    const sut = app(false);
    expect(
      (await request(sut).get('/api/docs/swagger-ui-bundle.js')).headers['cache-control'],
    ).toBeUndefined();
    expect((await request(sut).get('/api/docs/swagger-ui-init.js')).headers['cache-control']).toBe(
      'no-store',
    );
    expect((await request(sut).get('/api/docs')).headers['cache-control']).toBe('no-store');
  });
});

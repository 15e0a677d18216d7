import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import request from '../support/http';
import { IS_PUBLIC } from '../../src/auth/public.decorator';
import { PLATFORM_AUTHORIZE } from '../../src/platform-clients/platform-token.guard';
import { createTestApp, TestApp } from '../support/app';

/** Every route either is @Public, or needs a token; every council route declares a policy. */
describe('route policies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  function routes(): { path: string; method: string; handler: object; controller: object }[] {
    const out: { path: string; method: string; handler: object; controller: object }[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as { prototype: Record<string, unknown> } | null;
        if (!controller) continue;
        const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = controller.prototype[name];
          if (typeof handler !== 'function' || name === 'constructor') continue;
          const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
          if (path === undefined) continue;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
          out.push({
            path: `/${base}/${path}`.replace(/\/+/g, '/').replace(/\/$/, ''),
            method,
            handler,
            controller,
          });
        }
      }
    }
    return out;
  }

  it('declares an access policy (@Authorize) on every route under a council', () => {
    const councilRoutes = routes().filter((r) => r.path.includes(':councilId'));
    expect(councilRoutes.length).toBeGreaterThan(15);
    const undeclared = councilRoutes
      .filter((r) => !Reflect.getMetadata('access:authorize', r.handler))
      .map((r) => `${r.method} ${r.path}`);
    expect(undeclared).toEqual([]);
  });

  it('marks public only the health check, login (both steps), refresh, password reset, accepting an invitation with a new account, the client token and the public notice', () => {
    const open = routes()
      .filter(
        (r) =>
          (Reflect.getMetadata(IS_PUBLIC, r.handler) ||
            Reflect.getMetadata(IS_PUBLIC, r.controller)) &&
          !Reflect.getMetadata(PLATFORM_AUTHORIZE, r.handler),
      )
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(open).toEqual([
      'GET /health',
      'GET /health/live',
      'GET /health/ready',
      'GET /public/councils',
      'POST /auth/invitations/accept',
      'POST /auth/login',
      'POST /auth/mfa',
      'POST /auth/password-reset',
      'POST /auth/password-reset/confirm',
      'POST /auth/refresh',
      'POST /auth/token',
    ]);
  });

  it('guards the platform statistics with the platform token guard instead of the user token guard', () => {
    const platform = routes()
      .filter((r) => Reflect.getMetadata(PLATFORM_AUTHORIZE, r.handler))
      .map((r) => `${r.method} ${r.path}`);
    expect(platform).toEqual(['GET /platform/statistics']);
  });

  it('answers 401 on every other route without a token', async () => {
    for (const r of routes().filter(
      (x) =>
        !Reflect.getMetadata(IS_PUBLIC, x.handler) ||
        Reflect.getMetadata(PLATFORM_AUTHORIZE, x.handler),
    )) {
      const path = `/api${r.path}`.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
      const res = await request(t.server)[r.method.toLowerCase() as 'get'](path).send({});
      expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({
        route: `${r.method} ${r.path}`,
        status: 401,
      });
    }
  });
});

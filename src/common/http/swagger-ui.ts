import type { OpenAPIObject, SwaggerCustomOptions } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RuntimeConfig } from '../../config/app-config';
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../seed/demo-seed';

/** The demo coordinator: signs in and lists the demo council's cases. */
const DEMO_LOGIN = DEMO_LOGINS.find((l) => l.role === 'coordinator')!;

/**
 * In embedded mode (a local evaluation with the demo council), the login operation's request
 * body shows the demo coordinator's credentials as its example, so "Try it out" → Execute signs
 * in as it stands. Never with DATABASE_URL set: a real installation's document names no account
 * and no password. Returns a patched copy; the document itself (committed, shared) is untouched.
 */
export function withDemoLoginExample(document: OpenAPIObject): OpenAPIObject {
  const patched = structuredClone(document);
  const body = patched.paths['/api/auth/login']?.post?.requestBody;
  if (body && 'content' in body && body.content['application/json']) {
    body.content['application/json'].example = {
      email: DEMO_LOGIN.email,
      password: DEMO_PASSWORD,
    };
  }
  return patched;
}

/** `SwaggerModule.setup` options: what makes Swagger UI usable for a whole workflow. */
export function swaggerUiOptions(config: RuntimeConfig): SwaggerCustomOptions {
  let demo: OpenAPIObject | null = null;
  return {
    customSiteTitle: 'Council case coordination API — Swagger UI',
    swaggerOptions: {
      // The bearer token survives a reload (kept in the browser's localStorage for this origin).
      persistAuthorization: true,
      displayRequestDuration: true,
      filter: true,
    },
    ...(config.embedded
      ? {
          patchDocumentOnRequest: <TRequest = Request, TResponse = Response>(
            _req: TRequest,
            _res: TResponse,
            document: OpenAPIObject,
          ) => (demo ??= withDemoLoginExample(document)),
        }
      : {}),
  };
}

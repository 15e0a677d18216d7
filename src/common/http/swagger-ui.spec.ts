import type { OpenAPIObject } from '@nestjs/swagger';
import { RuntimeConfig } from '../../config/app-config';
import { DEMO_PASSWORD } from '../../seed/demo-seed';
import { swaggerUiOptions } from './swagger-ui';

const document = (): OpenAPIObject => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: {
    '/api/auth/login': {
      post: {
        responses: {},
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
      },
    },
  },
});
const loginExample = (d: OpenAPIObject): unknown => {
  const body = d.paths['/api/auth/login'].post!.requestBody as {
    content: Record<string, { example?: unknown }>;
  };
  return body.content['application/json'].example;
};
const patch = async (
  config: Partial<RuntimeConfig>,
  d: OpenAPIObject,
): Promise<OpenAPIObject | undefined> => {
  const sut = swaggerUiOptions(config as RuntimeConfig);
  return sut.patchDocumentOnRequest?.({}, {}, d);
};

/** Swagger UI's options (issue 16 item 5). */
describe('Swagger UI options', () => {
  it('keep the authorisation across reloads', () => {
    const sut = swaggerUiOptions({ embedded: false } as RuntimeConfig);
    expect(sut.swaggerOptions).toMatchObject({ persistAuthorization: true });
  });

  it('offer the demo coordinator as the login example in embedded mode', async () => {
    const patched = await patch({ embedded: true }, document());
    expect(loginExample(patched!)).toEqual({
      email: 'coordinator@demo.example',
      password: DEMO_PASSWORD,
    });
  });

  it('leave the document itself untouched', async () => {
    const original = document();
    await patch({ embedded: true }, original);
    expect(loginExample(original)).toBeUndefined();
  });

  it('name no account or password with DATABASE_URL (not embedded)', async () => {
    expect(await patch({ embedded: false }, document())).toBeUndefined();
  });
});

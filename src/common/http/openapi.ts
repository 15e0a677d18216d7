import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/**
 * The OpenAPI document: built from the controllers' decorators, served at /api/docs-json and
 * committed as openapi/openapi.json (`npm run openapi`; docs/api.md). Its content lives here so
 * that the served document and the committed one come from the same function.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Regional council case coordination API (孤独・孤立対策地域協議会)')
      .setDescription(
        'Case coordination for regional councils on loneliness and isolation. See README.md and docs/.',
      )
      .setVersion('1')
      .addBearerAuth()
      // Platform client tokens (POST /api/auth/token): accepted by the platform statistics only.
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'platform')
      .build(),
  );
}

import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { RuntimeConfig } from '../../config/app-config';
import { Lifecycle } from '../../health/lifecycle';
import { Metrics } from '../../metrics/metrics';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { buildOpenApiDocument } from './openapi';
import { requestContext } from './request-context';
import { requestId } from './request-id';
import { corsOptions, noStore, securityHeaders } from './security-headers';
import { swaggerUiOptions } from './swagger-ui';
import { StrictValidationPipe } from './validation';

export const API_PREFIX = 'api';

/**
 * Everything about the HTTP surface that is not a route: used by main.ts and by the e2e
 * harness alike, so tests exercise exactly what production serves. Signals are handled by
 * main.ts (not enableShutdownHooks, which re-raises the signal before the embedded database
 * has been stopped).
 */
export function configureApp(app: NestExpressApplication, config: RuntimeConfig): INestApplication {
  app.useLogger(app.get(Logger));
  // First: everything the request does runs in its own context (its council transaction).
  app.use(requestContext);
  app.use(requestId);
  // Request timing only when someone can read it (METRICS_PORT set): nothing per request otherwise.
  if (config.metrics) app.use(app.get(Metrics).timeRequests());
  app.use(app.get(Lifecycle).closeConnectionsWhenDraining());
  // Before helmet: `req.secure` (which decides its CSP) follows X-Forwarded-Proto only then.
  if (config.http.trustProxy) app.set('trust proxy', 1);
  // No ETags: authenticated answers are `no-store` (never revalidated), so hashing every body
  // for one (Express's default) is CPU spent for nothing (docs/performance.md).
  app.set('etag', false);
  app.use(securityHeaders());
  app.use(noStore);
  const cors = corsOptions(config.http.corsOrigins);
  if (cors) app.enableCors(cors);
  app.disable('x-powered-by');
  // Idle keep-alive sockets outlive a load balancer's idle timeout; headersTimeout must exceed it.
  const server = app.getHttpServer() as import('node:http').Server;
  server.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  server.headersTimeout = config.http.keepAliveTimeoutMs + 1000;
  app.useBodyParser('json', { limit: config.http.bodyLimit, strict: true });
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, {
    jsonDocumentUrl: `${API_PREFIX}/docs-json`,
    ...swaggerUiOptions(config),
  });
  return app;
}

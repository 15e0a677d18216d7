import { Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';

/**
 * Structured JSON logs carrying the request id. Requests are logged by method, path and
 * status only: no query string, headers or bodies, so no names, notes or tokens can leak.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => ({
        pinoHttp: {
          level: config.log.level,
          genReqId: (req: IncomingMessage & { id?: string }) => req.id ?? '',
          autoLogging: {
            ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/api/health'),
          },
          serializers: {
            // `id` is the server's request id (the audit log's); the caller's own X-Request-Id
            // is logged beside it for correlation, and nowhere else (src/common/http/request-id.ts).
            req: (req: {
              id?: string;
              method?: string;
              url?: string;
              raw?: { clientRequestId?: string };
            }) => ({
              id: req.id,
              clientRequestId: req.raw?.clientRequestId,
              method: req.method,
              path: (req.url ?? '').split('?')[0],
            }),
            res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
          },
          redact: {
            paths: ['req.headers', 'res.headers', '*.password', '*.accessToken', '*.refreshToken'],
            remove: true,
          },
          customProps: () => ({ service: 'kodoku-council' }),
        },
      }),
    }),
  ],
})
export class LoggingModule {}

import { Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';

/**
 * Log lines are buffered (up to 4 KiB, at most 250 ms) instead of one write system call per
 * request, which cost about 5 % of the server's CPU under load (issue 15); what is buffered is
 * written out when the process exits.
 */
let stdout: pino.DestinationStream | null = null;

function bufferedStdout(): pino.DestinationStream {
  if (stdout) return stdout; // one per process, however many apps it creates (tests)
  const dest = pino.destination({ dest: 1, minLength: 4096, sync: false });
  setInterval(() => dest.flush(), 250).unref();
  process.once('exit', () => {
    try {
      dest.flushSync();
    } catch {
      // stdout is gone: nothing left to write to
    }
  });
  return (stdout = dest);
}

/**
 * Structured JSON logs carrying the request id. Requests are logged by method, path and
 * status only: no query string, headers or bodies, so no names, notes or tokens can leak.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => ({
        pinoHttp: [
          {
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
              paths: [
                'req.headers',
                'res.headers',
                '*.password',
                '*.accessToken',
                '*.refreshToken',
              ],
              remove: true,
            },
            customProps: () => ({ service: 'kodoku-council' }),
          },
          bufferedStdout(),
        ],
      }),
    }),
  ],
})
export class LoggingModule {}

import { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { Lifecycle } from '../../health/lifecycle';

/** In-flight requests still running this long after the server stopped accepting are cut. */
export const IN_FLIGHT_GRACE_MS = 30_000;

/**
 * A graceful shutdown, in the order a load balancer needs:
 *
 * 1. readiness turns 503 and every response closes its connection;
 * 2. `drain()` — the instance keeps serving while the balancer notices (SHUTDOWN_DRAIN_MS);
 * 3. the server stops accepting connections, closes the idle ones and waits for the requests
 *    in flight (at most `graceMs`, then their connections are cut);
 * 4. the application closes: lifecycle hooks, then the database pool.
 *
 * Stopping an embedded database comes after, in main.ts.
 */
export async function drainAndClose(
  app: INestApplication,
  drain: () => Promise<void>,
  graceMs = IN_FLIGHT_GRACE_MS,
): Promise<void> {
  app.get(Lifecycle).beginShutdown();
  await drain();
  const server = app.getHttpServer() as Server;
  if (server.listening) {
    await new Promise<void>((resolve) => {
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      cut.unref();
      server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      server.closeIdleConnections();
    });
  }
  await app.close();
}

import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Whether this instance has begun a graceful shutdown. From then on the readiness check answers
 * 503 (a load balancer takes the instance out of rotation) and every response closes its
 * connection, so no keep-alive connection outlives the instance's last request.
 */
@Injectable()
export class Lifecycle {
  private draining = false;

  get shuttingDown(): boolean {
    return this.draining;
  }

  beginShutdown(): void {
    this.draining = true;
  }

  /**
   * Express middleware: `Connection: close` on every response whose headers are written once the
   * shutdown has begun — including requests that were already in flight then, so that their
   * connections end with them and the server's close completes without waiting for idle
   * keep-alive connections.
   */
  closeConnectionsWhenDraining() {
    const draining = () => this.draining;
    return (_req: Request, res: Response, next: NextFunction): void => {
      const writeHead = res.writeHead;
      res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
        if (draining() && !this.headersSent) this.setHeader('Connection', 'close');
        return writeHead.apply(this, args);
      } as Response['writeHead'];
      next();
    };
  }
}

import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';

/**
 * Prometheus metrics (issue 16 item 7). Labels are closed sets chosen here — an HTTP method, a
 * route **template** (`/api/councils/:councilId/cases/:id`, never the path with its ids), a
 * status code, a pool state — so no metric can carry a council, case or user id, an e-mail or
 * anything else personal (DESIGN.md §3.5: identifiers stay in the audit log, content nowhere).
 *
 * Always recorded (cheap); exposed by MetricsServer only.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly auditInsertFailures = new Counter({
    name: 'audit_insert_failures_total',
    help: 'Audit events that could not be written (the access they record was refused: fail closed)',
    registers: [this.registry],
  });

  readonly lockouts = new Counter({
    name: 'auth_lockouts_total',
    help: 'Accounts locked after too many failed sign-in attempts',
    registers: [this.registry],
  });

  readonly lastCheckpoint = new Gauge({
    name: 'audit_checkpoint_last_success_timestamp_seconds',
    help: 'When this instance last completed a scheduled checkpoint run with every council signed (0: never; take the max over instances)',
    registers: [this.registry],
  });

  readonly checkpointFailures = new Counter({
    name: 'audit_checkpoint_failures_total',
    help: 'Councils whose scheduled checkpoint failed (chain not verifying, witness down, database error)',
    registers: [this.registry],
  });

  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    dataSource: DataSource,
  ) {
    const pool = (): Pool | undefined => (dataSource.driver as unknown as { master?: Pool }).master;
    new Gauge({
      name: 'db_pool_connections',
      help: "The API pool's connections by state (total = open; idle; waiting = requests queued for one)",
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const p = pool();
        this.set({ state: 'total' }, p?.totalCount ?? 0);
        this.set({ state: 'idle' }, p?.idleCount ?? 0);
        this.set({ state: 'waiting' }, p?.waitingCount ?? 0);
      },
    });
    new Gauge({
      name: 'db_pool_max_connections',
      help: "The API pool's size (DB_POOL_SIZE)",
      registers: [this.registry],
      collect() {
        this.set(config.database.poolSize);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Express middleware timing every request. The route label is the matched route's template
   * (Express's `req.route.path`, as Nest registered it) or `unmatched` (404s, and requests
   * refused before routing such as an oversized body): never the URL.
   */
  timeRequests() {
    const histogram = this.httpDuration;
    return (req: Request, res: Response, next: NextFunction): void => {
      const end = histogram.startTimer();
      res.once('finish', () => {
        const route = (req.route as { path?: unknown } | undefined)?.path;
        end({
          method: req.method,
          route: typeof route === 'string' ? route : 'unmatched',
          status: String(res.statusCode),
        });
      });
      next();
    };
  }
}

/**
 * Serves `GET /metrics` on METRICS_PORT alone (the API server only; never the CLI), so metrics
 * are never reachable through the API's port. Off when METRICS_PORT is unset.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | null = null;
  private readonly registry: Registry;

  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    metrics: Metrics,
  ) {
    this.registry = metrics.registry;
  }

  /** Where the metrics are served, once listening (null when off). */
  get url(): string | null {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address ? `http://${this.config.metrics!.host}:${address.port}/metrics` : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const settings = this.config.metrics;
    if (!settings) return;
    this.server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url !== '/metrics') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return;
      }
      this.registry.metrics().then(
        (text) =>
          res
            .writeHead(200, {
              'Content-Type': this.registry.contentType,
              'Cache-Control': 'no-store',
            })
            .end(text),
        (error: unknown) => {
          this.logger.warn(
            { error: error instanceof Error ? error.name : 'unknown' },
            'metrics failed',
          );
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics failed\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(settings.port, settings.host, () => resolve());
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server?.listening) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

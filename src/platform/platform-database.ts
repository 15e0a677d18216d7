import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';

/**
 * The platform module's only database connection, as the platform role (DESIGN.md §3.6): it can
 * run the aggregate functions of schema `platform` and nothing else — no table, no view, not
 * even schema `public` (the server checks this at start-up, src/database/role-check.ts). A bug
 * here can therefore not read a case: PostgreSQL would refuse. Deliberately not the API's
 * TypeORM data source, which connects as the application role.
 */
@Injectable()
export class PlatformDatabase implements OnModuleDestroy {
  private readonly pool: Pool;

  constructor(@Inject(APP_CONFIG) config: RuntimeConfig) {
    this.pool = new Pool({
      connectionString: config.database.platformUrl,
      max: 4,
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 30_000,
      application_name: 'kodoku-council-platform',
      // Periods are whole days of the council's calendar, as everywhere else in the API.
      options: `-c TimeZone=${config.database.timeZone}`,
    });
    // An idle connection that drops is replaced on the next query; it must not crash the server.
    this.pool.on('error', () => undefined);
  }

  /** One read-only snapshot, so the counts of a response agree with each other. */
  async snapshot<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}

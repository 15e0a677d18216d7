import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs work in one transaction scoped to a council: `app.council_id` is set with
 * `set_config(…, true)` (transaction-local, so a pooled connection never carries it over) and
 * the transaction's EntityManager is handed down. Row-level security keys on this setting
 * (DESIGN.md §3.3); repositories take the manager, never a bare repository.
 */
@Injectable()
export class CouncilTransactions {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(councilId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', async (em) => {
      await em.query(`SELECT set_config('app.council_id', $1, true)`, [councilId]);
      return work(em);
    });
  }

  /** One consistent snapshot for long reads (verification, export) that page through a council. */
  snapshot<T>(councilId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      await em.query(`SELECT set_config('app.council_id', $1, true)`, [councilId]);
      return work(em);
    });
  }

  /** Work that belongs to no council yet (creating one), or reads across councils by design. */
  runUnscoped<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Re-scopes a running transaction, e.g. right after creating the council it works on. */
  async scope(em: EntityManager, councilId: string): Promise<void> {
    await em.query(`SELECT set_config('app.council_id', $1, true)`, [councilId]);
  }
}

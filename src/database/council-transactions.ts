import { Injectable } from '@nestjs/common';
import type { PoolClient, QueryResultRow } from 'pg';
import { DataSource, EntityManager, QueryFailedError, QueryRunner } from 'typeorm';
import { currentRequest } from '../common/http/request-context';
import { batchOnClient, Statement } from './prepared';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Scopes the transaction to council `id` (an SQL expression): `app.council_id` for RLS
 * (DESIGN.md §3.3), and `TimeZone` to the council's own zone when it has one (issue 18 item 5),
 * so `current_date`, due dates and 年度 boundaries are the council's calendar days. Both are
 * transaction-local: a pooled connection never carries them over. The councils row is public
 * to read (its RLS policy), so the lookup does not depend on the order of the two settings.
 */
export const councilSettingsSql = (id: string): string =>
  `SELECT set_config('app.council_id', ${id}, true),
          set_config('TimeZone', COALESCE((SELECT tz.time_zone FROM councils tz WHERE tz.id = (${id})::uuid),
                                          current_setting('TimeZone')), true)`;

/**
 * One open council transaction: `app.council_id` is set (RLS, DESIGN.md §3.3) and `em` is its
 * EntityManager (named prepared statements reach its pg client through database/prepared.ts).
 */
export class CouncilTransaction {
  private state: 'open' | 'claimed' | 'done' = 'open';
  /** Whose request transaction this is (the principal the guard resolved), if adopted. */
  owner: object | null = null;

  constructor(
    readonly councilId: string,
    readonly em: EntityManager,
    private readonly qr: QueryRunner,
    private readonly client: PoolClient,
  ) {}

  get finished(): boolean {
    return this.state === 'done';
  }

  /** Marks the transaction as taken over by a use case (so the request's clean-up leaves it). */
  claim(): boolean {
    if (this.state !== 'open') return false;
    this.state = 'claimed';
    return true;
  }

  get claimed(): boolean {
    return this.state === 'claimed';
  }

  async commit(): Promise<void> {
    if (this.state === 'done') return;
    this.state = 'done';
    try {
      await this.client.query('COMMIT');
    } catch (error) {
      await this.release(error as Error);
      throw new QueryFailedError('COMMIT', [], error as Error);
    }
    await this.release();
  }

  /**
   * Runs `last` (e.g. the access's audit events) and COMMIT in one round trip (issue 15). Same
   * effect as running them and then `commit()`: PostgreSQL runs the message in order and stops
   * at the first error, so a failed statement is never followed by the COMMIT; the transaction
   * is then rolled back and the error thrown (fail closed, DESIGN.md §3.4).
   */
  async commitWith(last: Statement[]): Promise<void> {
    if (last.length === 0) return this.commit();
    if (this.state === 'done') throw new Error('The transaction is already over');
    try {
      await batchOnClient(this.client, last, { tail: 'COMMIT' });
    } catch (error) {
      // After a failed statement the transaction is aborted (ROLLBACK ends it); after a failed
      // COMMIT it is already over (ROLLBACK only warns). Either way nothing was committed.
      await this.rollback();
      throw error;
    }
    this.state = 'done';
    await this.release();
  }

  /** Rolls back if nobody took the transaction over (the request is over, or took another path). */
  async abandon(): Promise<void> {
    if (this.state === 'open') await this.rollback();
  }

  /** Rolls back and returns the connection; never throws (a broken connection is discarded). */
  async rollback(): Promise<void> {
    if (this.state === 'done') return;
    this.state = 'done';
    let broken: Error | undefined;
    await this.client.query('ROLLBACK').catch((error: Error) => (broken = error));
    await this.release(broken);
  }

  private async release(error?: Error): Promise<void> {
    const qr = this.qr as QueryRunner & {
      isTransactionActive: boolean;
      transactionDepth: number;
      releasePostgresConnection(err?: Error): Promise<void>;
    };
    qr.isTransactionActive = false;
    qr.transactionDepth = 0;
    await qr.releasePostgresConnection(error);
  }
}

interface Pending {
  tx: CouncilTransaction;
}

/**
 * Runs work in one transaction scoped to a council: `app.council_id` is set with
 * `set_config(…, true)` (transaction-local, so a pooled connection never carries it over) and
 * the transaction's EntityManager is handed down. Row-level security keys on this setting
 * (DESIGN.md §3.3); repositories take the manager, never a bare repository.
 *
 * One transaction per request (issue 15): for a council route the guards open the council
 * transaction (session check and principal lookup are its first statement) and `adopt` it; the
 * access primitive `take`s it for the use case and commits it. A transaction nobody took is
 * rolled back when the response ends, and before this request asks for any other connection —
 * so a request never holds one connection while it waits for another.
 */
@Injectable()
export class CouncilTransactions {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Opens a council transaction in one round trip: BEGIN and the council setting travel
   * together. The id is a validated UUID (it is written into the statement, the only value that
   * ever is: a simple-protocol message can carry two statements but no parameters).
   */
  async open(councilId: string): Promise<CouncilTransaction> {
    return (await this.openWith(councilId, null)).tx;
  }

  /**
   * The same, and `first` (e.g. the session check and principal lookup) runs in the same round
   * trip, right after the council setting: BEGIN, set_config and the statement travel as one
   * message (issue 15). Answers the transaction and the statement's rows.
   */
  async openWith(
    councilId: string,
    first: Statement | null,
  ): Promise<{ tx: CouncilTransaction; rows: QueryResultRow[] }> {
    const id = councilId.toLowerCase();
    if (!UUID.test(id)) throw new Error('A council transaction needs a council id (UUID)');
    await this.discardPending();
    const qr = this.dataSource.createQueryRunner();
    let client: PoolClient;
    try {
      client = (await qr.connect()) as PoolClient;
    } catch (error) {
      await qr.release();
      throw error;
    }
    const begin = `BEGIN ISOLATION LEVEL READ COMMITTED; ${councilSettingsSql(`'${id}'`)}`;
    let rows: QueryResultRow[] = [];
    try {
      if (first) [rows] = await batchOnClient(client, [first], { head: begin });
      else await client.query(begin);
    } catch (error) {
      // A failed statement leaves the transaction aborted: end it before the connection goes back.
      let broken = error as Error;
      if (first) await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      await (
        qr as QueryRunner & { releasePostgresConnection(err?: Error): Promise<void> }
      ).releasePostgresConnection(first && broken === error ? undefined : broken);
      throw error instanceof QueryFailedError
        ? error
        : new QueryFailedError(begin, [], error as Error);
    }
    // TypeORM's own bookkeeping, so a nested em.transaction() would take a savepoint.
    Object.assign(qr, { isTransactionActive: true, transactionDepth: 1 });
    return { tx: new CouncilTransaction(id, qr.manager, qr, client), rows };
  }

  run<T>(councilId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.within(councilId, (tx) => work(tx.em));
  }

  /** Work in a fresh council transaction: committed when it returns, rolled back if it throws. */
  async within<T>(councilId: string, work: (tx: CouncilTransaction) => Promise<T>): Promise<T> {
    const tx = await this.open(councilId);
    return this.complete(tx, work);
  }

  /** Runs `work` in an open transaction, then commits it (or rolls it back if `work` throws). */
  async complete<T>(
    tx: CouncilTransaction,
    work: (tx: CouncilTransaction) => Promise<T>,
  ): Promise<T> {
    let result: T;
    try {
      result = await work(tx);
    } catch (error) {
      await tx.rollback();
      throw error;
    }
    await tx.commit();
    return result;
  }

  /** One consistent snapshot for long reads (verification, export) that page through a council. */
  async snapshot<T>(councilId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    await this.discardPending();
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      await em.query(councilSettingsSql('$1::text'), [councilId]);
      return work(em);
    });
  }

  /** Work that belongs to no council yet (creating one), or reads across councils by design. */
  async runUnscoped<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    await this.discardPending();
    return this.dataSource.transaction(work);
  }

  /** Re-scopes a running transaction, e.g. right after creating the council it works on. */
  async scope(em: EntityManager, councilId: string): Promise<void> {
    await em.query(councilSettingsSql('$1::text'), [councilId]);
  }

  /** Makes `tx` this request's transaction, for the access primitive to take (see `take`). */
  adopt(tx: CouncilTransaction): void {
    const ctx = currentRequest();
    if (!ctx) throw new Error('A request transaction needs a request context');
    ctx.pending = { tx } satisfies Pending;
  }

  /**
   * The request's open transaction, if the guard opened it for this council and `owner` (the
   * principal it resolved) — taken over by the caller, who must commit or roll it back.
   */
  take(councilId: string, owner: object): CouncilTransaction | null {
    const pending = currentRequest()?.pending as Pending | undefined;
    if (!pending) return null;
    const { tx } = pending;
    if (tx.councilId !== councilId || tx.owner !== owner || !tx.claim()) return null;
    currentRequest()!.pending = undefined;
    return tx;
  }

  /** Rolls back the request's transaction if nothing took it (request over, or another path). */
  async discardPending(): Promise<void> {
    const ctx = currentRequest();
    const pending = ctx?.pending as Pending | undefined;
    if (!pending) return;
    ctx!.pending = undefined;
    await pending.tx.abandon();
  }
}

import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';

/** First key of the two-key advisory locks that periodic jobs take (the second: the job's hash). */
export const JOB_LOCK_NAMESPACE = 7_212_027;

/** Instances look at least this often whether a job's interval is due. */
export const JOB_TICK_MS = 60_000;

export type JobRun<T> =
  | { ran: true; job: string; slotStart: Date; result: T }
  | { ran: false; job: string; slotStart: Date; reason: 'running-elsewhere' | 'already-ran' };

/**
 * Periodic jobs that run once per interval across every instance sharing the database (the
 * audit checkpoints; digests and statistics publication later).
 *
 * Time is cut into intervals aligned on the database's clock (hourly jobs run in the interval
 * 10:00–11:00, 11:00–12:00, …). Each instance looks every minute (or every interval, if shorter)
 * whether the current interval's run is due; the first to look runs it:
 *
 * - in one transaction it takes `pg_try_advisory_xact_lock(JOB_LOCK_NAMESPACE, hashtext(job))`
 *   — an instance that does not get it skips, without waiting;
 * - holding the lock it checks `job_runs` for this job and interval, and skips if a row is there;
 * - otherwise it runs the job and records the run in `job_runs` in the same transaction; the
 *   commit releases the lock.
 *
 * If the instance dies or the job throws, nothing is recorded and the next look (by any
 * instance) runs it again: once per interval when all goes well, at least once when it does not,
 * so jobs must be idempotent (a checkpoint of an unchanged head is a no-op).
 */
@Injectable()
export class PeriodicJobs implements BeforeApplicationShutdown {
  private readonly logger = new Logger('PeriodicJobs');
  /** The jobs this instance looks at, by name (their timers live in @nestjs/schedule's registry). */
  private readonly jobs = new Set<string>();
  private readonly running = new Set<Promise<unknown>>();
  readonly instance = `${hostname()}:${process.pid}`.slice(0, 200);

  constructor(
    private readonly dataSource: DataSource,
    private readonly schedule: SchedulerRegistry,
  ) {}

  /**
   * Runs `work` unless another instance is running this job now or has run it in the current
   * interval. `at` replaces the database's clock (tests).
   */
  async runDue<T>(
    job: string,
    intervalMs: number,
    work: () => Promise<T>,
    at?: Date,
  ): Promise<JobRun<T>> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('READ COMMITTED');
      const [lock] = (await runner.query(
        `SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked, clock_timestamp() AS now`,
        [JOB_LOCK_NAMESPACE, job],
      )) as { locked: boolean; now: Date }[];
      const now = at ?? lock.now;
      const slotStart = new Date(Math.floor(now.getTime() / intervalMs) * intervalMs);
      if (!lock.locked) {
        await runner.rollbackTransaction();
        return { ran: false, job, slotStart, reason: 'running-elsewhere' };
      }
      const done = (await runner.query(
        `SELECT 1 FROM job_runs WHERE job = $1 AND slot_start = $2`,
        [job, slotStart],
      )) as unknown[];
      if (done.length > 0) {
        await runner.rollbackTransaction();
        return { ran: false, job, slotStart, reason: 'already-ran' };
      }
      const startedAt = new Date();
      const result = await work();
      await runner.query(
        `INSERT INTO job_runs (job, slot_start, interval_ms, started_at, finished_at, instance)
         VALUES ($1, $2, $3, $4, clock_timestamp(), $5)`,
        [job, slotStart, intervalMs, startedAt, this.instance],
      );
      await runner.commitTransaction();
      return { ran: true, job, slotStart, result };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Looks every minute (or interval, if shorter) whether `job` is due, until `stop()`. The timer
   * is registered with @nestjs/schedule (SchedulerRegistry, under the job's name), so the
   * application's schedule can be listed and stopped in one place; `runDue` keeps the election.
   */
  every(job: string, intervalMs: number, work: () => Promise<unknown>): void {
    const timer = setInterval(
      () => {
        const run: Promise<unknown> = this.runDue(job, intervalMs, work)
          .catch((error: unknown) =>
            this.logger.warn(
              { job, error: error instanceof Error ? error.name : 'unknown' },
              'periodic job failed; the next look runs it again',
            ),
          )
          .finally(() => this.running.delete(run));
        this.running.add(run);
      },
      Math.min(intervalMs, JOB_TICK_MS),
    );
    timer.unref();
    this.schedule.addInterval(job, timer);
    this.jobs.add(job);
  }

  /** Stops looking and waits for the runs in progress (before the pool closes at shutdown). */
  async stop(): Promise<void> {
    for (const job of this.jobs)
      if (this.schedule.doesExist('interval', job)) this.schedule.deleteInterval(job);
    this.jobs.clear();
    await Promise.all([...this.running]);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }
}

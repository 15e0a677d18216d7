import {
  AuditCheckpointScheduler,
  CHECKPOINT_JOB,
} from '../../src/audit/audit-checkpoint.scheduler';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PeriodicJobs } from '../../src/database/leader';
import { createInstanceOn, createTestApp, TestApp } from '../support/app';
import { createCouncil } from '../support/factories';

const HOUR = 60 * 60_000;
const at = (hour: number, minute = 15) => new Date(Date.UTC(2030, 0, 1, hour, minute)); // a fixed clock: intervals, not real time

/**
 * Issue 20: periodic jobs (the audit checkpoints now; digests and statistics publication later)
 * run once per interval however many instances share the database.
 */
describe('periodic jobs across instances (e2e)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createInstanceOn(a);
    await createCouncil(a, ['coordinator']);
    await createCouncil(b, ['coordinator']);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const runs = async (job: string) =>
    (
      await a.db.superuser.query<{ slot: Date; instance: string }>(
        `SELECT slot_start AS slot, instance FROM job_runs WHERE job = $1 ORDER BY slot_start`,
        [job],
      )
    ).rows;

  it('checkpoints once per interval when two instances ask at the same moment, three intervals running', async () => {
    const made: number[] = [];
    for (const hour of [10, 11, 12]) {
      const results = await Promise.all([
        a.app.get(AuditCheckpointScheduler).runDue(60, at(hour)),
        b.app.get(AuditCheckpointScheduler).runDue(60, at(hour, 45)),
      ]);
      const ran = results.filter((r) => r.ran);
      expect(ran).toHaveLength(1);
      made.push(ran[0].ran ? ran[0].result : -1);
    }
    expect(made[0]).toBe(2); // both councils' chains signed in the first interval
    expect((await runs(CHECKPOINT_JOB)).map((r) => r.slot.toISOString())).toEqual([
      '2030-01-01T10:00:00.000Z',
      '2030-01-01T11:00:00.000Z',
      '2030-01-01T12:00:00.000Z',
    ]);
  });

  it('does nothing when asked again within an interval that has run', async () => {
    const job = a.app.get(PeriodicJobs);
    let calls = 0;
    const work = async () => ++calls;
    expect(await job.runDue('test.again', HOUR, work, at(9))).toMatchObject({ ran: true });
    const again = await b.app.get(PeriodicJobs).runDue('test.again', HOUR, work, at(9, 59));
    expect(again).toMatchObject({ ran: false, reason: 'already-ran' });
    expect(calls).toBe(1);
  });

  it('skips at once, without waiting, while another instance is running the job', async () => {
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const first = a.app.get(PeriodicJobs).runDue(
      'test.busy',
      HOUR,
      () =>
        new Promise<string>((r) => {
          release = () => r('done');
          entered();
        }),
      at(8),
    );
    await inside;
    const second = await b.app
      .get(PeriodicJobs)
      .runDue('test.busy', HOUR, async () => 'twice', at(8));
    expect(second).toMatchObject({ ran: false, reason: 'running-elsewhere' });
    release();
    expect(await first).toMatchObject({ ran: true, result: 'done' });
  });

  it('runs a failed job again in the same interval, recording only the run that succeeded', async () => {
    await expect(
      a.app
        .get(PeriodicJobs)
        .runDue('test.retry', HOUR, () => Promise.reject(new Error('store away')), at(7)),
    ).rejects.toThrow('store away');
    expect(await runs('test.retry')).toEqual([]);
    const retried = await b.app.get(PeriodicJobs).runDue('test.retry', HOUR, async () => 1, at(7));
    expect(retried).toMatchObject({ ran: true });
    expect(await runs('test.retry')).toHaveLength(1);
  });

  it('on real timers in two instances, runs each interval once: as many runs as recorded intervals', async () => {
    let calls = 0;
    const work = async () => ++calls;
    const jobs = [a.app.get(PeriodicJobs), b.app.get(PeriodicJobs)];
    for (const j of jobs) j.every('test.timer', 20, work);
    try {
      while ((await runs('test.timer')).length < 4) await new Promise((r) => setImmediate(r));
    } finally {
      await Promise.all(jobs.map((j) => j.stop())); // and the runs in progress
    }
    const recorded = await runs('test.timer');
    expect(calls).toBe(recorded.length);
    expect(new Set(recorded.map((r) => r.slot.getTime())).size).toBe(recorded.length);
  });

  it('schedules the checkpoint job with @nestjs/schedule when an interval is set, and stops it on close', async () => {
    const c = await createInstanceOn(a, { AUDIT_CHECKPOINT_INTERVAL_MINUTES: '60' });
    const sut = c.app.get(SchedulerRegistry);
    try {
      expect(sut.getIntervals()).toContain(CHECKPOINT_JOB);
      expect(a.app.get(SchedulerRegistry).getIntervals()).not.toContain(CHECKPOINT_JOB); // interval 0: off
    } finally {
      await c.app.get(PeriodicJobs).stop();
    }
    expect(sut.getIntervals()).not.toContain(CHECKPOINT_JOB);
    await c.close();
  });
});

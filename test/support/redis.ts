import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** The machine's Redis (REDIS_TEST_URL overrides). */
export const TEST_REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether Redis answers PING, decided synchronously so that a suite can be `describe.skip`ped
 * (and reported as skipped) when it does not. A child process does the asking: Jest collects
 * tests synchronously.
 */
export function redisReachable(url = TEST_REDIS_URL): boolean {
  const probe = `
    const Redis = require('ioredis').default;
    const r = new Redis(process.argv[1], { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    r.connect().then(() => r.ping()).then((p) => { r.disconnect(); process.exit(p === 'PONG' ? 0 : 1); }, () => process.exit(1));`;
  const r = spawnSync(process.execPath, ['-e', probe, url], { timeout: 5_000, cwd: __dirname });
  return r.status === 0;
}

/** A key prefix of its own per run, so that parallel runs never count each other's hits. */
export const uniqueRedisPrefix = (): string =>
  `kodoku-council-test:${process.pid}:${randomBytes(4).toString('hex')}:`;

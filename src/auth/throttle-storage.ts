import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import Redis from 'ioredis';
import { RuntimeConfig } from '../config/app-config';

type Record = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** At most one warning per minute about Redis, however many requests meet the outage. */
const WARN_EVERY_MS = 60_000;

/**
 * The throttle's counters in a Redis shared by every instance (REDIS_URL), so that the login,
 * refresh and token limits hold for the installation rather than per instance. The counting is
 * `@nest-lab/throttler-storage-redis` (one atomic Lua script per hit).
 *
 * While Redis cannot be reached the counters fall back to this instance's memory, with a warning:
 * a throttle outage must not become a login outage, and the lockout (in PostgreSQL) still holds.
 * Commands fail at once instead of queueing while Redis is away, so no login waits for it.
 */
export class SharedThrottlerStorage
  implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown
{
  private readonly logger = new Logger('Throttle');
  private readonly redis: Redis;
  private readonly shared: ThrottlerStorageRedisService;
  private readonly memory = new ThrottlerStorageService();
  private warnedAt = 0;

  constructor(config: { url: string; keyPrefix: string }) {
    this.redis = new Redis(config.url, {
      keyPrefix: config.keyPrefix,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 1_000,
    });
    this.redis.on('error', (error: Error) => this.warn(error));
    this.shared = new ThrottlerStorageRedisService(this.redis);
  }

  /** Connects before the first request, so that the first logins already count in Redis. */
  async onModuleInit(): Promise<void> {
    await this.redis.connect().catch((error: Error) => this.warn(error));
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<Record> {
    try {
      return await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
    } catch (error) {
      this.warn(error);
      return this.memory.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  onApplicationShutdown(): void {
    this.memory.onApplicationShutdown();
    this.redis.disconnect(false);
  }

  private warn(error: unknown): void {
    const now = Date.now();
    if (now - this.warnedAt < WARN_EVERY_MS) return;
    this.warnedAt = now;
    this.logger.warn(
      { error: error instanceof Error ? error.message : 'unknown' },
      'Redis unreachable: the throttle counts in this instance only until it is back',
    );
  }
}

/** The throttle's storage: shared in Redis when REDIS_URL is set, this instance's memory otherwise. */
export function throttlerStorage(config: RuntimeConfig): ThrottlerStorage {
  return config.redis ? new SharedThrottlerStorage(config.redis) : new ThrottlerStorageService();
}

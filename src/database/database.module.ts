import { Global, Module } from '@nestjs/common';
import './pg-types';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RefreshTokenEntity, SessionEntity } from '../auth/session.entity';
import { SecurityEventEntity } from '../auth/security-event.entity';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { UserEntity } from '../users/user.entity';
import { PeriodicJobs } from './leader';

export const ENTITIES = [UserEntity, SessionEntity, RefreshTokenEntity, SecurityEventEntity];

/**
 * The API's connection pool, as the application role. Schema changes happen only through
 * migrations run as the owner role (never `synchronize`). Also the periodic jobs' leader
 * (PeriodicJobs), for any module that schedules work.
 */
@Global()
@Module({
  imports: [
    // The periodic jobs' timers (PeriodicJobs.every) are registered with @nestjs/schedule.
    ScheduleModule.forRoot(),
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => ({
        type: 'postgres' as const,
        url: config.database.url,
        entities: ENTITIES,
        synchronize: false,
        migrationsRun: false,
        // TypeORM's logger prints failing statements with their parameters (names, notes):
        // never. Errors reach the exception filter, which logs codes and request ids only.
        logging: false,
        applicationName: 'kodoku-council-api',
        // Let the app start (and answer 503) while the database is away; reconnect on demand.
        retryAttempts: 3,
        retryDelay: 500,
        extra: {
          max: config.database.poolSize,
          connectionTimeoutMillis: 3_000,
          idleTimeoutMillis: 30_000,
          statement_timeout: 30_000,
          // current_date is the council's date, not the server's (an end date of "today" in
          // Japan must end access in Japan's today).
          options: `-c TimeZone=${config.database.timeZone}`,
        },
      }),
    }),
  ],
  providers: [PeriodicJobs],
  exports: [PeriodicJobs],
})
export class DatabaseModule {}

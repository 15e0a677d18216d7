import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../src/app.module';
import { CouncilPrincipal } from '../src/access/council-principal';
import { CreateStaffDto } from '../src/councils/dto/council.dto';
import { InvitationsService } from '../src/councils/invitations.service';
import { StaffService } from '../src/councils/staff.service';
import { configureApp } from '../src/common/http/configure-app';
import { loadConfig, RuntimeConfig } from '../src/config/app-config';
import { newSigningKey } from '../src/config/dev-secrets';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { runMigrations } from '../src/database/migrate';
import {
  APP_ROLE,
  OWNER_ROLE,
  PLATFORM_ROLE,
  postgresUrl,
  provision,
} from '../src/database/provision';

export interface BenchEnv {
  app: NestExpressApplication;
  config: RuntimeConfig;
  appUrl: string;
  superuserUrl: string;
  close(): Promise<void>;
}

/** A throwaway embedded PostgreSQL (default durability) with the app on it, like `npm start`. */
export async function benchEnv(poolSize = 10): Promise<BenchEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'kc-bench-'));
  chmodSync(dir, 0o755);
  const password = randomBytes(12).toString('hex');
  const server = await startEmbeddedPostgres({
    pgDataDir: join(dir, 'pg'),
    superuserPassword: password,
  });
  const at = { host: server.host, port: server.port };
  const superuserUrl = postgresUrl({ ...at, user: 'postgres', password, database: 'council' });
  await provision({
    adminUrl: postgresUrl({ ...at, user: 'postgres', password, database: 'postgres' }),
    database: 'council',
    ownerPassword: 'owner',
    appPassword: 'app',
    platformPassword: 'platform',
  });
  await runMigrations(
    postgresUrl({ ...at, user: OWNER_ROLE, password: 'owner', database: 'council' }),
  );
  const appUrl = postgresUrl({ ...at, user: APP_ROLE, password: 'app', database: 'council' });
  const platformUrl = postgresUrl({
    ...at,
    user: PLATFORM_ROLE,
    password: 'platform',
    database: 'council',
  });
  const base = loadConfig({
    DATABASE_URL: appUrl,
    PLATFORM_DATABASE_URL: platformUrl,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret!',
    AUDIT_SIGNING_KEY: newSigningKey(),
    MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    AUDIT_CHECKPOINT_INTERVAL_MINUTES: '0',
    STATISTICS_PUBLISH_INTERVAL_MINUTES: '0',
    AUDIT_WITNESS_DIR: join(dir, 'audit-witness'),
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: String(poolSize),
    LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
  });
  const config: RuntimeConfig = {
    ...base,
    embedded: false,
    database: { ...base.database, url: appUrl, platformUrl },
    auth: {
      ...base.auth,
      jwtSecret: base.auth.jwtSecret as string,
      mfaEncryptionKey: base.auth.mfaEncryptionKey as string,
    },
    audit: { ...base.audit, signingKey: base.audit.signingKey as string },
  };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: false,
  });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  return {
    app,
    config,
    appUrl,
    superuserUrl,
    close: async () => {
      await app.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `work` with `concurrency` workers for `seconds`; returns operations per second. */
export async function measure(
  label: string,
  concurrency: number,
  seconds: number,
  work: (worker: number, i: number) => Promise<void>,
): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; Date.now() < until; i++) {
        await work(worker, i);
        done++;
      }
    }),
  );
  const rate = done / ((Date.now() - started) / 1000);
  process.stdout.write(
    `  ${label.padEnd(58)} ${rate.toFixed(0).padStart(7)} ops/s  (${done} ops, ${concurrency} concurrent)\n`,
  );
  return rate;
}

/**
 * A staff record as the API makes one (issue 13): invited by `by`, accepted at once by the
 * invitee with a new account and `password`.
 */
export async function inviteAndAccept(
  app: NestExpressApplication,
  by: CouncilPrincipal,
  dto: CreateStaffDto,
  password: string,
): Promise<{ id: string; userId: string; email: string; role: CreateStaffDto['role'] }> {
  const record = await app.get(StaffService).create(by, dto, 'none');
  const userId = await app
    .get(InvitationsService)
    .acceptWithNewAccount(record.invitation.token!, password, dto.displayName, {
      sourceIp: null,
      requestId: 'bench',
    });
  return { id: record.id, userId, email: record.email, role: record.role };
}

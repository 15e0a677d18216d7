import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { App } from 'supertest/types';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/common/http/configure-app';
import { loadConfig, RuntimeConfig } from '../../src/config/app-config';
import { newSigningKey } from '../../src/config/dev-secrets';
import { createTestDatabase, TestDatabase } from './database';
import type { Mailbox } from './mailbox';

export interface TestApp {
  app: NestExpressApplication;
  server: App;
  db: TestDatabase;
  config: RuntimeConfig;
  /** The in-process SMTP server the app delivers to, when the test gave it one (SMTP_URL). */
  mailbox?: Mailbox;
  close(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/** TOTP secrets' encryption key in tests (32 bytes, hex). */
export const TEST_MFA_KEY = 'ab'.repeat(32);
/** The tests' key-encryption key (DATA_KEK, issue 19). */
export const TEST_DATA_KEK = 'cd'.repeat(32);

/** One Ed25519 key per test process (checkpoint signatures). */
export const TEST_SIGNING_KEY = newSigningKey();

/**
 * The real application (same modules, same HTTP configuration as main.ts) on a fresh clone of
 * the migrated template, as the application role. `env` overrides configuration variables.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  /** Lets a test route the app's connection elsewhere (e.g. through a fault-injecting proxy). */
  appUrl: (db: TestDatabase) => string = (db) => db.appUrl,
): Promise<TestApp> {
  const db = await createTestDatabase();
  const t = await startApp(db, env, appUrl(db));
  return {
    ...t,
    close: async () => {
      await t.app.close();
      await db.drop();
      rmSync(t.witnessDir, { recursive: true, force: true });
      rmSync(t.config.files.storageDir, { recursive: true, force: true });
    },
  };
}

/**
 * Another instance on the database of `first`, as behind a load balancer: its `close()` leaves
 * the database to `first`. Passport's strategies are process-global (the last app created
 * serves the token checks of all), so close every instance together, `first` last.
 */
export async function createInstanceOn(
  first: TestApp,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const t = await startApp(first.db, env, first.config.database.url);
  return {
    ...t,
    close: async () => {
      await t.app.close();
      rmSync(t.witnessDir, { recursive: true, force: true });
    },
  };
}

async function startApp(
  db: TestDatabase,
  env: Record<string, string>,
  url: string,
): Promise<Omit<TestApp, 'close'> & { witnessDir: string }> {
  // Each app's checkpoint witness in a directory of its own, removed with it; attachment files
  // in one per test database (instances of one database share it, as they would in production).
  const witnessDir = mkdtempSync(join(tmpdir(), 'kc-witness-'));
  const filesDir = join(tmpdir(), `kc-files-${db.name}`);
  const base = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    PLATFORM_DATABASE_URL: db.platformUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    AUDIT_SIGNING_KEY: TEST_SIGNING_KEY,
    MFA_ENCRYPTION_KEY: TEST_MFA_KEY,
    DATA_KEK: TEST_DATA_KEK,
    AUDIT_CHECKPOINT_INTERVAL_MINUTES: '0',
    STATISTICS_PUBLISH_INTERVAL_MINUTES: '0',
    AUDIT_WITNESS_DIR: witnessDir,
    FILE_STORAGE_DIR: filesDir,
    LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
    DB_POOL_SIZE: '5',
    ...env,
  });
  const config: RuntimeConfig = {
    ...base,
    embedded: false,
    database: { ...base.database, url, platformUrl: db.platformUrl, migrationUrl: db.ownerUrl },
    auth: {
      ...base.auth,
      jwtSecret: base.auth.jwtSecret as string,
      mfaEncryptionKey: base.auth.mfaEncryptionKey as string,
    },
    audit: { ...base.audit, signingKey: base.audit.signingKey as string },
    crypto: { ...base.crypto, kek: base.crypto.kek as string },
  };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: false,
    abortOnError: false,
  });
  configureApp(app, config);
  await app.init();
  return { app, server: app.getHttpServer() as App, db, config, witnessDir };
}

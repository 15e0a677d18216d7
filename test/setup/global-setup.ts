import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, EmbeddedServer } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import {
  hardenSchema,
  OWNER_ROLE,
  postgresUrl,
  provisionDatabase,
  provisionRoles,
  withCredentials,
  withDatabase,
} from '../../src/database/provision';
import { testInfoFile, TestServerInfo } from './test-env';

declare global {
  var __KC_EMBEDDED__: EmbeddedServer | undefined;
}

/**
 * Once per `npm test`: a PostgreSQL server (TEST_DATABASE_URL, or an embedded throwaway one),
 * the roles, and a template database migrated once. Each test file then clones the
 * template (CONVENTIONS.md example 6), so files never share state and never re-migrate.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const runId = process.env.KC_TEST_RUN_ID ?? `${process.pid}${randomBytes(2).toString('hex')}`;
  process.env.KC_TEST_RUN_ID = runId;
  const runPrefix = `kc_test_${runId}`;
  let adminUrl = process.env.TEST_DATABASE_URL;
  let embeddedDir: string | null = null;
  if (!adminUrl) {
    embeddedDir = mkdtempSync(join(tmpdir(), 'kc-pg-'));
    chmodSync(embeddedDir, 0o755); // PostgreSQL runs as its own user when we are root
    const password = randomBytes(16).toString('hex');
    process.env.KC_JEST_GLOBAL_SETUP = '1'; // see swc-transformer.js
    const server = await startEmbeddedPostgres({
      pgDataDir: join(embeddedDir, 'pg'),
      superuserPassword: password,
      fast: true,
    });
    delete process.env.KC_JEST_GLOBAL_SETUP;
    globalThis.__KC_EMBEDDED__ = server;
    adminUrl = postgresUrl({
      host: server.host,
      port: server.port,
      user: server.superuser,
      password,
      database: 'postgres',
    });
  }
  const ownerPassword = randomBytes(16).toString('hex');
  const appPassword = randomBytes(16).toString('hex');
  const platformPassword = randomBytes(16).toString('hex');
  const templateDatabase = `${runPrefix}_template`;

  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await provisionRoles(admin, ownerPassword, appPassword, platformPassword);
    await provisionDatabase(admin, templateDatabase);
  } finally {
    await admin.end();
  }
  const onTemplate = new Client({ connectionString: withDatabase(adminUrl, templateDatabase) });
  await onTemplate.connect();
  try {
    await hardenSchema(onTemplate);
  } finally {
    await onTemplate.end();
  }
  await runMigrations(
    withCredentials(withDatabase(adminUrl, templateDatabase), OWNER_ROLE, ownerPassword),
  );

  const info: TestServerInfo = {
    adminUrl,
    templateDatabase,
    ownerPassword,
    appPassword,
    platformPassword,
    runPrefix,
    embeddedDir,
  };
  writeFileSync(testInfoFile(), JSON.stringify(info), { mode: 0o600 });
  process.stdout.write(
    `\n[test db] ${embeddedDir ? 'embedded PostgreSQL' : 'TEST_DATABASE_URL'} ready, template migrated in ${Date.now() - started} ms\n`,
  );
}

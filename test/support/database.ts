import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Pool } from 'pg';
import {
  APP_ROLE,
  OWNER_ROLE,
  PLATFORM_ROLE,
  withCredentials,
  withDatabase,
} from '../../src/database/provision';
import { testInfoFile, TestServerInfo } from '../setup/test-env';

/**
 * Connection options for the tests' own pools: the session's TimeZone as the application sets it
 * on its own sessions (TIME_ZONE, Asia/Tokyo by default), so `current_date` in a test's SQL is the
 * day the application counts with — also between 15:00 and 24:00 UTC.
 */
export const SESSION_OPTIONS = `-c TimeZone=${process.env.TIME_ZONE ?? 'Asia/Tokyo'}`;

export interface TestDatabase {
  name: string;
  /** As the application role: what the API uses. */
  appUrl: string;
  /** As the platform role: may only run the aggregate functions of schema `platform`. */
  platformUrl: string;
  /** As the owner role: for assertions and for simulating a database administrator. */
  ownerUrl: string;
  adminUrl: string;
  /** The owner role: bound by row-level security too (FORCE), like the application. */
  owner: Pool;
  /** A superuser, as a database administrator would be: sees past RLS. For assertions. */
  superuser: Pool;
  drop(): Promise<void>;
}

export function testServerInfo(): TestServerInfo {
  return JSON.parse(readFileSync(testInfoFile(), 'utf8')) as TestServerInfo;
}

/** A fresh database cloned from the migrated template: one per test file, never shared. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const info = testServerInfo();
  const name = `${info.runPrefix}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: info.adminUrl });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(
          `CREATE DATABASE "${name}" TEMPLATE "${info.templateDatabase}" OWNER ${OWNER_ROLE}`,
        );
        break;
      } catch (error) {
        // Two files cloning at the same instant can collide on the template; retry briefly.
        if (
          attempt >= 20 ||
          !String((error as Error).message).includes('being accessed by other users')
        )
          throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
    await admin.query(`REVOKE ALL ON DATABASE "${name}" FROM PUBLIC`);
    // As provisionDatabase does: connect, nothing more (no TEMPORARY).
    await admin.query(
      `GRANT CONNECT ON DATABASE "${name}" TO ${OWNER_ROLE}, ${APP_ROLE}, ${PLATFORM_ROLE}`,
    );
  } finally {
    await admin.end();
  }
  const base = withDatabase(info.adminUrl, name);
  const ownerUrl = withCredentials(base, OWNER_ROLE, info.ownerPassword);
  // The tests' own SQL counts days as the application does (TIME_ZONE, Asia/Tokyo by default):
  // `current_date` in a test must be the council's day, or a test run between 15:00 and 24:00
  // UTC sees yesterday (issue 18: dates that mean a day in Japan).
  const options = SESSION_OPTIONS;
  const owner = new Pool({ connectionString: ownerUrl, max: 3, options });
  const superuser = new Pool({ connectionString: base, max: 3, options });
  // drop() ends the pools, then DROP … WITH (FORCE): on a busy machine a client still closing
  // gets 57P01 (terminated by administrator) from the FORCE, which a pool without an 'error'
  // listener raises as an unhandled error and fails whichever test is running. Harmless here.
  for (const pool of [owner, superuser]) pool.on('error', () => undefined);
  return {
    name,
    appUrl: withCredentials(base, APP_ROLE, info.appPassword),
    platformUrl: withCredentials(base, PLATFORM_ROLE, info.platformPassword),
    ownerUrl,
    adminUrl: base,
    owner,
    superuser,
    drop: async () => {
      await owner.end();
      await superuser.end();
      const dropper = new Client({ connectionString: info.adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

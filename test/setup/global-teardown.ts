import { readFileSync, rmSync, unlinkSync } from 'node:fs';
import { Client } from 'pg';
import { testInfoFile, TestServerInfo } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const info = JSON.parse(readFileSync(testInfoFile(), 'utf8')) as TestServerInfo;
  const server = globalThis.__KC_EMBEDDED__;
  if (server) {
    await server.stop();
    if (info.embeddedDir) rmSync(info.embeddedDir, { recursive: true, force: true });
  } else {
    // A shared server (TEST_DATABASE_URL): drop exactly the databases this run created.
    const admin = new Client({ connectionString: info.adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`${info.runPrefix}%`],
      );
      for (const { datname } of rows)
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
  unlinkSync(testInfoFile());
}

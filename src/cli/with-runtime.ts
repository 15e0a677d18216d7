import { loadConfig } from '../config/app-config';
import { resolveRuntime, Runtime } from '../database/runtime';

export type Print = (line: string) => void;

/** The database the CLI works on: DATABASE_URL, or the embedded one (started if not running). */
export async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await resolveRuntime(loadConfig(), () => undefined);
  try {
    if (runtime.config.embedded && runtime.config.database.migrationUrl) {
      // Loaded only here: the migration runner brings TypeORM, which a DATABASE_URL verification
      // (audit:verify) has no use for.
      type Migrate = typeof import('../database/migrate');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const migrate = require('../database/migrate') as Migrate;
      const { runMigrations } = migrate;
      await runMigrations(runtime.config.database.migrationUrl);
    }
    return await work(runtime);
  } finally {
    await runtime.stopDatabase();
  }
}

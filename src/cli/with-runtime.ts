import { loadConfig } from '../config/app-config';
import { runMigrations } from '../database/migrate';
import { resolveRuntime, Runtime } from '../database/runtime';

export type Print = (line: string) => void;

/** The database the CLI works on: DATABASE_URL, or the embedded one (started if not running). */
export async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await resolveRuntime(loadConfig(), () => undefined);
  try {
    if (runtime.config.embedded && runtime.config.database.migrationUrl) {
      await runMigrations(runtime.config.database.migrationUrl);
    }
    return await work(runtime);
  } finally {
    await runtime.stopDatabase();
  }
}

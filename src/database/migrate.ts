import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';

export const MIGRATIONS_TABLE = 'typeorm_migrations';

/** Applies pending migrations as the owner role. Returns the names of those applied. */
/** Any constant: instances migrating at the same moment (MIGRATE_ON_START) take turns. */
const MIGRATION_LOCK_KEY = 7_212_026;

export async function runMigrations(ownerUrl: string): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: ownerUrl,
    migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    logging: false,
  });
  const lock = new Client({ connectionString: ownerUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.end(); // ending the session releases the advisory lock
  }
}

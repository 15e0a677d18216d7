import { join, resolve } from 'node:path';
import { AppConfig, RuntimeConfig } from '../config/app-config';
import { loadOrCreateDevSecrets } from '../config/dev-secrets';
import { startEmbeddedPostgres } from './embedded-postgres';
import { APP_ROLE, OWNER_ROLE, PLATFORM_ROLE, postgresUrl, provision } from './provision';

export const EMBEDDED_DATABASE = 'council';

export interface Runtime {
  config: RuntimeConfig;
  /** Stops the embedded cluster if this process started it; a no-op otherwise. */
  stopDatabase(): Promise<void>;
}

/**
 * Decides where the data lives. With DATABASE_URL: that server, as given. Without: a real
 * PostgreSQL from `embedded-postgres` under DATA_DIR, provisioned with the owner and app
 * roles, migrated on start, with development secrets generated beside it.
 */
export async function resolveRuntime(
  config: AppConfig,
  log: (line: string) => void,
): Promise<Runtime> {
  if (config.database.url) {
    return {
      config: {
        ...config,
        embedded: false,
        database: {
          ...config.database,
          url: config.database.url,
          platformUrl: config.database.platformUrl as string, // required with DATABASE_URL
        },
        auth: {
          ...config.auth,
          jwtSecret: config.auth.jwtSecret as string,
          mfaEncryptionKey: config.auth.mfaEncryptionKey as string, // required with DATABASE_URL
        },
        audit: { ...config.audit, signingKey: config.audit.signingKey as string },
        crypto: { ...config.crypto, kek: config.crypto.kek as string }, // required with DATABASE_URL
      },
      stopDatabase: async () => undefined,
    };
  }
  const dataDir = resolve(config.dataDir);
  const secrets = loadOrCreateDevSecrets(dataDir);
  const server = await startEmbeddedPostgres({
    pgDataDir: join(dataDir, 'pg'),
    superuserPassword: secrets.superuserPassword,
    log,
  });
  const at = { host: server.host, port: server.port };
  await provision({
    adminUrl: postgresUrl({
      ...at,
      user: server.superuser,
      password: secrets.superuserPassword,
      database: 'postgres',
    }),
    database: EMBEDDED_DATABASE,
    ownerPassword: secrets.ownerPassword,
    appPassword: secrets.appPassword,
    platformPassword: secrets.platformPassword,
  });
  return {
    config: {
      ...config,
      embedded: true,
      dataDir,
      database: {
        ...config.database,
        url: postgresUrl({
          ...at,
          user: APP_ROLE,
          password: secrets.appPassword,
          database: EMBEDDED_DATABASE,
        }),
        platformUrl: postgresUrl({
          ...at,
          user: PLATFORM_ROLE,
          password: secrets.platformPassword,
          database: EMBEDDED_DATABASE,
        }),
        migrationUrl: postgresUrl({
          ...at,
          user: OWNER_ROLE,
          password: secrets.ownerPassword,
          database: EMBEDDED_DATABASE,
        }),
        migrateOnStart: true,
      },
      auth: {
        ...config.auth,
        jwtSecret: config.auth.jwtSecret ?? secrets.jwtSecret,
        mfaEncryptionKey: config.auth.mfaEncryptionKey ?? secrets.mfaEncryptionKey,
      },
      audit: { ...config.audit, signingKey: config.audit.signingKey ?? secrets.auditSigningKey },
      crypto: { ...config.crypto, kek: config.crypto.kek ?? secrets.dataKek },
    },
    stopDatabase: () => server.stop(),
  };
}

import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config/app-config';
import { runMigrations } from '../database/migrate';
import {
  APP_ROLE,
  OWNER_ROLE,
  PLATFORM_ROLE,
  provision,
  withCredentials,
  withDatabase,
} from '../database/provision';
import { StatisticsPublicationService } from '../statistics/statistics-publication.service';
import { CouncilRecoveryService } from '../councils/council-recovery.service';
import { UsersService } from '../users/users.service';
import { CliModule } from './cli.module';
import { KekRotationService } from '../crypto/kek-rotation.service';
import { LegacySealService } from '../crypto/legacy-seal.service';

import { Print, withRuntime } from './with-runtime';

export type { Print };
export { withRuntime };

export async function createAdmin(
  email: string | undefined,
  password: string | undefined,
  out: Print,
): Promise<void> {
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email))
    throw new Error('create-admin needs --email <address>');
  if (password !== undefined && password.length < 12)
    throw new Error('--password must be at least 12 characters');
  await withRuntime(async (runtime) => {
    const ctx = await NestFactory.createApplicationContext(CliModule.forRoot(runtime.config), {
      logger: false,
    });
    try {
      const result = await ctx
        .get(UsersService)
        .ensureSystemAdmin(email, password ?? null, runtime.config.database.migrationUrl);
      out(
        `${result.created ? 'created' : 'promoted'} system admin ${result.user.email} (${result.user.id})`,
      );
      if (result.created && !password) out(`password (shown once): ${result.password}`);
      if (result.password) out('the first sign-in must change this password');
    } finally {
      await ctx.close();
    }
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `council:recover`: a council that lost every coordinator gets a new one by invitation, written
 * into its log as `council.recovered` (issue 13). Run by an operator with database access; no
 * API offers it.
 */
export async function councilRecover(
  args: { council?: string; email?: string; name?: string; memberBody?: string },
  out: Print,
): Promise<void> {
  if (!args.council || !UUID.test(args.council))
    throw new Error('council:recover needs --council <council id>');
  if (!args.email || !/^[^\s@]+@[^\s@]+$/.test(args.email))
    throw new Error('council:recover needs --email <new coordinator>');
  if (args.memberBody !== undefined && !UUID.test(args.memberBody))
    throw new Error('--member-body must be a member body id');
  await withRuntime(async (runtime) => {
    const ctx = await NestFactory.createApplicationContext(CliModule.forRoot(runtime.config), {
      logger: false,
    });
    try {
      const result = await ctx.get(CouncilRecoveryService).recover({
        councilId: args.council!.toLowerCase(),
        email: args.email!,
        displayName: args.name?.trim() || 'Coordinator',
        memberBodyId: args.memberBody?.toLowerCase() ?? null,
      });
      out(
        `council ${args.council}: invited ${args.email} as coordinator (staff ${result.staffId}, member body ${result.memberBodyId}); recorded as council.recovered`,
      );
      out(`the invitation expires at ${result.invitation.expiresAt}`);
      out(
        result.invitation.url
          ? `invitation link (hand it to the new coordinator): ${result.invitation.url}`
          : 'the invitation link was sent by mail',
      );
    } finally {
      await ctx.close();
    }
  });
}

export async function migrate(out: Print): Promise<void> {
  // Migrations need only the owner's connection; the API's own settings are not required.
  const migrationUrl = process.env.MIGRATION_DATABASE_URL;
  if (migrationUrl) {
    const applied = await runMigrations(migrationUrl);
    out(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
    return;
  }
  if (process.env.DATABASE_URL) {
    throw new ConfigError(['MIGRATION_DATABASE_URL: required to run migrations (the owner role)']);
  }
  await withRuntime(async () => out('embedded database migrated'));
}

export async function dbProvision(
  adminUrl: string | undefined,
  database: string,
  out: Print,
): Promise<void> {
  if (!adminUrl) throw new Error('db:provision needs --admin-url postgres://admin@host/postgres');
  const ownerPassword = process.env.OWNER_PASSWORD || randomBytes(24).toString('base64url');
  const appPassword = process.env.APP_PASSWORD || randomBytes(24).toString('base64url');
  const platformPassword = process.env.PLATFORM_PASSWORD || randomBytes(24).toString('base64url');
  await provision({ adminUrl, database, ownerPassword, appPassword, platformPassword });
  const base = withDatabase(adminUrl, database);
  out(`MIGRATION_DATABASE_URL=${withCredentials(base, OWNER_ROLE, ownerPassword)}`);
  out(`DATABASE_URL=${withCredentials(base, APP_ROLE, appPassword)}`);
  out(`PLATFORM_DATABASE_URL=${withCredentials(base, PLATFORM_ROLE, platformPassword)}`);
}

/**
 * `statistics:publish --council <id> --period <p>`: publishes every month of a closed period now
 * (the scheduled job waits STATISTICS_PUBLISH_DELAY_DAYS), each recorded as statistics.publish.
 * A month a coordinator holds is refused; an already published month is left as it is.
 * Returns false when any month was held (the CLI exits 3).
 */
export async function statisticsPublish(
  councilId: string | undefined,
  period: string | undefined,
  out: Print,
): Promise<boolean> {
  if (
    !councilId ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(councilId)
  )
    throw new Error('statistics:publish needs --council <uuid>');
  if (!period) throw new Error('statistics:publish needs --period YYYY-MM|YYYY-Qn|FYYYYY');
  return withRuntime(async (runtime) => {
    const ctx = await NestFactory.createApplicationContext(CliModule.forRoot(runtime.config), {
      logger: false,
    });
    try {
      const results = await ctx
        .get(StatisticsPublicationService)
        .publishPeriod(councilId.toLowerCase(), period);
      for (const r of results) out(`${r.month} ${r.outcome}`);
      return results.every((r) => r.outcome !== 'held');
    } finally {
      await ctx.close();
    }
  });
}

export { auditVerify } from './audit-verify';

/**
 * `kek:rotate`: re-wraps every council's data keys under the current DATA_KEK (issue 19). Run it
 * with the new key as DATA_KEK and the old one(s) in DATA_KEK_PREVIOUS; afterwards the old keys
 * are no longer needed. Each council's re-wrap is recorded as `data_keys.rewrap`.
 */
export async function kekRotate(out: Print): Promise<void> {
  await withRuntime(async (runtime) => {
    const ctx = await NestFactory.createApplicationContext(CliModule.forRoot(runtime.config), {
      logger: false,
    });
    try {
      const result = await ctx.get(KekRotationService).rotate();
      const total = result.councils.reduce((n, c) => n + c.rewrapped, 0);
      for (const c of result.councils)
        if (c.rewrapped) out(`council ${c.councilId}: ${c.rewrapped} data keys re-wrapped`);
      out(`${total} data keys re-wrapped under KEK ${result.kekId}; every live key now uses it`);
    } finally {
      await ctx.close();
    }
  });
}

/**
 * `data:seal` (issue 19): seals, council by council, what was stored plain before envelope
 * encryption, and removes the stored files of disposed cases. Each batch is recorded in its
 * council's audit log as `data.seal`. Run once after upgrading; running it again does nothing.
 */
export async function dataSeal(out: Print): Promise<void> {
  await withRuntime(async (runtime) => {
    const ctx = await NestFactory.createApplicationContext(CliModule.forRoot(runtime.config), {
      logger: false,
    });
    try {
      const result = await ctx.get(LegacySealService).sealAll();
      let total = 0;
      for (const c of result.councils) {
        const fields = Object.entries(c.sealed);
        total += fields.reduce((n, [, k]) => n + k, 0);
        if (fields.length)
          out(`council ${c.councilId}: sealed ${fields.map(([f, k]) => `${f}=${k}`).join(' ')}`);
        if (c.filesRemoved)
          out(
            `council ${c.councilId}: ${c.filesRemoved} files of disposed cases gone from the storage`,
          );
      }
      out(`${total} values sealed; nothing plain is left of what the features seal`);
    } finally {
      await ctx.close();
    }
  });
}

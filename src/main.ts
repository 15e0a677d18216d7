import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { MetricsServer } from './metrics/metrics';
import { configureApp } from './common/http/configure-app';
import { drainAndClose } from './common/http/graceful-shutdown';
import { ConfigError, loadConfig } from './config/app-config';
import { EmbeddedPostgresMissing } from './database/embedded-postgres';
import { runMigrations } from './database/migrate';
import { assertLeastPrivilege, assertPlatformBoundary } from './database/role-check';
import { resolveRuntime } from './database/runtime';
import { DEMO_LOGINS, DEMO_PASSWORD, DemoSeeder } from './seed/demo-seed';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function bootstrap(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const runtime = await resolveRuntime(config, (line) => {
    if (config.log.level === 'debug' || config.log.level === 'trace') say(`[postgres] ${line}`);
  });
  let stopping = false;
  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      await runtime.stopDatabase().catch(() => undefined);
    }
    process.exit(code);
  };

  try {
    const { database } = runtime.config;
    if (database.migrateOnStart) {
      if (!database.migrationUrl) {
        throw new ConfigError([
          'MIGRATION_DATABASE_URL: required when MIGRATE_ON_START=true (migrations run as the owner role)',
        ]);
      }
      const applied = await runMigrations(database.migrationUrl);
      if (applied.length) say(`applied migrations: ${applied.join(', ')}`);
    }
    await assertLeastPrivilege(database.url);
    await assertPlatformBoundary(database.platformUrl);

    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot(runtime.config),
      {
        bufferLogs: true,
        bodyParser: false,
      },
    );
    configureApp(app, runtime.config);
    const seeded = runtime.config.embedded ? await app.get(DemoSeeder).seedIfEmpty() : false;
    await app.listen(runtime.config.http.port, runtime.config.http.host);

    // SIGTERM (an orchestrator, a rolling restart) drains first: not ready, still serving, so
    // the load balancer stops sending requests before the server stops accepting them. SIGINT
    // (Ctrl-C at a terminal) does not wait.
    const shutdown = async (signal: string): Promise<void> => {
      const drainMs = signal === 'SIGTERM' ? runtime.config.http.shutdownDrainMs : 0;
      say(
        `${signal} received: ${drainMs ? `not ready, draining for ${drainMs} ms, then ` : ''}closing the server${runtime.config.embedded ? ' and the embedded database' : ''}`,
      );
      await drainAndClose(app, () => new Promise((r) => setTimeout(r, drainMs))).catch(
        () => undefined,
      );
      await stop(0);
    };
    // Handled once; a repeated signal is ignored rather than killing the process mid-shutdown
    // (Ctrl-C under `npm start` delivers SIGINT twice: from the terminal and forwarded by npm),
    // which would leave the embedded PostgreSQL running.
    let signalled = false;
    const onSignal = (signal: string) => () => {
      if (signalled) return;
      signalled = true;
      void shutdown(signal);
    };
    process.on('SIGINT', onSignal('SIGINT'));
    process.on('SIGTERM', onSignal('SIGTERM'));

    const url = (await app.getUrl())
      .replace('[::1]', 'localhost')
      .replace('127.0.0.1', 'localhost');
    say('');
    say(`  Council case coordination API  ${url}/api   (ready in ${Date.now() - started} ms)`);
    say(`  Swagger UI                     ${url}/api/docs`);
    say(`  Health                         ${url}/api/health  (…/ready, …/live)`);
    const metricsUrl = app.get(MetricsServer).url;
    if (metricsUrl) say(`  Metrics (Prometheus)           ${metricsUrl}`);
    if (runtime.config.embedded) {
      say(
        `  Database                       embedded PostgreSQL, data in ${runtime.config.dataDir}${seeded ? ' (demo council seeded)' : ''}`,
      );
      say('');
      say(
        `  Demo logins (password "${DEMO_PASSWORD}") — fictional council 桜ヶ丘市孤独・孤立対策地域協議会:`,
      );
      for (const login of DEMO_LOGINS)
        say(`    ${login.email.padEnd(28)} ${login.role.padEnd(13)} ${login.note}`);
    }
    say('');
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    await stop(1);
  }
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError || error instanceof EmbeddedPostgresMissing ? error.message : error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});

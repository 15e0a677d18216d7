/**
 * Writes openapi/openapi.json, the committed contract (issue 16; docs/api.md). The application
 * is built in Nest's preview mode: modules and controllers are scanned, no provider is
 * instantiated, so no database is needed. Run after changing a route or a DTO: `npm run openapi`.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../src/app.module';
import { API_PREFIX } from '../src/common/http/configure-app';
import { buildOpenApiDocument } from '../src/common/http/openapi';
import { loadConfig, RuntimeConfig } from '../src/config/app-config';
import { newSigningKey } from '../src/config/dev-secrets';

const UNUSED = 'postgres://unused@127.0.0.1:1/unused';

async function main(): Promise<void> {
  const base = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: UNUSED,
    PLATFORM_DATABASE_URL: UNUSED,
    JWT_SECRET: 'x'.repeat(48),
    MFA_ENCRYPTION_KEY: 'ab'.repeat(32),
    AUDIT_SIGNING_KEY: newSigningKey(),
    DATA_KEK: Buffer.alloc(32, 1).toString('base64'),
  });
  // Never used to connect or sign: preview mode instantiates nothing.
  const config: RuntimeConfig = {
    ...base,
    embedded: false,
    database: { ...base.database, url: UNUSED, platformUrl: UNUSED },
    auth: { ...base.auth, jwtSecret: 'x'.repeat(48), mfaEncryptionKey: 'ab'.repeat(32) },
    audit: { ...base.audit, signingKey: base.audit.signingKey as string },
    crypto: { ...base.crypto, kek: base.crypto.kek as string },
  };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix(API_PREFIX);
  const document = buildOpenApiDocument(app);
  const file = join(__dirname, '..', '..', 'openapi', 'openapi.json');
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`openapi/openapi.json: ${Object.keys(document.paths).length} paths\n`);
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

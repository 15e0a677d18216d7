import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Secrets for embedded/demo mode. Generated once, kept under DATA_DIR (git-ignored), never committed. */
export interface DevSecrets {
  superuserPassword: string;
  ownerPassword: string;
  appPassword: string;
  jwtSecret: string;
}

const secret = (): string => randomBytes(32).toString('base64url');

export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    if (
      stored.superuserPassword &&
      stored.ownerPassword &&
      stored.appPassword &&
      stored.jwtSecret
    ) {
      return stored as DevSecrets;
    }
  }
  const fresh: DevSecrets = {
    superuserPassword: secret(),
    ownerPassword: secret(),
    appPassword: secret(),
    jwtSecret: secret(),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  return fresh;
}

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Secrets for embedded/demo mode. Generated once, kept under DATA_DIR (git-ignored), never committed. */
export interface DevSecrets {
  superuserPassword: string;
  ownerPassword: string;
  appPassword: string;
  /** The platform role (DESIGN.md §3.6); added later, so older secrets files lack it. */
  platformPassword: string;
  jwtSecret: string;
  /** Ed25519 private key (PKCS#8 PEM) signing audit checkpoints in demo mode. */
  auditSigningKey: string;
  /** AES-256-GCM key for TOTP secrets (base64 of 32 bytes); added later, like the platform one. */
  mfaEncryptionKey: string;
  /** The KEK wrapping case data keys (issue 19; base64 of 32 bytes); added later too. */
  dataKek: string;
}

const secret = (): string => randomBytes(32).toString('base64url');

export const newSigningKey = (): string =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Loads the secrets, generating any that are missing (older data directories lack newer ones). */
export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'secrets.json');
  const stored: Partial<DevSecrets> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>)
    : {};
  const complete: DevSecrets = {
    superuserPassword: stored.superuserPassword ?? secret(),
    ownerPassword: stored.ownerPassword ?? secret(),
    appPassword: stored.appPassword ?? secret(),
    platformPassword: stored.platformPassword ?? secret(),
    jwtSecret: stored.jwtSecret ?? secret(),
    auditSigningKey: stored.auditSigningKey ?? newSigningKey(),
    mfaEncryptionKey: stored.mfaEncryptionKey ?? randomBytes(32).toString('base64'),
    dataKek: stored.dataKek ?? randomBytes(32).toString('base64'),
  };
  if (Object.keys(stored).length !== Object.keys(complete).length) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(complete, null, 2), { mode: 0o600 });
  }
  return complete;
}

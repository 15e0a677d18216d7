import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { APP_CONFIG, mfaKeyFrom, RuntimeConfig } from '../config/app-config';

/** Format version of a sealed secret (first byte), so the scheme can change later. */
const V1 = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts TOTP secrets at rest (AES-256-GCM, node:crypto) with MFA_ENCRYPTION_KEY. The owner
 * (a user id) is authenticated as associated data, so a sealed secret copied onto another
 * user's row does not open. A stolen database backup alone yields no second factors.
 */
@Injectable()
export class SecretBox {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: RuntimeConfig) {
    this.key = mfaKeyFrom(config.auth.mfaEncryptionKey);
  }

  seal(plaintext: string, owner: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([V1]), iv, cipher.getAuthTag(), body]);
  }

  /** Throws if the sealed value was altered, belongs to someone else or the key is wrong. */
  open(sealed: Buffer, owner: string): string {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== V1)
      throw new Error('not a sealed secret');
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(owner, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([
      decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }
}

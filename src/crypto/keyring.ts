import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { kekFrom } from '../config/app-config';

/** Format version of everything sealed here (first byte), so the scheme can change later. */
const V1 = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Length of a KEK id: the first 8 bytes of SHA-256 over the key, in hex. */
export const KEK_ID_LENGTH = 16;

/** AES-256-GCM with `aad` authenticated: version ‖ iv ‖ tag ‖ ciphertext. */
export function gcmSeal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([V1]), iv, cipher.getAuthTag(), body]);
}

/** Throws when the value was altered, sealed for another `aad`, or under another key. */
export function gcmOpen(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== V1)
    throw new Error('not a sealed value');
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([
    decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]);
}

/** A KEK's public name: stored beside every data key it wraps, never the key itself. */
export const kekIdOf = (key: Buffer): string =>
  createHash('sha256').update('kodoku-kek-id\0').update(key).digest('hex').slice(0, KEK_ID_LENGTH);

/**
 * The key-encryption keys this process holds (issue 19, docs/security.md): the current one,
 * which wraps every new data key, and earlier ones, which only unwrap until `kek:rotate` has
 * re-wrapped their data keys. Keys live in memory only; the database holds their ids.
 */
export class Keyring {
  readonly currentId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(current: string, previous: readonly string[] = []) {
    const key = kekFrom(current);
    this.currentId = kekIdOf(key);
    this.keys.set(this.currentId, key);
    for (const p of previous) {
      const k = kekFrom(p);
      if (!this.keys.has(kekIdOf(k))) this.keys.set(kekIdOf(k), k);
    }
  }

  /** Wraps a data key under the current KEK, bound to what it belongs to. */
  wrap(dataKey: Buffer, owner: string): { kekId: string; wrapped: Buffer } {
    return {
      kekId: this.currentId,
      wrapped: gcmSeal(this.keys.get(this.currentId)!, dataKey, owner),
    };
  }

  /** Unwraps a data key; throws when its KEK is not configured (any more) or it was moved. */
  unwrap(kekId: string, wrapped: Buffer, owner: string): Buffer {
    const key = this.keys.get(kekId);
    if (!key) throw new Error(`data key wrapped by KEK ${kekId}, which is not configured`);
    return gcmOpen(key, wrapped, owner);
  }

  has(kekId: string): boolean {
    return this.keys.has(kekId);
  }
}

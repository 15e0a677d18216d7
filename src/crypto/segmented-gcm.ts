import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

/**
 * Streaming authenticated encryption of file contents (attachments, issue 19): AES-256-GCM over
 * fixed-size segments, the construction of Tink's AES-GCM-HKDF streaming AEAD and of Hoang,
 * Reyhanitabar, Rogaway and Vizár's "online AE" (STREAM). One GCM over a whole file would put the
 * tag at the end, so a download could only be checked after its last byte had left; segments are
 * checked one by one, before any of their bytes are released.
 *
 * Layout: version (1 byte) ‖ salt (32 random bytes) ‖ segment₀ ‖ segment₁ ‖ … where each
 * segment is the GCM ciphertext of up to SEGMENT bytes followed by its 16-byte tag.
 * - Each file has its own key, HKDF-SHA-256(data key, salt, info = owner/field): the salt makes it
 *   unique per file (so the deterministic nonces below never repeat under one key), the info binds
 *   it to its owner (council/case) and field (which attachment): a file copied onto another case,
 *   or swapped for another file of the same case in the storage, does not open.
 * - Nonce of segment i: i as a 64-bit big-endian counter ‖ 1 if it is the last segment, else 0.
 *   Reordered, dropped or duplicated segments fail their tag; a file cut at a segment boundary
 *   fails because its new last segment was not sealed as the last.
 */
const VERSION = 1;
const SALT_BYTES = 32;
const HEADER_BYTES = 1 + SALT_BYTES;
const TAG_BYTES = 16;
/** Plaintext bytes per segment: 64 KiB, as Tink's default (0.02 % tag overhead). */
export const SEGMENT = 64 * 1024;

function fileKey(dataKey: Buffer, salt: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, salt, Buffer.from(info, 'utf8'), 32));
}

function nonce(index: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 3);
  n[11] = last ? 1 : 0;
  return n;
}

/** The size a file of `plain` bytes has once sealed. */
export const sealedSize = (plain: number): number =>
  HEADER_BYTES + plain + TAG_BYTES * Math.max(1, Math.ceil(plain / SEGMENT));

/** Seals what passes through; the output is the layout above. */
export class SealSegments extends Transform {
  private readonly key: Buffer;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;

  constructor(dataKey: Buffer, info: string) {
    super();
    const salt = randomBytes(SALT_BYTES);
    this.key = fileKey(dataKey, salt, info);
    this.push(Buffer.concat([Buffer.from([VERSION]), salt]));
  }

  private segment(plain: Buffer, last: boolean): Buffer {
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce(this.index++, last));
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    // Strictly more than a segment: the last segment is only known at the end, so one is kept.
    if (this.pendingBytes > SEGMENT) {
      let all = Buffer.concat(this.pending);
      while (all.length > SEGMENT) {
        this.push(this.segment(all.subarray(0, SEGMENT), false));
        all = all.subarray(SEGMENT);
      }
      this.pending = [all];
      this.pendingBytes = all.length;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.push(this.segment(Buffer.concat(this.pending), true));
    done();
  }
}

/** Opens a sealed file as it passes; errors (releasing nothing of it) if a segment was altered. */
export class OpenSegments extends Transform {
  private key: Buffer | null = null;
  private buffered = Buffer.alloc(0);
  private index = 0;

  constructor(
    private readonly dataKey: Buffer,
    private readonly info: string,
  ) {
    super();
  }

  private segment(sealed: Buffer, last: boolean): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.key!, nonce(this.index++, last));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    try {
      if (!this.key) {
        if (this.buffered.length < HEADER_BYTES) return done();
        if (this.buffered[0] !== VERSION) throw new Error('not a sealed file');
        this.key = fileKey(this.dataKey, this.buffered.subarray(1, HEADER_BYTES), this.info);
        this.buffered = this.buffered.subarray(HEADER_BYTES);
      }
      const size = SEGMENT + TAG_BYTES;
      while (this.buffered.length > size) {
        this.push(this.segment(this.buffered.subarray(0, size), false));
        this.buffered = this.buffered.subarray(size);
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (!this.key || this.buffered.length < TAG_BYTES) throw new Error('sealed file truncated');
      this.push(this.segment(this.buffered, true));
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

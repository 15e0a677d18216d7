import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import type { FilesConfig } from '../config/app-config';

/**
 * Where attachment bytes live: the one seam between the attachment use cases and the bytes.
 * Keys are opaque (`<councilId>/<uuid>`, chosen by the server, never from a file name).
 * Backends: `DirectoryStorage` below (FILE_STORAGE=directory) and `S3Storage` (s3-storage.ts,
 * FILE_STORAGE=s3), chosen once by `createFileStorage`.
 *
 * What reaches a storage is already sealed (issue 19): AttachmentsService encrypts the bytes
 * under the case's (or meeting's) data key as they stream in and decrypts them on download, after
 * the access check — the key is unwrapped inside the caller's council transaction, which a
 * storage has no part in. A storage therefore only ever holds ciphertext (docs/security.md).
 */
export interface FileStorage {
  /** Stores the stream under `key`; visible under the key only once complete. */
  write(key: string, body: Readable): Promise<void>;
  /** The stored bytes (rejects if there are none). */
  read(key: string): Promise<Readable>;
  /** Removes what `write` left (a refused or rolled-back upload); no error if absent. */
  remove(key: string): Promise<void>;
}

export const FILE_STORAGE = Symbol('FILE_STORAGE');

/**
 * `read` found no bytes under the key, whichever backend: the record outlived its file (a
 * restore without the files, a hand-made deletion). Carries Node's `ENOENT` code so callers can
 * test one thing. The message names the key only: ids, never personal data.
 */
export class StoredFileMissingError extends Error {
  readonly code = 'ENOENT';
  constructor(readonly key: string) {
    super(`No stored file under ${key}`);
    this.name = 'StoredFileMissingError';
  }
}

/** Keys are `<councilId>/<attachmentId>`: two UUIDs, nothing a person wrote (no file names). */
export const STORAGE_KEY = /^[0-9a-f-]{36}\/[0-9a-f-]{36}$/;
const KEY = STORAGE_KEY;

/** The storage an installation uses: a directory (FILE_STORAGE_DIR) or S3 (FILE_STORAGE=s3). */
export const fileStorageProvider = {
  provide: FILE_STORAGE,
  inject: [APP_CONFIG],
  useFactory: (config: RuntimeConfig): Promise<FileStorage> => createFileStorage(config.files),
};

/**
 * The field a file's sealed content is bound to (src/crypto/segmented-gcm.ts): which attachment,
 * so a file swapped for another in the storage does not open.
 */
export const attachmentContentField = (attachmentId: string): string =>
  `attachments.content/${attachmentId}`;

/** The default storage: one file per key under a directory (FILE_STORAGE_DIR). */
export class DirectoryStorage implements FileStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    // Keys are server-made, but a path outside the root must be impossible whatever happens.
    if (!KEY.test(key)) throw new Error('Invalid storage key');
    const path = resolve(join(this.root, key));
    if (!path.startsWith(this.root + sep)) throw new Error('Invalid storage key');
    return path;
  }

  async write(key: string, body: Readable): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const partial = `${path}.part`;
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx', mode: 0o600, flush: true }));
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async read(key: string): Promise<Readable> {
    const stream = createReadStream(this.path(key));
    await new Promise<void>((ok, fail) => {
      stream.once('open', () => ok());
      stream.once('error', (error: NodeJS.ErrnoException) =>
        fail(error.code === 'ENOENT' ? new StoredFileMissingError(key) : error),
      );
    });
    return stream;
  }

  async remove(key: string): Promise<void> {
    const path = this.path(key);
    await rm(path, { force: true });
    await rm(`${path}.part`, { force: true });
  }
}

/** Where the bytes go, as configured (FILE_STORAGE): a directory, or an S3-compatible bucket. */
export async function createFileStorage(files: FilesConfig): Promise<FileStorage> {
  if (files.s3) {
    // Loaded only when chosen: the AWS SDK is large and directory installations never need it.
    type S3Module = typeof import('./s3-storage');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, as above
    const { S3Storage } = require('./s3-storage') as S3Module;
    const storage = S3Storage.fromConfig(files.s3);
    await storage.checkCredentials();
    return storage;
  }
  return new DirectoryStorage(files.storageDir);
}

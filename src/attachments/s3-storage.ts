import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  NotFound,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Config } from '../config/app-config';
import { FileStorage, STORAGE_KEY, StoredFileMissingError } from './file-storage';

/**
 * Parts of a multipart upload: S3's minimum. With `QUEUE_SIZE` parts in flight an upload holds
 * at most 10 MiB in memory whatever the file's size (lib-storage buffers one part at a time and
 * sends a file smaller than one part as a single PutObject).
 */
const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;

/**
 * Attachment bytes in an S3-compatible bucket (FILE_STORAGE=s3; AWS S3, MinIO, Ceph RGW…),
 * through AWS SDK v3. Uploads stream through `@aws-sdk/lib-storage` (multipart above one part,
 * aborted on error so no parts are left behind); downloads stream the object's body. The object
 * key is `<S3_KEY_PREFIX><councilId>/<attachmentId>`: ids only, never a file name or anything
 * else a person wrote, so the bucket's listings, access logs and inventory hold no personal data.
 * Credentials come from the SDK's default chain (environment, profile, web identity, instance or
 * task role); none are configured here.
 */
export class S3Storage implements FileStorage {
  /** Uploads still streaming, so that `remove` can abort one (a refused upload). */
  private readonly inFlight = new Map<string, { upload: Upload; settled: Promise<unknown> }>();

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix = '',
  ) {}

  static fromConfig(s3: S3Config): S3Storage {
    const client = new S3Client({
      region: s3.region,
      ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
      forcePathStyle: s3.forcePathStyle,
    });
    return new S3Storage(client, s3.bucket, s3.keyPrefix);
  }

  /**
   * Fails at boot, with a sentence, when the SDK's default chain finds no credentials: otherwise
   * the first upload would be the first to notice.
   */
  async checkCredentials(): Promise<void> {
    try {
      await this.client.config.credentials();
    } catch (error) {
      throw new Error(
        `FILE_STORAGE=s3: the AWS SDK found no credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or use a web identity / instance role): ${(error as Error).message}`,
      );
    }
  }

  private objectKey(key: string): string {
    // Keys are server-made; anything else (a path, a name) must never reach the bucket.
    if (!STORAGE_KEY.test(key)) throw new Error('Invalid storage key');
    return `${this.prefix}${key}`;
  }

  async write(key: string, body: Readable): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: body,
        // The real type is in the database (sniffed); the bucket never serves these to browsers.
        ContentType: 'application/octet-stream',
      },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    // The object becomes visible under the key only when the upload completes.
    const done = upload.done();
    this.inFlight.set(key, { upload, settled: done.catch(() => undefined) });
    try {
      await done;
    } finally {
      this.inFlight.delete(key);
    }
  }

  async read(key: string): Promise<Readable> {
    try {
      const { Body } = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      if (!(Body instanceof Readable)) throw new Error('S3 returned no body stream');
      return Body;
    } catch (error) {
      if (isMissing(error)) throw new StoredFileMissingError(key);
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    const pending = this.inFlight.get(key);
    if (pending) {
      // A refused upload still streaming: stop it (its parts are aborted), then delete.
      await pending.upload.abort();
      await pending.settled;
    }
    // DeleteObject succeeds whether or not the object exists.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
  }
}

/**
 * S3 answers 404 NoSuchKey for a missing object when the caller may list the bucket, and 403
 * AccessDenied otherwise (docs/operations.md asks for s3:ListBucket so the answer is 404).
 */
function isMissing(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
  );
}

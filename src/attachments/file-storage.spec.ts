import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { FakeS3, startFakeS3 } from '../../test/support/s3';
import { loadConfig } from '../config/app-config';
import {
  createFileStorage,
  DirectoryStorage,
  FileStorage,
  StoredFileMissingError,
} from './file-storage';
import { S3Storage } from './s3-storage';

const MiB = 1024 * 1024;
const key = (council = randomUUID()) => `${council}/${randomUUID()}`;

/** `size` bytes of a repeatable pattern, produced in 64 KiB chunks (never one buffer). */
function bytes(size: number, seed = 7): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(64 * 1024, size - sent);
      const chunk = Buffer.alloc(n);
      for (let i = 0; i < n; i++) chunk[i] = (sent + i + seed) % 251;
      sent += n;
      this.push(chunk);
    },
  });
}

async function sha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What every backend must do (the FileStorage contract), for the directory and for S3. */
describe.each([
  ['directory', () => new DirectoryStorage(mkdtempSync(join(tmpdir(), 'kc-files-spec-')))],
  ['s3', () => S3Storage.fromConfig(loadConfig(s3.env).files.s3!)],
] as const)('FileStorage contract: %s', (_name, make: () => FileStorage) => {
  let sut: FileStorage;

  beforeAll(() => {
    sut = make();
  });

  it('reads back what it wrote, byte for byte', async () => {
    const k = key();
    await sut.write(k, Readable.from([Buffer.from('%PDF-1.4 signed form')]));
    expect(await text(await sut.read(k))).toBe('%PDF-1.4 signed form');
  });

  it('round-trips a file larger than one S3 part (a multipart upload)', async () => {
    const k = key();
    await sut.write(k, bytes(12 * MiB));
    expect(await sha256(await sut.read(k))).toBe(await sha256(bytes(12 * MiB)));
  });

  it('reports a key with no bytes as missing (ENOENT), not as some other failure', async () => {
    const k = key();
    const read = sut.read(k);
    await expect(read).rejects.toBeInstanceOf(StoredFileMissingError);
    await expect(read).rejects.toMatchObject({ code: 'ENOENT', key: k });
  });

  it('removes a file: reading it afterwards reports it missing', async () => {
    const k = key();
    await sut.write(k, Readable.from([Buffer.from('to be disposed of')]));
    await sut.remove(k);
    await expect(sut.read(k)).rejects.toBeInstanceOf(StoredFileMissingError);
  });

  it('removes nothing, without an error, when there is nothing under the key', async () => {
    await expect(sut.remove(key())).resolves.toBeUndefined();
  });

  it('keeps nothing under the key when the upload stream fails half-way', async () => {
    const k = key();
    const body = new PassThrough();
    body.on('error', () => undefined); // the caller owns its stream's errors (the service does)
    const written = sut.write(k, body);
    body.write(Buffer.alloc(6 * MiB, 1));
    setImmediate(() => body.destroy(new Error('client went away')));
    await expect(written).rejects.toThrow();
    // Never visible under the key, even before the caller cleans up…
    await expect(sut.read(k)).rejects.toBeInstanceOf(StoredFileMissingError);
    // …and the clean-up (the service's, after a refused upload) leaves nothing behind.
    await sut.remove(k);
    await expect(sut.read(k)).rejects.toBeInstanceOf(StoredFileMissingError);
  });

  it.each(['../../etc/passwd', 'council/山田太郎.pdf', `${randomUUID()}/${randomUUID()}/x`])(
    'refuses %j as a key (keys are two ids, never a path or a name)',
    async (bad) => {
      await expect(sut.write(bad, Readable.from([Buffer.from('x')]))).rejects.toThrow(
        'Invalid storage key',
      );
      await expect(sut.read(bad)).rejects.toThrow('Invalid storage key');
    },
  );
});

let s3: FakeS3;
beforeAll(async () => {
  s3 = await startFakeS3();
});
afterAll(async () => {
  await s3.close();
});

describe('S3Storage', () => {
  it('names objects <S3_KEY_PREFIX><councilId>/<attachmentId>: ids only', async () => {
    const council = randomUUID();
    const k = key(council);
    const sut = S3Storage.fromConfig(
      loadConfig({ ...s3.env, S3_KEY_PREFIX: 'kodoku/files/' }).files.s3!,
    );
    await sut.write(k, Readable.from([Buffer.from('x')]));
    expect((await s3.keys()).filter((o) => o.includes(council))).toEqual([`kodoku/files/${k}`]);
  });

  it('aborts an upload still streaming when the upload is removed (a refused file)', async () => {
    const sut = S3Storage.fromConfig(loadConfig(s3.env).files.s3!);
    const k = key();
    const body = new PassThrough();
    const written = sut.write(k, body);
    body.write(Buffer.alloc(6 * MiB, 2)); // past one part: a multipart upload has begun
    await new Promise((r) => setTimeout(r, 200));
    await sut.remove(k);
    await expect(written).rejects.toThrow();
    await expect(sut.read(k)).rejects.toBeInstanceOf(StoredFileMissingError);
    expect(await s3.keys()).not.toContain(k);
  });

  it('streams a download: the first bytes arrive as a stream, not as one buffer', async () => {
    const sut = S3Storage.fromConfig(loadConfig(s3.env).files.s3!);
    const k = key();
    await sut.write(k, bytes(3 * MiB));
    const body = await sut.read(k);
    expect(body).toBeInstanceOf(Readable);
    let chunks = 0;
    for await (const chunk of body) {
      expect((chunk as Buffer).length).toBeLessThan(3 * MiB);
      chunks += 1;
    }
    expect(chunks).toBeGreaterThan(1);
  });

  it('refuses to start when the SDK finds no credentials, saying where it looked', async () => {
    const names = [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_PROFILE',
      'AWS_SHARED_CREDENTIALS_FILE',
      'AWS_CONFIG_FILE',
      'AWS_EC2_METADATA_DISABLED',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ];
    const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
    for (const n of names) delete process.env[n];
    const empty = mkdtempSync(join(tmpdir(), 'kc-aws-'));
    Object.assign(process.env, {
      AWS_SHARED_CREDENTIALS_FILE: join(empty, 'credentials'),
      AWS_CONFIG_FILE: join(empty, 'config'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    try {
      await expect(createFileStorage(loadConfig(s3.env).files)).rejects.toThrow(
        /FILE_STORAGE=s3: the AWS SDK found no credentials \(set AWS_ACCESS_KEY_ID/,
      );
    } finally {
      for (const n of names) {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('is what FILE_STORAGE=s3 binds; the directory is the default', async () => {
    expect(await createFileStorage(loadConfig(s3.env).files)).toBeInstanceOf(S3Storage);
    expect(await createFileStorage(loadConfig({}).files)).toBeInstanceOf(DirectoryStorage);
  });
});

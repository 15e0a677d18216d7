import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** s3rver's fixed credentials: it checks request signatures against them. */
const KEYS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

export interface FakeS3 {
  endpoint: string;
  bucket: string;
  region: string;
  /** The environment of FILE_STORAGE=s3 against this server (path-style, as MinIO wants). */
  env: Record<string, string>;
  /** Every object key in the bucket. */
  keys(): Promise<string[]>;
  /** Deletes an object behind the application's back (a lost file). */
  drop(key: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * An S3-compatible server in the test process (s3rver: real HTTP, real SigV4 signatures, real
 * multipart uploads), so the storage is exercised through the AWS SDK's own wire path. Its
 * credentials are put in the process environment for the SDK's default chain to find, as an
 * operator's would be; `close` restores the environment.
 */
export async function startFakeS3(bucket = 'council-files'): Promise<FakeS3> {
  const directory = mkdtempSync(join(tmpdir(), 'kc-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
  const saved = Object.fromEntries(Object.keys(KEYS).map((k) => [k, process.env[k]]));
  Object.assign(process.env, KEYS);
  const client = new S3Client({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: {
      accessKeyId: KEYS.AWS_ACCESS_KEY_ID,
      secretAccessKey: KEYS.AWS_SECRET_ACCESS_KEY,
    },
  });
  return {
    endpoint,
    bucket,
    region,
    env: {
      FILE_STORAGE: 's3',
      S3_BUCKET: bucket,
      S3_REGION: region,
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
    },
    async keys() {
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
    },
    async drop(key: string) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async close() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  const sut = loadConfig;
  const SECRET = 'x'.repeat(32);

  it('starts in embedded mode with safe defaults when nothing is set', () => {
    const config = sut({});
    expect(config.database.url).toBeNull();
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 3000,
      bodyLimit: '100kb',
      trustProxy: false,
      keepAliveTimeoutMs: 65_000,
      shutdownDrainMs: 5_000,
      corsOrigins: [],
    });
    expect(config.metrics).toBeNull();
    expect(config.redis).toBeNull();
    expect(config.auth).toMatchObject({
      accessTtlSeconds: 900,
      maxFailures: 5,
      lockoutSeconds: 900,
      jwtSecret: null,
    });
  });

  it('reads the CORS allow-list and the metrics port', () => {
    const config = sut({
      CORS_ORIGINS: 'https://app.example.jp, http://localhost:5173',
      METRICS_PORT: '9464',
    });
    expect(config.http.corsOrigins).toEqual(['https://app.example.jp', 'http://localhost:5173']);
    expect(config.metrics).toEqual({ host: '127.0.0.1', port: 9464 });
  });

  it.each(['*', 'https://app.example.jp/', 'app.example.jp', 'https://a.example.jp/path'])(
    'refuses %j as a CORS origin',
    (origin) => {
      expect(() => sut({ CORS_ORIGINS: origin })).toThrow(/CORS_ORIGINS/);
    },
  );

  it('reads typed values from strings', () => {
    const config = sut({
      PORT: '8080',
      MIGRATE_ON_START: 'true',
      LOGIN_MAX_FAILURES: '3',
      LOG_LEVEL: 'warn',
    });
    expect(config.http.port).toBe(8080);
    expect(config.database.migrateOnStart).toBe(true);
    expect(config.auth.maxFailures).toBe(3);
    expect(config.log.level).toBe('warn');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x', JWT_SECRET: SECRET }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://u@h/db' }, 'JWT_SECRET'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ JWT_ACCESS_TTL_SECONDS: '3600' }, 'JWT_ACCESS_TTL_SECONDS'],
    [{ MIGRATE_ON_START: 'maybe' }, 'MIGRATE_ON_START'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ BODY_LIMIT: 'lots' }, 'BODY_LIMIT'],
    [{ TIME_ZONE: 'Asia/Tokio' }, 'TIME_ZONE'],
    [{ AUDIT_SIGNING_KEY: 'not a key' }, 'AUDIT_SIGNING_KEY'],
    [{ DATABASE_URL: 'postgres://u@h/db', JWT_SECRET: SECRET }, 'AUDIT_SIGNING_KEY'],
    [{ DATABASE_URL: 'postgres://u@h/db', JWT_SECRET: SECRET }, 'PLATFORM_DATABASE_URL'],
    [{ PLATFORM_DATABASE_URL: 'mysql://x' }, 'PLATFORM_DATABASE_URL'],
    [{ PLATFORM_K: '1' }, 'PLATFORM_K'],
    [{ PLATFORM_TOKEN_TTL_SECONDS: '86400' }, 'PLATFORM_TOKEN_TTL_SECONDS'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ REDIS_KEY_PREFIX: 'has space' }, 'REDIS_KEY_PREFIX'],
    [{ SHUTDOWN_DRAIN_MS: '-1' }, 'SHUTDOWN_DRAIN_MS'],
    [{ DATABASE_URL: 'postgres://u@h/db', JWT_SECRET: SECRET }, 'MFA_ENCRYPTION_KEY'],
    [{ MFA_ENCRYPTION_KEY: 'too short' }, 'MFA_ENCRYPTION_KEY'],
    [{ SMTP_URL: 'http://mail.example' }, 'SMTP_URL'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ INVITATION_TTL_HOURS: '0' }, 'INVITATION_TTL_HOURS'],
    [{ MFA_ISSUER: 'a:b' }, 'MFA_ISSUER'],
  ])('refuses %j with a message naming %s', (env, variable) => {
    expect(() => sut(env)).toThrow(ConfigError);
    expect(() => sut(env)).toThrow(new RegExp(variable));
  });

  it('keeps attachment files in a directory by default, under DATA_DIR', () => {
    expect(sut({ DATA_DIR: '/srv/council' }).files).toEqual({
      storage: 'directory',
      storageDir: '/srv/council/files',
      s3: null,
      maxBytes: 20 * 1024 * 1024,
    });
  });

  it('reads the S3 settings with FILE_STORAGE=s3, the region falling back to AWS_REGION', () => {
    expect(
      sut({
        FILE_STORAGE: 's3',
        S3_BUCKET: 'council-files',
        S3_ENDPOINT: 'https://minio.example.jp:9000',
        S3_FORCE_PATH_STYLE: 'true',
        S3_KEY_PREFIX: 'kodoku/',
        AWS_REGION: 'ap-northeast-1',
      }).files,
    ).toMatchObject({
      storage: 's3',
      s3: {
        bucket: 'council-files',
        region: 'ap-northeast-1',
        endpoint: 'https://minio.example.jp:9000',
        forcePathStyle: true,
        keyPrefix: 'kodoku/',
      },
    });
    expect(
      sut({ FILE_STORAGE: 's3', S3_BUCKET: 'b-1', S3_REGION: 'us-east-1', AWS_REGION: 'x' }).files
        .s3,
    ).toEqual({
      bucket: 'b-1',
      region: 'us-east-1',
      endpoint: null,
      forcePathStyle: false,
      keyPrefix: '',
    });
  });

  it.each([
    [{ FILE_STORAGE: 'bucket' }, 'FILE_STORAGE must be directory or s3'],
    [
      { FILE_STORAGE: 's3', S3_REGION: 'ap-northeast-1' },
      'S3_BUCKET: required when FILE_STORAGE=s3 (the bucket attachment files go to)',
    ],
    [
      { FILE_STORAGE: 's3', S3_BUCKET: 'council-files' },
      'S3_REGION: required when FILE_STORAGE=s3 (or AWS_REGION; e.g. ap-northeast-1, or us-east-1 for MinIO)',
    ],
    [
      { FILE_STORAGE: 's3', S3_BUCKET: 'Council_Files', S3_REGION: 'ap-northeast-1' },
      'S3_BUCKET must be a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens',
    ],
    [
      {
        FILE_STORAGE: 's3',
        S3_BUCKET: 'b-1',
        S3_REGION: 'ap-northeast-1',
        S3_ENDPOINT: 'minio:9000',
      },
      'S3_ENDPOINT must be an http:// or https:// URL such as https://minio.example.jp:9000',
    ],
    [
      {
        FILE_STORAGE: 's3',
        S3_BUCKET: 'b-1',
        S3_REGION: 'ap-northeast-1',
        S3_KEY_PREFIX: '/files',
      },
      'S3_KEY_PREFIX must be folder names (letters, digits, . _ -) each ending with /, e.g. council-files/',
    ],
    [
      {
        FILE_STORAGE: 's3',
        S3_BUCKET: 'b-1',
        S3_REGION: 'ap-northeast-1',
        S3_FORCE_PATH_STYLE: 'perhaps',
      },
      'S3_FORCE_PATH_STYLE',
    ],
    [
      { S3_BUCKET: 'council-files' },
      'S3_BUCKET: set, but FILE_STORAGE is not s3 (add FILE_STORAGE=s3)',
    ],
    [
      { FILE_STORAGE: 'directory', S3_ENDPOINT: 'https://minio.example.jp' },
      'S3_ENDPOINT: set, but FILE_STORAGE is not s3 (add FILE_STORAGE=s3)',
    ],
  ])('refuses the storage settings %j, saying %j', (env, sentence) => {
    expect(() => sut(env)).toThrow(ConfigError);
    expect(() => sut(env)).toThrow(sentence);
  });

  it('reads the platform settings, with k = 5 and 15-minute tokens by default', () => {
    expect(sut({}).platform).toEqual({ k: 5, tokenTtlSeconds: 900 });
    expect(sut({ PLATFORM_K: '10', PLATFORM_TOKEN_TTL_SECONDS: '300' }).platform).toEqual({
      k: 10,
      tokenTtlSeconds: 300,
    });
    expect(
      sut({ PLATFORM_DATABASE_URL: 'postgres://council_platform@h/db' }).database.platformUrl,
    ).toBe('postgres://council_platform@h/db');
  });

  it('uses Redis for the throttle only when REDIS_URL is set, under a default key prefix', () => {
    expect(sut({ REDIS_URL: 'redis://cache.example:6379/2' }).redis).toEqual({
      url: 'redis://cache.example:6379/2',
      keyPrefix: 'kodoku-council:throttle:',
    });
    expect(sut({ REDIS_URL: '' }).redis).toBeNull();
  });

  it('reads the account settings: no SMTP, links to localhost, 7-day invitations by default', () => {
    expect(sut({}).mail).toEqual({
      smtpUrl: null,
      from: 'no-reply@localhost',
      publicUrl: 'http://localhost:3000',
    });
    expect(sut({}).accounts).toEqual({ invitationTtlHours: 168 });
    expect(
      sut({ SMTP_URL: 'smtps://u:p@mail.example:465', PUBLIC_URL: 'https://app.example/' }).mail,
    ).toMatchObject({ smtpUrl: 'smtps://u:p@mail.example:465', publicUrl: 'https://app.example' });
  });

  it('accepts a TOTP encryption key as 64 hex characters or as base64 of 32 bytes', () => {
    expect(sut({ MFA_ENCRYPTION_KEY: 'ab'.repeat(32) }).auth.mfaEncryptionKey).toBe(
      'ab'.repeat(32),
    );
    const b64 = Buffer.alloc(32, 1).toString('base64');
    expect(sut({ MFA_ENCRYPTION_KEY: b64 }).auth.mfaEncryptionKey).toBe(b64);
  });

  it('names every bad variable at once', () => {
    try {
      sut({ PORT: 'x', LOG_LEVEL: 'y' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems.join('\n')).toMatch(
        /PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/,
      );
    }
  });
});

import 'reflect-metadata';
import { createPrivateKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  return value; // left as a string so @IsBoolean names the variable
};

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

const POSTGRES_URL = /^postgres(ql)?:\/\/.+/;

/**
 * The environment the server reads, validated at boot. Every variable is documented in the
 * README's configuration table; keep the two in step.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @MaxLength(255)
  HOST = '127.0.0.1';

  /** The application role's connection (owns nothing, no BYPASSRLS). Unset → embedded PostgreSQL. */
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /**
   * The platform role's connection (DESIGN.md §3.6): may only run the aggregate functions of
   * schema `platform`. Required with DATABASE_URL; derived from DATA_DIR's secrets otherwise.
   */
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'PLATFORM_DATABASE_URL must be a postgres:// URL' })
  PLATFORM_DATABASE_URL?: string;

  /** The owner role's connection, used only to run migrations. */
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'MIGRATION_DATABASE_URL must be a postgres:// URL' })
  MIGRATION_DATABASE_URL?: string;

  @Transform(toBool)
  @IsBoolean()
  MIGRATE_ON_START = false;

  /** Embedded mode: where PostgreSQL's data and the generated development secrets live. */
  @IsString()
  @MinLength(1)
  DATA_DIR = '.data';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 10;

  /** Whose calendar decides "today" (staff end dates, member bodies leaving): the council's. */
  @Matches(/^[A-Za-z]+(?:[/_+-][A-Za-z0-9]+)*$/, {
    message: 'TIME_ZONE must be an IANA zone name such as Asia/Tokyo',
  })
  TIME_ZONE = 'Asia/Tokyo';

  /** HMAC key for access tokens. Required with DATABASE_URL; generated under DATA_DIR otherwise. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Access tokens are short-lived (DESIGN.md §4 Auth): at most 15 minutes. */
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(900)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Transform(toInt)
  @IsInt()
  @Min(300)
  @Max(30 * 24 * 3600)
  JWT_REFRESH_TTL_SECONDS = 12 * 3600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  LOGIN_MAX_FAILURES = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 3600)
  LOGIN_LOCKOUT_SECONDS = 900;

  /** Login attempts per client address per minute (throttling, independent of lockout). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  LOGIN_RATE_LIMIT_PER_MINUTE = 20;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  /** Platform statistics: counts below k are suppressed (and never recoverable from totals). */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(100)
  PLATFORM_K = 5;

  /**
   * Minutes between runs of the statistics publication job (0: off). Each run publishes, for
   * every council, the closed months whose publication is due and that no coordinator holds.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(24 * 60)
  STATISTICS_PUBLISH_INTERVAL_MINUTES = 60;

  /**
   * Days after a month closes before the job publishes it: the coordinators' window to correct
   * registrations or hold the month. The CLI (statistics:publish) may publish any closed month.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(90)
  STATISTICS_PUBLISH_DELAY_DAYS = 10;

  /** Platform client tokens are short-lived too: at most an hour. */
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(3600)
  PLATFORM_TOKEN_TTL_SECONDS = 900;

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 100kb or 1mb' })
  BODY_LIMIT = '100kb';

  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY = false;

  /**
   * Browser origins allowed to call the API cross-origin (comma-separated, e.g.
   * `https://app.example.jp,https://admin.example.jp`). Unset: none, no CORS headers at all.
   */
  @IsOptional()
  @Matches(/^\s*https?:\/\/[^\s,/]+\s*(,\s*https?:\/\/[^\s,/]+\s*)*$/, {
    message:
      'CORS_ORIGINS must be a comma-separated list of origins like https://app.example.jp (scheme and host, no path, no *)',
  })
  CORS_ORIGINS?: string;

  /**
   * Prometheus metrics (`GET /metrics`) on their own port, apart from the API so they are not
   * exposed with it. Unset: no metrics endpoint. 0 picks a free port (tests).
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  /** The interface the metrics port listens on (default: HOST). */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  METRICS_HOST?: string;

  /**
   * How long an idle keep-alive connection stays open. Longer than common load balancers' idle
   * timeout (60 s), so a proxy never reuses a socket the server has just closed (the classic
   * intermittent 502); Node's default is 5 s.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 65_000;

  /**
   * On SIGTERM, how long the instance keeps serving after its readiness check has turned 503, so
   * that a load balancer notices before the instance stops accepting connections. Longer than
   * the balancer's health-check interval × fall count. SIGINT (Ctrl-C) does not wait.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(120_000)
  SHUTDOWN_DRAIN_MS = 5_000;

  /**
   * A Redis shared by every instance (redis://…, rediss://… for TLS): the login, refresh and
   * token throttle counts there, so the limit holds across instances. Unset: in memory, per
   * instance.
   */
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prefix of every key the throttle writes in Redis (one Redis may serve several installations). */
  @Matches(/^[A-Za-z0-9:_.-]{1,100}$/, {
    message: 'REDIS_KEY_PREFIX: letters, digits and : _ . - only (at most 100)',
  })
  REDIS_KEY_PREFIX = 'kodoku-council:throttle:';

  /**
   * Ed25519 private key (PKCS#8 PEM, or its base64) that signs audit checkpoints. Required with
   * DATABASE_URL; generated under DATA_DIR otherwise. Publish the public key to auditors.
   */
  @IsOptional()
  @IsString()
  AUDIT_SIGNING_KEY?: string;

  /**
   * Public keys (SPKI PEM, base64-encoded, comma-separated) of earlier signing keys, so that
   * checkpoints signed before a key rotation still verify.
   */
  @IsOptional()
  @IsString()
  AUDIT_PREVIOUS_PUBLIC_KEYS?: string;

  /**
   * Where every signed checkpoint is also written, one JSON line per checkpoint in
   * <dir>/<councilId>.jsonl, appended and fsynced: a witness outside the database (DESIGN.md
   * §3.13). Default: <DATA_DIR>/audit-witness. Put it on storage the database administrators
   * cannot rewrite (an append-only or WORM volume shared by every instance).
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  AUDIT_WITNESS_DIR?: string;

  /**
   * Where attachment files are kept (issue 18 item 3), one file per upload under
   * <dir>/<councilId>/. Default: <DATA_DIR>/files. Shared by every instance; back it up with
   * the database (docs/operations.md).
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  FILE_STORAGE_DIR?: string;

  /**
   * Where attachment bytes go: `directory` (FILE_STORAGE_DIR) or `s3`, an S3-compatible bucket
   * (AWS S3, MinIO…; S3_BUCKET, S3_REGION, optionally S3_ENDPOINT). Credentials for S3 come from
   * the AWS SDK's default chain (AWS_ACCESS_KEY_ID…, AWS_PROFILE, web identity, instance role).
   */
  @IsIn(['directory', 's3'], { message: 'FILE_STORAGE must be directory or s3' })
  FILE_STORAGE: 'directory' | 's3' = 'directory';

  /** The bucket of attachment files (FILE_STORAGE=s3). */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    message:
      'S3_BUCKET must be a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens',
  })
  S3_BUCKET?: string;

  /** The bucket's region (FILE_STORAGE=s3); defaults to AWS_REGION. */
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,64}$/, {
    message: 'S3_REGION must be a region name such as ap-northeast-1',
  })
  S3_REGION?: string;

  /** An S3-compatible service's URL (MinIO, Ceph…); unset: AWS S3 itself. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, {
    message: 'S3_ENDPOINT must be an http:// or https:// URL such as https://minio.example.jp:9000',
  })
  S3_ENDPOINT?: string;

  /** Path-style URLs (<endpoint>/<bucket>/<key>), which MinIO and most S3-compatible services need. */
  @Transform(toBool)
  @IsBoolean()
  S3_FORCE_PATH_STYLE = false;

  /** Prepended to every object key (e.g. `council-files/`), to share a bucket. Ids follow it. */
  @Matches(/^([A-Za-z0-9._-]+\/)*$/, {
    message:
      'S3_KEY_PREFIX must be folder names (letters, digits, . _ -) each ending with /, e.g. council-files/',
  })
  S3_KEY_PREFIX = '';

  /**
   * When the daily digest goes out (cron, in TIME_ZONE); "off" for never (issue 18 item 2).
   * Every instance may run it: each person gets one mail per council and day.
   */
  @Matches(/^(off|[0-9*,/-]+( [0-9*,/-]+){4,5})$/, {
    message: 'DIGEST_CRON must be a cron expression such as "0 7 * * *", or off',
  })
  DIGEST_CRON = '0 7 * * *';

  /** The largest attachment accepted, in bytes (413 ATTACHMENT_TOO_LARGE above it). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1024 * 1024 * 1024)
  ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

  /** Optional second witness: each signed checkpoint is POSTed here as JSON (must answer 2xx). */
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'AUDIT_WITNESS_URL must be an http(s) URL' })
  AUDIT_WITNESS_URL?: string;

  /** Minutes between automatic checkpoints of every council's audit chain (0: off). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(24 * 60)
  AUDIT_CHECKPOINT_INTERVAL_MINUTES = 60;

  /** How long audit events are kept; nothing in the application deletes them before (or after). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(100)
  AUDIT_RETENTION_YEARS = 10;

  /** Repeated login failures per account and source within this window become one event. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(24 * 3600)
  LOGIN_FAILURE_WINDOW_SECONDS = 900;

  /** Anomaly report: this many denials by one person within ANOMALY_DENIED_WINDOW_MINUTES. */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(10_000)
  ANOMALY_DENIED_BURST = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  ANOMALY_DENIED_WINDOW_MINUTES = 10;

  /** Anomaly report: case reads per day above this multiple of the person's usual… */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(1000)
  ANOMALY_READ_FACTOR = 5;

  /** …and above this absolute number (so a quiet user's first busy day is not flagged). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  ANOMALY_READ_MIN = 30;

  /**
   * SMTP server for invitations and password resets (nodemailer URL, e.g.
   * smtps://user:pass@mail.example.jp:465). Unset: links are printed in the server log, and an
   * invitation's link is returned to the coordinator who created it.
   */
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The sender of those mails. */
  @IsString()
  @MaxLength(254)
  @Matches(/^[^\r\n]*@[^\r\n]*$/, {
    message: 'MAIL_FROM must be an e-mail address (optionally "Name <address>")',
  })
  MAIL_FROM = 'no-reply@localhost';

  /** Where people open the links in those mails (the client application). */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'PUBLIC_URL must be an http:// or https:// URL' })
  PUBLIC_URL?: string;

  /** How long a staff invitation may be accepted. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30 * 24)
  INVITATION_TTL_HOURS = 7 * 24;

  /**
   * AES-256-GCM key encrypting TOTP secrets at rest: 32 bytes as 64 hex characters or base64.
   * Required with DATABASE_URL; generated under DATA_DIR otherwise.
   */
  @IsOptional()
  @IsString()
  MFA_ENCRYPTION_KEY?: string;

  /**
   * The key-encryption key (KEK) wrapping every case's data key (envelope encryption, issue 19;
   * docs/security.md): 32 bytes as base64 or 64 hex characters. Required with DATABASE_URL
   * (or DATA_KEK_FILE); generated under DATA_DIR otherwise.
   */
  @IsOptional()
  @IsString()
  DATA_KEK?: string;

  /** A file holding DATA_KEK (e.g. a mounted secret); used when DATA_KEK is not set. */
  @IsOptional()
  @IsString()
  DATA_KEK_FILE?: string;

  /**
   * Earlier KEKs, comma-separated, still needed to unwrap data keys until \`kek:rotate\` has
   * re-wrapped them all under DATA_KEK; then remove them.
   */
  @IsOptional()
  @IsString()
  DATA_KEK_PREVIOUS?: string;

  /** Retention limits (in 年度) coordinators may choose between, per record class (issue 19). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  RETENTION_MIN_YEARS = 1;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  RETENTION_MAX_YEARS = 30;

  /** The default retention period (年度 after the one in which a record closed). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  RETENTION_DEFAULT_YEARS = 5;

  /** The issuer name authenticator apps show beside the account. */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^:]+$/, { message: 'MFA_ISSUER must not contain a colon' })
  MFA_ISSUER = 'kodoku-council';

  /** How long the second step of a login (POST /api/auth/mfa) may follow the password. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(900)
  MFA_CHALLENGE_TTL_SECONDS = 300;

  /** Office hours in the council's time zone; access outside them is reported. */
  @Matches(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, {
    message: 'OFFICE_HOURS must look like 08:00-20:00',
  })
  OFFICE_HOURS = '07:00-21:00';
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: {
    host: string;
    port: number;
    bodyLimit: string;
    trustProxy: boolean;
    keepAliveTimeoutMs: number;
    shutdownDrainMs: number;
    /** Origins allowed cross-origin (CORS); empty: none. */
    corsOrigins: string[];
  };
  /** Prometheus metrics on their own port; null: off. */
  metrics: { host: string; port: number } | null;
  /** The shared throttle store; null: in memory, per instance. */
  redis: { url: string; keyPrefix: string } | null;
  database: {
    /** Null means: start the embedded PostgreSQL under `dataDir`. */
    url: string | null;
    /** The platform role's connection; null only in embedded mode (resolved at start). */
    platformUrl: string | null;
    migrationUrl: string | null;
    migrateOnStart: boolean;
    poolSize: number;
    timeZone: string;
  };
  dataDir: string;
  auth: {
    jwtSecret: string | null;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    maxFailures: number;
    lockoutSeconds: number;
    loginRatePerMinute: number;
    /** Null only until the runtime resolves it (embedded mode generates one). */
    mfaEncryptionKey: string | null;
    mfaIssuer: string;
    mfaChallengeTtlSeconds: number;
  };
  /** Attachments (issue 18): where their bytes are kept, and how large one may be. */
  files: FilesConfig;
  /** The daily digest's schedule (cron in the server's TIME_ZONE), or null: never. */
  digest: { cron: string | null };
  /** Envelope encryption (issue 19): the current KEK and earlier ones still readable. */
  crypto: { kek: string | null; previousKeks: string[] };
  retention: { minYears: number; maxYears: number; defaultYears: number };
  /** Invitations and password resets (issue 13). */
  mail: { smtpUrl: string | null; from: string; publicUrl: string };
  accounts: { invitationTtlHours: number };
  log: { level: EnvironmentVariables['LOG_LEVEL'] };
  platform: { k: number; tokenTtlSeconds: number };
  statistics: { publishIntervalMinutes: number; publishDelayDays: number };
  audit: {
    signingKey: string | null;
    /** Directory witness of signed checkpoints (resolved against DATA_DIR by default). */
    witnessDir: string;
    witnessUrl: string | null;
    previousPublicKeys: string[];
    checkpointIntervalMinutes: number;
    retentionYears: number;
    loginFailureWindowSeconds: number;
    anomaly: {
      deniedBurst: number;
      deniedWindowMinutes: number;
      readFactor: number;
      readMin: number;
      officeHours: string;
    };
  };
}

/** An S3-compatible bucket for attachment bytes (FILE_STORAGE=s3). */
export interface S3Config {
  bucket: string;
  region: string;
  /** Null: AWS S3 itself. */
  endpoint: string | null;
  forcePathStyle: boolean;
  /** '' or folder names each ending with '/'. */
  keyPrefix: string;
}

export interface FilesConfig {
  storage: 'directory' | 's3';
  /** FILE_STORAGE=directory: the directory (resolved; also set, unused, with s3). */
  storageDir: string;
  /** FILE_STORAGE=s3: the bucket; null with a directory. */
  s3: S3Config | null;
  maxBytes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Turns the process environment into a typed config, or throws naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  const raw: Record<string, string> = {};
  for (const key of [
    ...known,
    'DATABASE_URL',
    'PLATFORM_DATABASE_URL',
    'MIGRATION_DATABASE_URL',
    'JWT_SECRET',
    'REDIS_URL',
    'AUDIT_SIGNING_KEY',
    'AUDIT_PREVIOUS_PUBLIC_KEYS',
    'AUDIT_WITNESS_DIR',
    'FILE_STORAGE_DIR',
    'S3_BUCKET',
    'S3_REGION',
    'S3_ENDPOINT',
    'AUDIT_WITNESS_URL',
    'SMTP_URL',
    'PUBLIC_URL',
    'MFA_ENCRYPTION_KEY',
    'CORS_ORIGINS',
    'METRICS_PORT',
    'METRICS_HOST',
    'DATA_KEK',
    'DATA_KEK_FILE',
    'DATA_KEK_PREVIOUS',
  ]) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const vars = plainToInstance(EnvironmentVariables, raw);
  const errors = validateSync(vars, { skipMissingProperties: false });
  const problems = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) =>
      m.includes(e.property) ? m : `${e.property}: ${m}`,
    ),
  );
  try {
    new Intl.DateTimeFormat('en', { timeZone: vars.TIME_ZONE });
  } catch {
    problems.push(
      `TIME_ZONE: unknown time zone "${vars.TIME_ZONE}" (use an IANA name such as Asia/Tokyo)`,
    );
  }
  if (vars.DATABASE_URL && !vars.AUDIT_SIGNING_KEY) {
    problems.push(
      'AUDIT_SIGNING_KEY: required when DATABASE_URL is set (an Ed25519 PKCS#8 PEM key)',
    );
  }
  if (vars.AUDIT_SIGNING_KEY) {
    try {
      signingKeyFrom(vars.AUDIT_SIGNING_KEY);
    } catch {
      problems.push(
        'AUDIT_SIGNING_KEY: not an Ed25519 private key in PKCS#8 PEM (or base64 of it)',
      );
    }
  }
  if (vars.DATABASE_URL && !vars.PLATFORM_DATABASE_URL) {
    problems.push(
      'PLATFORM_DATABASE_URL: required when DATABASE_URL is set (the council_platform role)',
    );
  }
  if (vars.DATABASE_URL && !vars.JWT_SECRET) {
    problems.push('JWT_SECRET: required when DATABASE_URL is set (at least 32 characters)');
  }
  if (vars.DATABASE_URL && !vars.MFA_ENCRYPTION_KEY) {
    problems.push(
      'MFA_ENCRYPTION_KEY: required when DATABASE_URL is set (32 bytes as hex or base64, e.g. openssl rand -base64 32)',
    );
  }
  if (vars.MFA_ENCRYPTION_KEY) {
    try {
      mfaKeyFrom(vars.MFA_ENCRYPTION_KEY);
    } catch {
      problems.push('MFA_ENCRYPTION_KEY: must be 32 bytes as 64 hex characters or base64');
    }
  }
  let kek: string | null = vars.DATA_KEK ?? null;
  if (!kek && vars.DATA_KEK_FILE) {
    try {
      kek = readFileSync(vars.DATA_KEK_FILE, 'utf8').trim();
    } catch {
      problems.push(`DATA_KEK_FILE: cannot read ${vars.DATA_KEK_FILE}`);
    }
  }
  if (vars.DATABASE_URL && !kek && !vars.DATA_KEK_FILE) {
    problems.push(
      'DATA_KEK: required when DATABASE_URL is set (or DATA_KEK_FILE; 32 bytes as base64, e.g. openssl rand -base64 32)',
    );
  }
  const previousKeks = (vars.DATA_KEK_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  for (const [name, value] of [
    ['DATA_KEK', kek],
    ...previousKeks.map((k) => ['DATA_KEK_PREVIOUS', k]),
  ] as [string, string | null][]) {
    if (!value) continue;
    try {
      kekFrom(value);
    } catch {
      problems.push(`${name}: must be 32 bytes as base64 or 64 hex characters`);
    }
  }
  if (
    vars.RETENTION_MIN_YEARS > vars.RETENTION_MAX_YEARS ||
    vars.RETENTION_DEFAULT_YEARS < vars.RETENTION_MIN_YEARS ||
    vars.RETENTION_DEFAULT_YEARS > vars.RETENTION_MAX_YEARS
  ) {
    problems.push(
      'RETENTION_DEFAULT_YEARS: must lie between RETENTION_MIN_YEARS and RETENTION_MAX_YEARS',
    );
  }
  const s3Region = vars.S3_REGION ?? env.AWS_REGION ?? null;
  if (vars.FILE_STORAGE === 's3') {
    if (!vars.S3_BUCKET) {
      problems.push('S3_BUCKET: required when FILE_STORAGE=s3 (the bucket attachment files go to)');
    }
    if (!s3Region) {
      problems.push(
        'S3_REGION: required when FILE_STORAGE=s3 (or AWS_REGION; e.g. ap-northeast-1, or us-east-1 for MinIO)',
      );
    }
  } else {
    // An S3 setting without FILE_STORAGE=s3 would silently keep files on local disk (perhaps a
    // container's, gone at the next deploy): refuse rather than guess.
    for (const name of ['S3_BUCKET', 'S3_ENDPOINT'] as const) {
      if (vars[name])
        problems.push(`${name}: set, but FILE_STORAGE is not s3 (add FILE_STORAGE=s3)`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: vars.NODE_ENV,
    http: {
      host: vars.HOST,
      port: vars.PORT,
      bodyLimit: vars.BODY_LIMIT,
      trustProxy: vars.TRUST_PROXY,
      keepAliveTimeoutMs: vars.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      shutdownDrainMs: vars.SHUTDOWN_DRAIN_MS,
      corsOrigins: (vars.CORS_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    },
    metrics:
      vars.METRICS_PORT === undefined
        ? null
        : { host: vars.METRICS_HOST ?? vars.HOST, port: vars.METRICS_PORT },
    redis: vars.REDIS_URL ? { url: vars.REDIS_URL, keyPrefix: vars.REDIS_KEY_PREFIX } : null,
    database: {
      url: vars.DATABASE_URL ?? null,
      platformUrl: vars.PLATFORM_DATABASE_URL ?? null,
      migrationUrl: vars.MIGRATION_DATABASE_URL ?? null,
      migrateOnStart: vars.MIGRATE_ON_START,
      poolSize: vars.DB_POOL_SIZE,
      timeZone: vars.TIME_ZONE,
    },
    dataDir: vars.DATA_DIR,
    auth: {
      jwtSecret: vars.JWT_SECRET ?? null,
      accessTtlSeconds: vars.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: vars.JWT_REFRESH_TTL_SECONDS,
      maxFailures: vars.LOGIN_MAX_FAILURES,
      lockoutSeconds: vars.LOGIN_LOCKOUT_SECONDS,
      loginRatePerMinute: vars.LOGIN_RATE_LIMIT_PER_MINUTE,
      mfaEncryptionKey: vars.MFA_ENCRYPTION_KEY ?? null,
      mfaIssuer: vars.MFA_ISSUER,
      mfaChallengeTtlSeconds: vars.MFA_CHALLENGE_TTL_SECONDS,
    },
    crypto: { kek, previousKeks },
    retention: {
      minYears: vars.RETENTION_MIN_YEARS,
      maxYears: vars.RETENTION_MAX_YEARS,
      defaultYears: vars.RETENTION_DEFAULT_YEARS,
    },
    mail: {
      smtpUrl: vars.SMTP_URL ?? null,
      from: vars.MAIL_FROM,
      publicUrl: (vars.PUBLIC_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    },
    files: {
      storage: vars.FILE_STORAGE,
      storageDir: resolve(vars.FILE_STORAGE_DIR ?? join(vars.DATA_DIR, 'files')),
      s3:
        vars.FILE_STORAGE === 's3' && vars.S3_BUCKET && s3Region
          ? {
              bucket: vars.S3_BUCKET,
              region: s3Region,
              endpoint: vars.S3_ENDPOINT ?? null,
              forcePathStyle: vars.S3_FORCE_PATH_STYLE,
              keyPrefix: vars.S3_KEY_PREFIX,
            }
          : null,
      maxBytes: vars.ATTACHMENT_MAX_BYTES,
    },
    digest: { cron: vars.DIGEST_CRON === 'off' ? null : vars.DIGEST_CRON },
    accounts: { invitationTtlHours: vars.INVITATION_TTL_HOURS },
    log: { level: vars.LOG_LEVEL },
    platform: { k: vars.PLATFORM_K, tokenTtlSeconds: vars.PLATFORM_TOKEN_TTL_SECONDS },
    statistics: {
      publishIntervalMinutes: vars.STATISTICS_PUBLISH_INTERVAL_MINUTES,
      publishDelayDays: vars.STATISTICS_PUBLISH_DELAY_DAYS,
    },
    audit: {
      signingKey: vars.AUDIT_SIGNING_KEY ?? null,
      witnessDir: resolve(vars.AUDIT_WITNESS_DIR ?? join(vars.DATA_DIR, 'audit-witness')),
      witnessUrl: vars.AUDIT_WITNESS_URL ?? null,
      previousPublicKeys: (vars.AUDIT_PREVIOUS_PUBLIC_KEYS ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean)
        .map((k) => Buffer.from(k, 'base64').toString('utf8')),
      checkpointIntervalMinutes: vars.AUDIT_CHECKPOINT_INTERVAL_MINUTES,
      retentionYears: vars.AUDIT_RETENTION_YEARS,
      loginFailureWindowSeconds: vars.LOGIN_FAILURE_WINDOW_SECONDS,
      anomaly: {
        deniedBurst: vars.ANOMALY_DENIED_BURST,
        deniedWindowMinutes: vars.ANOMALY_DENIED_WINDOW_MINUTES,
        readFactor: vars.ANOMALY_READ_FACTOR,
        readMin: vars.ANOMALY_READ_MIN,
        officeHours: vars.OFFICE_HOURS,
      },
    },
  };
}

/** The config the running app uses: database URL and secrets resolved (embedded or given). */
/** Parses the audit signing key: PKCS#8 PEM, or the base64 of the PEM or of its DER. */
export function signingKeyFrom(value: string): KeyObject {
  const text = value.includes('BEGIN') ? value : Buffer.from(value, 'base64').toString('utf8');
  const key = text.includes('BEGIN')
    ? createPrivateKey(text)
    : createPrivateKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
  return key;
}

/** The TOTP encryption key: 32 bytes given as 64 hex characters or as base64. */
export function mfaKeyFrom(value: string): Buffer {
  const v = value.trim();
  const key = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (key.length !== 32) throw new Error('MFA_ENCRYPTION_KEY must be 32 bytes');
  return key;
}

/** A key-encryption key: 32 bytes given as base64 or as 64 hex characters. */
export function kekFrom(value: string): Buffer {
  const v = value.trim();
  const key = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (key.length !== 32) throw new Error('a KEK must be 32 bytes');
  return key;
}

export interface RuntimeConfig extends AppConfig {
  database: AppConfig['database'] & { url: string; platformUrl: string };
  crypto: AppConfig['crypto'] & { kek: string };
  auth: AppConfig['auth'] & { jwtSecret: string; mfaEncryptionKey: string };
  audit: AppConfig['audit'] & { signingKey: string };
  embedded: boolean;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

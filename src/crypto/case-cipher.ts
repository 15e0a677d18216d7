import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Transform } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { CouncilScope, SystemScope } from '../access/council-scope';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { prepared } from '../database/prepared';
import { gcmOpen, gcmSeal, KEK_ID_LENGTH, Keyring } from './keyring';
import { OpenSegments, SealSegments } from './segmented-gcm';

/** What a data key belongs to: a case (its content) or a meeting (its minutes' text). */
export interface KeyOwner {
  type: 'case' | 'meeting';
  id: string;
}

/** Any council transaction the access layer opened: a caller's or the installation's own. */
export type SealingScope = CouncilScope | SystemScope;

/**
 * One unwrapped data key, for the length of one use case. `field` names what is sealed (e.g.
 * `case.sensitive`, `note.body`) and is authenticated with the owner, so a ciphertext copied to
 * another case or another column does not open.
 */
export class DataKey {
  constructor(
    private readonly key: Buffer,
    private readonly owner: string,
  ) {}

  seal(field: string, plaintext: string): Buffer {
    return gcmSeal(this.key, Buffer.from(plaintext, 'utf8'), `${this.owner}/${field}`);
  }

  open(field: string, sealed: Buffer): string {
    return gcmOpen(this.key, sealed, `${this.owner}/${field}`).toString('utf8');
  }

  /** A stream sealing a file's bytes (src/crypto/segmented-gcm.ts), bound to owner and field. */
  sealStream(field: string): Transform {
    return new SealSegments(this.key, `${this.owner}/${field}`);
  }

  /** A stream opening what `sealStream(field)` sealed; it errors on any altered byte. */
  openStream(field: string): Transform {
    return new OpenSegments(this.key, `${this.owner}/${field}`);
  }
}

/** Thrown when content is to be written for an owner whose data key was destroyed. */
export const disposedError = (): DomainError =>
  new DomainError(
    409,
    ErrorCode.CaseDisposed,
    'The case has been disposed of: nothing can be added',
  );

/**
 * Envelope encryption of case content (issue 19; docs/security.md "Encryption at rest").
 *
 * Every case (and every meeting, for its minutes) has its own random 256-bit data key, stored in
 * `data_keys` only wrapped by the key-encryption key (KEK, `DATA_KEK`) with the KEK's id; content
 * is AES-256-GCM under the data key. The wrapped key is bound to its council and owner, the
 * content to its owner and field. Destroying the data key (disposal) makes every copy of the
 * content unreadable — crypto-shredding.
 *
 * Callers decrypt only inside `AccessService.use` work, i.e. after the access path has loaded
 * the row through the caller's policy (DESIGN.md §3.1, §3.9), and only the fields the projection
 * lets through. How to wire a new field: `seal(scope, owner, 'x.field', text)` into a `bytea`
 * column on write, `open(...)` (or `dataKey(...)` once for many rows) on read.
 */
@Injectable()
export class CaseCipher {
  readonly keyring: Keyring;
  /** Keys unwrapped in a transaction, for its length only (keyed by the transaction's manager). */
  private readonly cache = new WeakMap<EntityManager, Map<string, DataKey | null>>();

  constructor(@Inject(APP_CONFIG) config: RuntimeConfig) {
    this.keyring = new Keyring(config.crypto.kek, config.crypto.previousKeks);
  }

  /** The owner's data key; with `create`, made on first use. Null: destroyed (or none yet). */
  async dataKey(scope: SealingScope, owner: KeyOwner, create = false): Promise<DataKey | null> {
    const name = ownerName(scope.councilId, owner);
    let perTx = this.cache.get(scope.em);
    if (!perTx) this.cache.set(scope.em, (perTx = new Map()));
    const cached = perTx.get(name);
    if (cached || (cached === null && !create)) return cached;
    let rows = await prepared<{ kekId: string | null; wrapped: Buffer | null }>(
      scope.em,
      'data_key',
      `SELECT kek_id AS "kekId", wrapped FROM data_keys WHERE council_id = $1 AND owner_type = $2 AND owner_id = $3`,
      [scope.councilId, owner.type, owner.id],
    );
    if (!rows[0] && create) {
      const fresh = randomBytes(32);
      const { kekId, wrapped } = this.keyring.wrap(fresh, name);
      rows = await prepared(
        scope.em,
        'data_key_insert',
        `INSERT INTO data_keys (council_id, owner_type, owner_id, kek_id, wrapped) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING kek_id AS "kekId", wrapped`,
        [scope.councilId, owner.type, owner.id, kekId, wrapped],
      );
      if (!rows[0]) return this.dataKey(scope, owner, false);
    }
    const row = rows[0];
    if (row && !row.wrapped && create) throw disposedError();
    const key =
      row?.wrapped && row.kekId
        ? new DataKey(this.keyring.unwrap(row.kekId, row.wrapped, name), name)
        : null;
    perTx.set(name, key);
    return key;
  }

  /** Seals `plaintext` under the owner's data key (made on first use). */
  async seal(
    scope: SealingScope,
    owner: KeyOwner,
    field: string,
    plaintext: string,
  ): Promise<Buffer> {
    return (await this.dataKey(scope, owner, true))!.seal(field, plaintext);
  }

  /** Opens a sealed value; null when there is none or its data key was destroyed (disposed). */
  async open(
    scope: SealingScope,
    owner: KeyOwner,
    field: string,
    sealed: Buffer | null,
  ): Promise<string | null> {
    if (!sealed) return null;
    const key = await this.dataKey(scope, owner);
    return key ? key.open(field, sealed) : null;
  }

  /**
   * The data key from a reference a row carried (`dataKeyRef` in CASE_COLUMNS), without a further query: for
   * field projection, which runs on rows already read. Null when the key was destroyed.
   */
  fromRef(councilId: string, owner: KeyOwner, ref: Buffer | null): DataKey | null {
    if (!ref) return null;
    const kekId = ref.subarray(0, KEK_ID_LENGTH).toString('utf8');
    const name = ownerName(councilId, owner);
    return new DataKey(this.keyring.unwrap(kekId, ref.subarray(KEK_ID_LENGTH), name), name);
  }

  /**
   * Crypto-shredding: destroys the owner's data key (the wrapped copy is overwritten by NULL;
   * the row stays as the record that it existed). Answers whether a live key was destroyed.
   */
  async destroy(scope: SealingScope, owner: KeyOwner): Promise<boolean> {
    this.cache.get(scope.em)?.set(ownerName(scope.councilId, owner), null);
    const rows = await prepared(
      scope.em,
      'data_key_destroy',
      `UPDATE data_keys SET wrapped = NULL, kek_id = NULL, destroyed_at = now()
        WHERE council_id = $1 AND owner_type = $2 AND owner_id = $3 AND destroyed_at IS NULL RETURNING owner_id`,
      [scope.councilId, owner.type, owner.id],
    );
    return rows.length > 0;
  }

  /**
   * Re-wraps every live data key of the scope's council that is not under the current KEK
   * (`kek:rotate`). The data keys themselves — and so all content — are unchanged.
   */
  async rewrap(scope: SealingScope): Promise<{ rewrapped: number; remaining: number }> {
    const rows = await prepared<{
      ownerType: 'case' | 'meeting';
      ownerId: string;
      kekId: string;
      wrapped: Buffer;
    }>(
      scope.em,
      'data_keys_to_rewrap',
      `SELECT owner_type AS "ownerType", owner_id AS "ownerId", kek_id AS "kekId", wrapped FROM data_keys
        WHERE council_id = $1 AND destroyed_at IS NULL AND kek_id <> $2 FOR UPDATE`,
      [scope.councilId, this.keyring.currentId],
    );
    let rewrapped = 0;
    for (const r of rows) {
      const name = ownerName(scope.councilId, { type: r.ownerType, id: r.ownerId });
      const next = this.keyring.wrap(this.keyring.unwrap(r.kekId, r.wrapped, name), name);
      await prepared(
        scope.em,
        'data_key_rewrap',
        `UPDATE data_keys SET kek_id = $4, wrapped = $5, rewrapped_at = now()
          WHERE council_id = $1 AND owner_type = $2 AND owner_id = $3`,
        [scope.councilId, r.ownerType, r.ownerId, next.kekId, next.wrapped],
      );
      rewrapped += 1;
    }
    return { rewrapped, remaining: rows.length - rewrapped };
  }
}

const ownerName = (councilId: string, owner: KeyOwner): string =>
  `${councilId}/${owner.type}/${owner.id}`;

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface TotpRow {
  id: string;
  userId: string;
  secretCiphertext: Buffer;
  confirmedAt: Date | null;
  lastUsedStep: number | null;
}

const TOTP_SELECT = `SELECT id, user_id AS "userId", secret_ciphertext AS "secretCiphertext",
  confirmed_at AS "confirmedAt", last_used_step::float8 AS "lastUsedStep" FROM mfa_totp`;

/**
 * TOTP enrolments and recovery codes. Users are global (not council data), like sessions; the
 * application role deletes nothing, so a disabled factor stays on record (disabled_at).
 */
@Injectable()
export class MfaRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The user's live enrolment (confirmed or still being set up), if any. */
  async live(userId: string, em?: EntityManager): Promise<TotpRow | null> {
    const rows = (await this.m(em).query(
      `${TOTP_SELECT} WHERE user_id = $1 AND disabled_at IS NULL`,
      [userId],
    )) as TotpRow[];
    return rows[0] ?? null;
  }

  async insert(userId: string, secretCiphertext: Buffer, em: EntityManager): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO mfa_totp (user_id, secret_ciphertext) VALUES ($1, $2) RETURNING id`,
      [userId, secretCiphertext],
    )) as { id: string }[];
    return rows[0].id;
  }

  async disable(id: string, em: EntityManager): Promise<void> {
    await em.query(
      `UPDATE mfa_totp SET disabled_at = now() WHERE id = $1 AND disabled_at IS NULL`,
      [id],
    );
  }

  /**
   * Records `step` as used, only if it is later than every step used before: a code is
   * accepted once per time step, even by two requests racing with it. False if it lost.
   */
  async useStep(id: string, step: number, em?: EntityManager): Promise<boolean> {
    const [rows] = (await this.m(em).query(
      `UPDATE mfa_totp SET last_used_step = $2
        WHERE id = $1 AND disabled_at IS NULL AND (last_used_step IS NULL OR last_used_step < $2)
        RETURNING id`,
      [id, step],
    )) as [unknown[], number];
    return rows.length === 1;
  }

  /** Confirms a pending enrolment with the step of its first code; false if already confirmed. */
  async confirm(id: string, step: number, em: EntityManager): Promise<boolean> {
    const [rows] = (await em.query(
      `UPDATE mfa_totp SET confirmed_at = now(), last_used_step = $2
        WHERE id = $1 AND disabled_at IS NULL AND confirmed_at IS NULL
        RETURNING id`,
      [id, step],
    )) as [unknown[], number];
    return rows.length === 1;
  }

  async insertRecoveryCodes(totpId: string, hashes: string[], em: EntityManager): Promise<void> {
    await em.query(
      `INSERT INTO mfa_recovery_codes (totp_id, code_hash) SELECT $1, unnest($2::text[])`,
      [totpId, hashes],
    );
  }

  async unusedRecoveryCodes(totpId: string): Promise<{ id: string; codeHash: string }[]> {
    return (await this.dataSource.query(
      `SELECT id, code_hash AS "codeHash" FROM mfa_recovery_codes WHERE totp_id = $1 AND used_at IS NULL`,
      [totpId],
    )) as { id: string; codeHash: string }[];
  }

  /** Marks a recovery code used; false when another request used it first (each works once). */
  async useRecoveryCode(id: string): Promise<boolean> {
    const [rows] = (await this.dataSource.query(
      `UPDATE mfa_recovery_codes SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id`,
      [id],
    )) as [unknown[], number];
    return rows.length === 1;
  }

  /** Whether the user has a confirmed, live second factor. */
  async enabled(userId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM mfa_totp WHERE user_id = $1 AND disabled_at IS NULL AND confirmed_at IS NOT NULL`,
      [userId],
    )) as unknown[];
    return rows.length > 0;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { prepared, preparedOnPool } from '../database/prepared';
import { RevokedReason } from './session.entity';
import { SecurityAction } from './security-event.entity';

export interface LiveSession {
  sessionId: string;
  userId: string;
  email: string;
  isSystemAdmin: boolean;
  mustChangePassword: boolean;
}

export interface LockoutState {
  failureCount: number;
  firstFailureAt: Date;
  lockedUntil: Date | null;
}

export interface SecurityEventInput {
  action: SecurityAction;
  outcome: 'allowed' | 'denied';
  userId?: string | null;
  sessionId?: string | null;
  reason?: string | null;
  sourceIp?: string | null;
  requestId?: string | null;
  /** The platform client concerned, for platform.* events. */
  platformClientId?: string | null;
}

/** Queries for sessions, refresh tokens, login lockouts and the security log. */
@Injectable()
export class AuthRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // --- sessions -------------------------------------------------------------------------

  async createSession(userId: string, ttlSeconds: number, em: EntityManager): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO auth_sessions (user_id, expires_at) VALUES ($1, now() + make_interval(secs => $2)) RETURNING id`,
      [userId, ttlSeconds],
    )) as { id: string }[];
    return rows[0].id;
  }

  /** The session behind an access token, if it is still live. One indexed lookup per request. */
  async findLiveSession(sessionId: string, userId: string): Promise<LiveSession | null> {
    const rows = await preparedOnPool<LiveSession>(
      this.dataSource,
      'live_session',
      `SELECT s.id AS "sessionId", u.id AS "userId", u.email, u.is_system_admin AS "isSystemAdmin",
              u.must_change_password AS "mustChangePassword"
         FROM auth_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()`,
      [sessionId, userId],
    );
    return rows[0] ?? null;
  }

  async revokeSession(sessionId: string, reason: RevokedReason, em?: EntityManager): Promise<void> {
    await this.m(em).query(
      `UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId, reason],
    );
  }

  /** Revokes every live session of a user except `keepSessionId`. Returns how many. */
  async revokeUserSessions(
    userId: string,
    reason: RevokedReason,
    keepSessionId: string | null,
    em?: EntityManager,
  ): Promise<number> {
    const rows = (await this.m(em).query(
      `UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)
        RETURNING id`,
      [userId, reason, keepSessionId],
    )) as [unknown[], number] | unknown[];
    return Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
  }

  // --- refresh tokens -------------------------------------------------------------------

  async insertRefreshToken(sessionId: string, tokenHash: Buffer, em: EntityManager): Promise<void> {
    await em.query(`INSERT INTO refresh_tokens (session_id, token_hash) VALUES ($1, $2)`, [
      sessionId,
      tokenHash,
    ]);
  }

  /** Locks the token row so two concurrent refreshes with one token cannot both succeed. */
  async lockRefreshToken(
    tokenHash: Buffer,
    em: EntityManager,
  ): Promise<{
    id: string;
    sessionId: string;
    userId: string;
    usedAt: Date | null;
    sessionLive: boolean;
  } | null> {
    const rows = (await em.query(
      `SELECT t.id, t.session_id AS "sessionId", s.user_id AS "userId", t.used_at AS "usedAt",
              (s.revoked_at IS NULL AND s.expires_at > now()) AS "sessionLive"
         FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
        WHERE t.token_hash = $1
          FOR UPDATE OF t, s`,
      [tokenHash],
    )) as {
      id: string;
      sessionId: string;
      userId: string;
      usedAt: Date | null;
      sessionLive: boolean;
    }[];
    return rows[0] ?? null;
  }

  async markRefreshTokenUsed(id: string, em: EntityManager): Promise<void> {
    await em.query(`UPDATE refresh_tokens SET used_at = now() WHERE id = $1`, [id]);
    await em.query(
      `UPDATE auth_sessions SET last_used_at = now() WHERE id = (SELECT session_id FROM refresh_tokens WHERE id = $1)`,
      [id],
    );
  }

  // --- lockout --------------------------------------------------------------------------

  /** Reads and locks the lockout row for an e-mail key, creating it if absent. */
  async lockLockoutRow(emailKey: Buffer, em: EntityManager): Promise<LockoutState> {
    await em.query(
      `INSERT INTO login_lockouts (email_key) VALUES ($1) ON CONFLICT (email_key) DO NOTHING`,
      [emailKey],
    );
    const rows = (await em.query(
      `SELECT failure_count AS "failureCount", first_failure_at AS "firstFailureAt", locked_until AS "lockedUntil"
         FROM login_lockouts WHERE email_key = $1 FOR UPDATE`,
      [emailKey],
    )) as LockoutState[];
    return rows[0];
  }

  async saveLockout(emailKey: Buffer, state: LockoutState, em?: EntityManager): Promise<void> {
    await this.m(em).query(
      `UPDATE login_lockouts SET failure_count = $2, first_failure_at = $3, locked_until = $4 WHERE email_key = $1`,
      [emailKey, state.failureCount, state.firstFailureAt, state.lockedUntil],
    );
  }

  async clearLockout(emailKey: Buffer, em?: EntityManager): Promise<void> {
    await this.m(em).query(
      `UPDATE login_lockouts SET failure_count = 0, locked_until = NULL, first_failure_at = now() WHERE email_key = $1`,
      [emailKey],
    );
  }

  /**
   * Councils where the user holds an ACCEPTED staff record in force today (in-force.ts), read
   * through the SECURITY DEFINER function `directory_memberships` (no council is chosen yet at
   * login; its `active` is the in-force rule). Only these councils receive the user's login
   * events, and only a record in force elsewhere keeps the sessions alive when one ends (issue 13).
   */
  async councilsOfUser(userId: string, em: EntityManager): Promise<string[]> {
    const rows = await prepared<{ councilId: string }>(
      em,
      'login_councils',
      `SELECT DISTINCT council_id AS "councilId" FROM directory_memberships($1)
        WHERE active
        ORDER BY council_id`, // a fixed order: two logins never lock chain heads crosswise
      [userId],
    );
    return rows.map((r) => r.councilId);
  }

  /**
   * Counts a failed login per account and source within a window. Only the first failure of a
   * window is written to the logs (with the window's count kept here), so a flood of guesses
   * cannot flood the audit log (a lesson from Primero). Returns the count so far.
   */
  async countFailure(emailKey: Buffer, sourceIp: string, windowSeconds: number): Promise<number> {
    const rows = (await this.dataSource.query(
      `INSERT INTO login_failure_windows AS w (email_key, source_ip, window_started_at, failures, last_failure_at)
       VALUES ($1, $2, now(), 1, now())
       ON CONFLICT (email_key, source_ip) DO UPDATE SET
         failures = CASE WHEN w.window_started_at < now() - make_interval(secs => $3) THEN 1 ELSE w.failures + 1 END,
         window_started_at = CASE WHEN w.window_started_at < now() - make_interval(secs => $3) THEN now() ELSE w.window_started_at END,
         last_failure_at = now()
       RETURNING failures`,
      [emailKey, sourceIp, windowSeconds],
    )) as { failures: number }[];
    return rows[0].failures;
  }

  // --- password resets ------------------------------------------------------------------

  /** A new reset for the user; any earlier unused one is spent (only the latest link works). */
  async insertPasswordReset(
    userId: string,
    tokenHash: Buffer,
    ttlSeconds: number,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    );
    await em.query(
      `INSERT INTO password_resets (user_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
      [userId, tokenHash, ttlSeconds],
    );
  }

  /** Spends a live reset token (single use, unexpired); returns its user, or null. */
  async consumePasswordReset(tokenHash: Buffer, em: EntityManager): Promise<string | null> {
    const [rows] = (await em.query(
      `UPDATE password_resets SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id AS "userId"`,
      [tokenHash],
    )) as [{ userId: string }[], number];
    return rows[0]?.userId ?? null;
  }

  // --- security log ---------------------------------------------------------------------

  /** With `em`, inside the caller's transaction (fail closed); without, in its own. */
  async recordEvent(event: SecurityEventInput, em?: EntityManager): Promise<void> {
    await this.m(em).query(
      `INSERT INTO security_events (action, outcome, user_id, session_id, reason, source_ip, request_id, platform_client_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        event.action,
        event.outcome,
        event.userId ?? null,
        event.sessionId ?? null,
        event.reason ?? null,
        event.sourceIp ?? null,
        event.requestId ?? null,
        event.platformClientId ?? null,
      ],
    );
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes } from 'node:crypto';
import { AuthRepository } from '../auth/auth.repository';
import { AuthUser, JWT_ISSUER, RequestOrigin } from '../auth/auth.types';
import { PasswordHasher } from '../auth/password-hasher';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { notFound, unauthenticated } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { decodeCursor, Page, pageLimit, PageQueryDto, toPage } from '../common/http/pagination';
import {
  PlatformClientDto,
  PlatformClientSecretDto,
  PlatformTokenDto,
} from './dto/platform-clients.dto';
import { PlatformClientRow, PlatformClientsRepository } from './platform-clients.repository';
import {
  PLATFORM_TOKEN_AUDIENCE,
  PLATFORM_TOKEN_TYPE,
  PlatformClient,
  PlatformTokenClaims,
  platformTokenKey,
} from './platform-token';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One answer for an unknown client, a wrong secret and a revoked client alike. */
const invalidClient = () =>
  unauthenticated(ErrorCode.InvalidCredentials, 'Invalid client id or secret');

const view = (row: PlatformClientRow): PlatformClientDto => ({
  clientId: row.id,
  name: row.name,
  createdAt: row.createdAt.toISOString(),
  revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
});

/**
 * Machine clients of the wider platform (DESIGN.md §2, §3.6): registered by the operator, with a
 * secret shown once and stored only as an argon2id hash, exchanged for short-lived tokens that
 * only the platform statistics accept. Every registration, revocation and token request is on
 * the security log.
 */
@Injectable()
export class PlatformClientsService {
  private readonly tokenKey: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly repo: PlatformClientsRepository,
    private readonly security: AuthRepository,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
  ) {
    this.tokenKey = platformTokenKey(config.auth.jwtSecret);
  }

  async create(
    user: AuthUser,
    name: string,
    origin: RequestOrigin,
  ): Promise<PlatformClientSecretDto> {
    const clientSecret = `pcs_${randomBytes(32).toString('base64url')}`;
    const secretHash = await this.hasher.hash(clientSecret);
    const row = await this.repo.transaction(async (em) => {
      const created = await this.repo.insert(name.trim(), secretHash, user.userId, em);
      // Same transaction: no client exists without the record of who registered it.
      await this.security.recordEvent(
        {
          action: 'platform.client_create',
          outcome: 'allowed',
          userId: user.userId,
          sessionId: user.sessionId,
          platformClientId: created.id,
          ...origin,
        },
        em,
      );
      return created;
    });
    return { ...view(row), clientSecret };
  }

  async list(q: PageQueryDto): Promise<Page<PlatformClientDto>> {
    const limit = pageLimit(q);
    const rows = await this.repo.list(decodeCursor(q.cursor), limit);
    return toPage(rows, limit, (r) => ({ key: r.sortKey, id: r.id }), view);
  }

  /** Ends a client at once: its tokens stop working on their next request. Idempotent. */
  async revoke(
    user: AuthUser,
    clientId: string,
    origin: RequestOrigin,
  ): Promise<PlatformClientDto> {
    const row = await this.repo.transaction(async (em) => {
      const revoked = await this.repo.revoke(clientId, user.userId, em);
      if (!revoked) return null;
      await this.security.recordEvent(
        {
          action: 'platform.client_revoke',
          outcome: 'allowed',
          userId: user.userId,
          sessionId: user.sessionId,
          platformClientId: revoked.id,
          ...origin,
        },
        em,
      );
      return revoked;
    });
    if (!row) throw notFound('Platform client');
    return view(row);
  }

  /** Client credentials → a short-lived platform token (POST /api/auth/token). */
  async issueToken(
    clientId: string,
    clientSecret: string,
    origin: RequestOrigin,
  ): Promise<PlatformTokenDto> {
    const client = UUID.test(clientId)
      ? await this.repo.findWithHash(clientId.toLowerCase())
      : null;
    const valid = client
      ? await this.hasher.verify(client.secretHash, clientSecret)
      : await this.hasher.verifyAgainstNothing(clientSecret); // same time whether it exists or not
    if (!client || !valid || client.revokedAt) {
      await this.recordDenial(
        client?.id ?? null,
        !client ? 'unknown_client' : !valid ? 'wrong_secret' : 'revoked',
        origin,
      );
      throw invalidClient();
    }
    const claims: PlatformTokenClaims = { sub: client.id, typ: PLATFORM_TOKEN_TYPE };
    const expiresIn = this.config.platform.tokenTtlSeconds;
    const accessToken = await this.jwt.signAsync(claims, {
      secret: this.tokenKey,
      algorithm: 'HS256',
      expiresIn,
      issuer: JWT_ISSUER,
      audience: PLATFORM_TOKEN_AUDIENCE,
    });
    // Recorded before the token is handed out: no token without its record (fail closed).
    await this.security.recordEvent({
      action: 'platform.token',
      outcome: 'allowed',
      platformClientId: client.id,
      ...origin,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn };
  }

  /** The live client behind a platform token, or null (bad, expired, or revoked since). */
  async authenticate(token: string): Promise<PlatformClient | null> {
    let claims: Partial<PlatformTokenClaims>;
    try {
      claims = await this.jwt.verifyAsync<PlatformTokenClaims>(token, {
        secret: this.tokenKey,
        algorithms: ['HS256'],
        issuer: JWT_ISSUER,
        audience: PLATFORM_TOKEN_AUDIENCE,
      });
    } catch {
      return null;
    }
    if (claims.typ !== PLATFORM_TOKEN_TYPE || !UUID.test(String(claims.sub))) return null;
    const row = await this.repo.findActive(String(claims.sub));
    return row ? { id: row.id, name: row.name } : null;
  }

  /**
   * Refused token requests go to the security log once per client id and source per window
   * (like failed logins), so guessing cannot flood the log.
   */
  private async recordDenial(
    clientId: string | null,
    reason: string,
    origin: RequestOrigin,
  ): Promise<void> {
    const key = createHash('sha256')
      .update(`platform-token:${clientId ?? 'unknown'}`)
      .digest();
    const count = await this.security.countFailure(
      key,
      origin.sourceIp ?? '',
      this.config.audit.loginFailureWindowSeconds,
    );
    if (count !== 1) return;
    await this.security.recordEvent({
      action: 'platform.token',
      outcome: 'denied',
      platformClientId: clientId,
      reason,
      ...origin,
    });
  }
}

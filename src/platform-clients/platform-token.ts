import { createHmac } from 'node:crypto';

/**
 * Platform client tokens are a different kind of token from the users' (DESIGN.md §3.6): their
 * own audience, their own `typ`, and an HMAC key derived from JWT_SECRET for this purpose only.
 * The users' JwtAuthGuard therefore cannot even verify one (wrong key, wrong audience, wrong
 * typ: three independent refusals → 401 on every user route), and the platform guard cannot
 * verify a user's token.
 */
export const PLATFORM_TOKEN_AUDIENCE = 'kodoku-council-platform';
export const PLATFORM_TOKEN_TYPE = 'platform';

export interface PlatformTokenClaims {
  /** The platform client's id. */
  sub: string;
  typ: typeof PLATFORM_TOKEN_TYPE;
}

export function platformTokenKey(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret)
    .update('kodoku-council/platform-client-token/v1')
    .digest('base64url');
}

/** The platform client behind a verified token (read from the database on every request). */
export interface PlatformClient {
  id: string;
  name: string;
}

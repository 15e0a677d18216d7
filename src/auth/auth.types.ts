/** Who is calling, as established by the JWT guard from a live session (never from claims alone). */
export interface AuthUser {
  userId: string;
  sessionId: string;
  email: string;
  isSystemAdmin: boolean;
}

/** Where a request came from, for the security log. */
export interface RequestOrigin {
  sourceIp: string | null;
  requestId: string | null;
}

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  typ: 'access';
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export const JWT_ISSUER = 'kodoku-council';
export const JWT_AUDIENCE = 'kodoku-council-api';

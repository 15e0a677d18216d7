/** Who is calling, as established by the JWT guard from a live session (never from claims alone). */
export interface AuthUser {
  userId: string;
  sessionId: string;
  email: string;
  isSystemAdmin: boolean;
  /** The password was set by an operator: every route but a few answers 403 until it is changed. */
  mustChangePassword: boolean;
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
  /** Present (true) when the password must be changed before anything else (POST /api/me/password). */
  passwordChangeRequired?: true;
}

/** The first step of a login with a second factor: present a code with this token. */
export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
  expiresIn: number;
}

export type LoginResult = TokenPair | MfaChallenge;

/** The claims of an MFA challenge token: its own audience, so it never passes as an access token. */
export interface MfaChallengeClaims {
  sub: string;
  typ: 'mfa';
  /** The TOTP enrolment the code must belong to. */
  tid: string;
  /** users.password_changed_at (ms): a password change or reset voids open challenges. */
  pwd: number;
}

export const JWT_ISSUER = 'kodoku-council';
export const JWT_AUDIENCE = 'kodoku-council-api';
export const MFA_AUDIENCE = 'kodoku-council-mfa';

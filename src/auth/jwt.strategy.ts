import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { AuthService } from './auth.service';
import { AccessTokenClaims, AuthUser, JWT_AUDIENCE, JWT_ISSUER } from './auth.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: RuntimeConfig,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.auth.jwtSecret,
      // Pinning the algorithm rejects `alg: none` and HS/RS confusion outright.
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  /** Claims alone are not enough: the session must still be live (logout, reuse, password change). */
  async validate(payload: Partial<AccessTokenClaims>): Promise<AuthUser | false> {
    if (
      payload.typ !== 'access' ||
      !UUID.test(String(payload.sub)) ||
      !UUID.test(String(payload.sid))
    )
      return false;
    return (await this.auth.authenticate(payload as AccessTokenClaims)) ?? false;
  }
}

import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { throttlerStorage } from './throttle-storage';
import { Lockout } from './lockout';
import { MfaController } from './mfa.controller';
import { MfaRepository } from './mfa.repository';
import { MfaService } from './mfa.service';
import { PasswordResetService } from './password-reset.service';
import { SecretBox } from './secret-box';

@Module({
  imports: [
    JwtModule.register({}),
    UsersModule,
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => ({
        throttlers: [{ name: 'auth', ttl: 60_000, limit: config.auth.loginRatePerMinute }],
        storage: throttlerStorage(config),
      }),
    }),
  ],
  controllers: [AuthController, MfaController],
  providers: [
    AuthService,
    AuthRepository,
    Lockout,
    SecretBox,
    MfaRepository,
    MfaService,
    PasswordResetService,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
  exports: [AuthService, AuthRepository, MfaService],
})
export class AuthModule {}

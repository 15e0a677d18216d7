import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AuthModule } from '../auth/auth.module';
import { PasswordHasher } from '../auth/password-hasher';
import { PlatformClientsController } from './platform-clients.controller';
import { PlatformClientsRepository } from './platform-clients.repository';
import { PlatformClientsService } from './platform-clients.service';
import { PlatformTokenController } from './platform-token.controller';
import { PlatformTokenGuard } from './platform-token.guard';

/**
 * Machine clients of the wider platform (DESIGN.md §2, §3.6): the operator registers and revokes
 * them, they exchange their credentials for platform tokens, and PlatformTokenGuard admits those
 * tokens (and only those) to the platform routes. Kept apart from the statistics module
 * (src/platform), which thereby needs no connection but the platform role's.
 */
@Module({
  imports: [AuthModule, JwtModule.register({})],
  controllers: [PlatformClientsController, PlatformTokenController],
  providers: [
    PasswordHasher,
    PlatformClientsRepository,
    PlatformClientsService,
    PlatformTokenGuard,
  ],
  exports: [PlatformClientsService, PlatformTokenGuard],
})
export class PlatformClientsModule {}

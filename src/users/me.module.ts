import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CouncilsModule } from '../councils/councils.module';
import { MeController } from './me.controller';
import { MeService } from './me.service';
import { UsersModule } from './users.module';

@Module({
  imports: [AuthModule, UsersModule, CouncilsModule],
  controllers: [MeController],
  providers: [MeService],
})
export class MeModule {}

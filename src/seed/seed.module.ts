import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { CouncilsModule } from '../councils/councils.module';
import { UsersModule } from '../users/users.module';
import { DemoSeeder } from './demo-seed';

@Module({
  imports: [UsersModule, CouncilsModule, CasesModule],
  providers: [DemoSeeder],
  exports: [DemoSeeder],
})
export class SeedModule {}

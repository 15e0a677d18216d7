import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { CouncilsModule } from '../councils/councils.module';
import { MeetingsModule } from '../meetings/meetings.module';
import { UsersModule } from '../users/users.module';
import { DemoSeeder } from './demo-seed';

@Module({
  imports: [UsersModule, CouncilsModule, CasesModule, MeetingsModule],
  providers: [DemoSeeder],
  exports: [DemoSeeder],
})
export class SeedModule {}

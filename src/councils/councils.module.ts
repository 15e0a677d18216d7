import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { CouncilsService } from './councils.service';
import { StaffRepository } from './staff.repository';

@Module({
  imports: [UsersModule],
  providers: [StaffRepository, CouncilsService],
  exports: [StaffRepository, CouncilsService],
})
export class CouncilsModule {}

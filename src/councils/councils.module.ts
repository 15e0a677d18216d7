import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { CouncilRecoveryService } from './council-recovery.service';
import { CouncilsController } from './councils.controller';
import { CouncilsRepository } from './councils.repository';
import { CouncilsService } from './councils.service';
import { InvitationIssuer } from './invitation-issuer';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MemberBodiesController } from './member-bodies.controller';
import { MemberBodiesService } from './member-bodies.service';
import { PledgeController } from './pledge.controller';
import { PledgeService } from './pledge.service';
import { PublicNoticeController } from './public-notice.controller';
import { StaffController } from './staff.controller';
import { StaffRepository } from './staff.repository';
import { StaffService } from './staff.service';

@Module({
  imports: [UsersModule, AuthModule],
  controllers: [
    CouncilsController,
    MemberBodiesController,
    StaffController,
    PledgeController,
    PublicNoticeController,
    InvitationsController,
  ],
  providers: [
    CouncilsRepository,
    CouncilsService,
    MemberBodiesService,
    StaffService,
    PledgeService,
    StaffRepository,
    InvitationsRepository,
    InvitationIssuer,
    InvitationsService,
    CouncilRecoveryService,
  ],
  exports: [
    StaffRepository,
    CouncilsService,
    MemberBodiesService,
    StaffService,
    PledgeService,
    InvitationsService,
  ],
})
export class CouncilsModule {}

import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { AccessService } from '../access/access.service';
import { notFound } from '../common/errors/domain-error';
import { StaffRepository } from '../councils/staff.repository';
import { UsersRepository } from './users.repository';

export class MembershipDto {
  @ApiProperty({ format: 'uuid' }) staffId!: string;
  @ApiProperty({ format: 'uuid' }) councilId!: string;
  @ApiProperty({ format: 'uuid' }) memberBodyId!: string;
  @ApiProperty({ enum: ['coordinator', 'agency_staff', 'auditor'] }) role!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) pledgedAt!: string | null;
  @ApiProperty() active!: boolean;
}

export class MeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty() isSystemAdmin!: boolean;
  @ApiProperty({ type: [MembershipDto] }) memberships!: MembershipDto[];
}

@Injectable()
export class MeService {
  constructor(
    private readonly users: UsersRepository,
    private readonly staff: StaffRepository,
    private readonly access: AccessService,
  ) {}

  async profile(userId: string): Promise<MeDto> {
    const user = await this.users.findById(userId);
    if (!user) throw notFound('User');
    const memberships = await this.access.register(user.id, (r) => this.staff.memberships(r));
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      isSystemAdmin: user.isSystemAdmin,
      memberships: memberships.map((m) => ({
        ...m,
        pledgedAt: m.pledgedAt ? m.pledgedAt.toISOString() : null,
      })),
    };
  }
}

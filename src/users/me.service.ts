import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { MfaService } from '../auth/mfa.service';
import { notFound } from '../common/errors/domain-error';
import { StaffRepository } from '../councils/staff.repository';
import { MeDto } from './me.dto';
import { UsersRepository } from './users.repository';

export { MeDto, MembershipDto } from './me.dto';

@Injectable()
export class MeService {
  constructor(
    private readonly users: UsersRepository,
    private readonly staff: StaffRepository,
    private readonly access: AccessService,
    private readonly mfa: MfaService,
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
      mfaEnabled: await this.mfa.enabled(user.id),
      passwordChangeRequired: user.mustChangePassword,
      memberships: memberships.map((m) => ({
        ...m,
        pledgedAt: m.pledgedAt ? m.pledgedAt.toISOString() : null,
      })),
    };
  }
}

import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { MfaService } from '../auth/mfa.service';
import { notFound } from '../common/errors/domain-error';
import { StaffRepository } from '../councils/staff.repository';
import { MeDto, NotificationsDto } from './me.dto';
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

  async notifications(userId: string): Promise<NotificationsDto> {
    const settings = await this.users.notifications(userId);
    if (!settings) throw notFound('User');
    return settings;
  }

  /** Opting out of (or back into) the daily digest: the person's own setting, nobody else's. */
  async setNotifications(userId: string, dto: NotificationsDto): Promise<NotificationsDto> {
    await this.users.setDailyDigest(userId, dto.dailyDigest);
    return this.notifications(userId);
  }
}

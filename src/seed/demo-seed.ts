import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StaffRole } from '../councils/council.entity';
import { CouncilsService } from '../councils/councils.service';
import { UsersService } from '../users/users.service';

/** Everyone in the demo signs in with this password. The demo council is fictional. */
export const DEMO_PASSWORD = 'demo-password-2026';

export interface DemoLogin {
  email: string;
  role: StaffRole | 'system_admin';
  note: string;
}

export const DEMO_LOGINS: DemoLogin[] = [
  { email: 'admin@demo.example', role: 'system_admin', note: 'operator of the installation' },
  {
    email: 'coordinator@demo.example',
    role: 'coordinator',
    note: '桜ヶ丘市 福祉部 地域福祉課 (coordinating body)',
  },
  { email: 'shakyo@demo.example', role: 'agency_staff', note: '桜ヶ丘市社会福祉協議会' },
  { email: 'npo@demo.example', role: 'agency_staff', note: 'NPO法人 つながりの灯' },
  { email: 'auditor@demo.example', role: 'auditor', note: '桜ヶ丘市 個人情報保護担当' },
];

/**
 * Seeds a fictional council (桜ヶ丘市孤独・孤立対策地域協議会) on an empty embedded database.
 * Goes through the same services as the API, never raw SQL, so the demo obeys every rule.
 */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly councils: CouncilsService,
  ) {}

  /** Seeds only when the database has no user yet. Returns whether it seeded. */
  async seedIfEmpty(): Promise<boolean> {
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM users`)) as {
      n: number;
    }[];
    if (n > 0) return false;
    await this.dataSource.transaction(async (em) => {
      await this.users.findOrCreate(
        {
          email: 'admin@demo.example',
          displayName: 'デモ 管理者',
          password: DEMO_PASSWORD,
          isSystemAdmin: true,
        },
        em,
      );
      const council = await this.councils.createCouncil(
        {
          name: '桜ヶ丘市孤独・孤立対策地域協議会',
          municipalities: ['桜ヶ丘市'],
          establishedOn: '2024-04-01',
        },
        em,
      );
      const body = (name: string, kind: Parameters<CouncilsService['addMemberBody']>[1]['kind']) =>
        this.councils.addMemberBody(council.id, { name, kind, joinedOn: '2024-04-01' }, em);
      const city = await body('桜ヶ丘市 福祉部 地域福祉課', 'municipality');
      const shakyo = await body('桜ヶ丘市社会福祉協議会', 'social_welfare_council');
      const npo = await body('NPO法人 つながりの灯', 'npo');
      await body('桜ヶ丘保健センター', 'public_health');

      const staff: [string, string, string, StaffRole][] = [
        ['coordinator@demo.example', '調整 花子', city.id, 'coordinator'],
        ['shakyo@demo.example', '社協 太郎', shakyo.id, 'agency_staff'],
        ['npo@demo.example', '灯 さくら', npo.id, 'agency_staff'],
        ['auditor@demo.example', '監査 一郎', city.id, 'auditor'],
      ];
      for (const [email, displayName, memberBodyId, role] of staff) {
        await this.councils.addStaff(
          council.id,
          { email, displayName, memberBodyId, role, initialPassword: DEMO_PASSWORD },
          em,
        );
      }
    });
    this.logger.log('seeded the fictional demo council');
    return true;
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { DataSource } from 'typeorm';
import { CouncilPrincipal } from '../access/council-principal';
import { PrincipalResolver } from '../access/principal-resolver';
import { CasesService } from '../cases/cases.service';
import { StaffRole } from '../councils/council.types';
import { CouncilsService } from '../councils/councils.service';
import { CreateStaffDto } from '../councils/dto/council.dto';
import { InvitationsService } from '../councils/invitations.service';
import { MemberBodiesService } from '../councils/member-bodies.service';
import { PledgeService } from '../councils/pledge.service';
import { StaffService } from '../councils/staff.service';
import { MeetingsService } from '../meetings/meetings.service';
import { MinutesService } from '../meetings/minutes.service';
import { UsersService } from '../users/users.service';

/** A date relative to today (Japan), so the demo is sensible whenever it is first started. */
const daysAgo = (n: number): string =>
  new Date(Date.now() + 9 * 3600_000 - n * 86_400_000).toISOString().slice(0, 10);

/** Everyone in the demo signs in with this password. The demo council is fictional. */
export const DEMO_PASSWORD = 'demo-password-2026';

/** This demo login has not accepted the confidentiality pledge yet (to show PLEDGE_REQUIRED). */
export const UNPLEDGED_DEMO_LOGIN = 'npo@demo.example';

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
  {
    email: 'npo@demo.example',
    role: 'agency_staff',
    note: 'NPO法人 つながりの灯 (has not accepted the pledge yet)',
  },
  { email: 'auditor@demo.example', role: 'auditor', note: '桜ヶ丘市 個人情報保護担当' },
];

/** Every event the seed writes carries this request id. */
const SEED = 'demo-seed';

/**
 * Seeds a fictional council (桜ヶ丘市孤独・孤立対策地域協議会) on an empty embedded database.
 * Goes through the same services as the API, never raw SQL, acting through principals the
 * access layer resolves exactly as for a request (PrincipalResolver), so the demo obeys every
 * rule: the system admin sets the council up, then its coordinator runs it.
 */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly councils: CouncilsService,
    private readonly bodies: MemberBodiesService,
    private readonly staff: StaffService,
    private readonly pledges: PledgeService,
    private readonly cases: CasesService,
    private readonly principals: PrincipalResolver,
    private readonly meetings: MeetingsService,
    private readonly minutes: MinutesService,
    private readonly invitations: InvitationsService,
  ) {}

  /**
   * A demo login is a staff record whose invitation the person accepted with their own password,
   * exactly as through the API (issue 13): invited by `by`, accepted at once with DEMO_PASSWORD,
   * so newcomers can sign in straight away. No second factor (README: how to turn it on).
   */
  private async invite(
    by: CouncilPrincipal,
    dto: CreateStaffDto,
  ): Promise<{ id: string; userId: string; email: string }> {
    const record = await this.staff.create(by, dto, 'none');
    const userId = await this.invitations.acceptWithNewAccount(
      record.invitation.token!,
      DEMO_PASSWORD,
      dto.displayName,
      { sourceIp: null, requestId: SEED },
    );
    return { id: record.id, userId, email: record.email };
  }

  /** Seeds only when the database has no user yet. Returns whether it seeded. */
  async seedIfEmpty(): Promise<boolean> {
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM users`)) as {
      n: number;
    }[];
    if (n > 0) return false;
    await this.seed();
    this.logger.log('seeded the fictional demo council');
    return true;
  }

  /** The principal a request by this staff member would carry, resolved from their live record. */
  private as(userId: string, councilId: string): Promise<CouncilPrincipal> {
    return this.principals.forCouncil(userId, councilId, { requestId: SEED });
  }

  /** A few fictional cases in different states of sharing, so the demo shows need-to-know. */
  private async seedCases(
    councilId: string,
    coordinator: { userId: string },
    shakyoId: string,
    npoId: string,
  ): Promise<void> {
    const p = await this.as(coordinator.userId, councilId);
    const a = await this.cases.create(p, {
      subject: {
        familyName: '桜井',
        givenName: '和子',
        familyNameKana: 'さくらい',
        givenNameKana: 'かずこ',
        birthDate: '1948-03-12',
        gender: 'female',
        address: '桜ヶ丘市東町1-2-3 (架空)',
        phone: '000-0000-0001',
      },
      summary: '夫を亡くしてから外出が減り、近隣との交流がない。民生委員から相談。',
      concerns: ['isolation', 'loneliness', 'health'],
      sensitive: { health: '通院中 (架空)' },
      reviewDueOn: daysAgo(-20),
    });
    await this.cases.createConsent(p, a.id as string, {
      memberBodyIds: [shakyoId],
      method: 'written',
      obtainedOn: daysAgo(30),
    });
    await this.cases.createAssignment(p, a.id as string, {
      memberBodyId: shakyoId,
      role: 'lead',
      scope: 'full',
      basis: 'consent',
    });

    const b = await this.cases.create(p, {
      subject: {
        familyName: '森',
        givenName: '健太',
        familyNameKana: 'もり',
        givenNameKana: 'けんた',
        birthDate: '1991-07-30',
        gender: 'male',
        address: '桜ヶ丘市西町4-5-6 (架空)',
      },
      summary: '離職後、数年にわたり自宅にひきこもりがち。家族から相談。',
      concerns: ['hikikomori', 'employment'],
      reviewDueOn: daysAgo(-45),
    });
    await this.cases.createAssignment(p, b.id as string, {
      memberBodyId: npoId,
      role: 'lead',
      scope: 'limited',
      basis: 'statutory',
      basisNote: '生活困窮者自立支援法に基づく支援会議での共有 (架空)',
    });

    await this.cases.create(p, {
      subject: {
        familyName: '川口',
        givenName: '美咲',
        familyNameKana: 'かわぐち',
        givenNameKana: 'みさき',
        birthDate: '1985-11-02',
        gender: 'female',
      },
      summary: '子育て中で頼れる親族がいない。同意取得前のため共有なし。',
      concerns: ['child_rearing', 'loneliness'],
    });
  }

  private async seed(): Promise<void> {
    // Made an administrator by the owner role: the application role cannot (issue 14).
    const { user: admin } = await this.users.ensureSystemAdmin(
      'admin@demo.example',
      DEMO_PASSWORD,
      this.config.database.migrationUrl,
      'デモ 管理者',
      // Demo accounts sign in with the documented password straight away (README).
      false,
    );
    // The operator sets the council up, exactly as through the API ...
    const founder = await this.principals.outsideCouncils(admin.id, SEED);
    if (!founder) throw new Error('the demo operator is not a system admin');
    const council = await this.councils.create(founder, {
      name: '桜ヶ丘市孤独・孤立対策地域協議会',
      municipalities: ['桜ヶ丘市'],
      establishedOn: '2024-04-01',
      // Demo logins sign in with a password alone; README says how to require a second factor.
      mfaRequiredRoles: [],
    });
    const operator = await this.principals.forCouncil(admin.id, council.id, {
      asSystemAdmin: true,
      requestId: SEED,
    });
    const joinedOn = '2024-04-01';
    const city = await this.bodies.create(operator, {
      name: '桜ヶ丘市 福祉部 地域福祉課',
      kind: 'municipality',
      joinedOn,
    });
    const coordinator = await this.invite(operator, {
      email: 'coordinator@demo.example',
      displayName: '調整 花子',
      memberBodyId: city.id,
      role: 'coordinator',
    });
    await this.councils.designateCoordinatingBody(operator, city.id);

    // ... and from then on the coordinator runs it.
    const coord = await this.as(coordinator.userId, council.id);
    const shakyo = await this.bodies.create(coord, {
      name: '桜ヶ丘市社会福祉協議会',
      kind: 'social_welfare_council',
      joinedOn,
    });
    const npo = await this.bodies.create(coord, {
      name: 'NPO法人 つながりの灯',
      kind: 'npo',
      joinedOn,
    });
    await this.bodies.create(coord, {
      name: '桜ヶ丘保健センター',
      kind: 'public_health',
      joinedOn,
    });

    const people: [string, string, string, StaffRole][] = [
      ['shakyo@demo.example', '社協 太郎', shakyo.id, 'agency_staff'],
      ['npo@demo.example', '灯 さくら', npo.id, 'agency_staff'],
      ['auditor@demo.example', '監査 一郎', city.id, 'auditor'],
    ];
    const pledged = [coordinator];
    for (const [email, displayName, memberBodyId, role] of people) {
      const record = await this.invite(coord, { email, displayName, memberBodyId, role });
      if (email !== UNPLEDGED_DEMO_LOGIN) pledged.push(record);
    }
    // Everyone but one has signed the pledge, so the demo also shows PLEDGE_REQUIRED.
    for (const record of pledged) {
      await this.pledges.accept(await this.as(record.userId, council.id), 1);
    }
    // 公示: the council is on the public register once its notice is published (issue 17).
    await this.councils.publishNotice(await this.as(coordinator.userId, council.id));
    await this.seedCases(council.id, coordinator, shakyo.id, npo.id);
    const shakyoStaff = pledged.find((r) => r.email === 'shakyo@demo.example')!;
    await this.seedMeetings(council.id, coordinator, shakyoStaff.id, shakyo.id);
  }

  /**
   * One meeting of each tier with minutes, through the same services as the API: a
   * representatives' meeting (policy, no case), a practitioners' review that pulls in the case
   * due for review, and a case conference whose final minutes carry an addendum.
   */
  private async seedMeetings(
    councilId: string,
    coordinator: { id: string; userId: string },
    shakyoStaffId: string,
    shakyoId: string,
  ): Promise<void> {
    const p = await this.as(coordinator.userId, councilId);
    const attendeeStaffIds = [coordinator.id, shakyoStaffId];
    const at = (daysBefore: number, time: string) => `${daysAgo(daysBefore)}T${time}:00+09:00`;
    const { items: cases } = await this.cases.list(p, { status: 'open' });
    const sakurai = cases.find((c) => (c.subject as { familyName?: string }).familyName === '桜井')!
      .id as string;

    const representatives = await this.meetings.create(p, {
      tier: 'representatives',
      title: '令和8年度 第1回 代表者会議',
      heldAt: at(150, '10:00'),
      place: '桜ヶ丘市役所 第1会議室',
      attendeeStaffIds,
      externalAttendees: [
        {
          name: '学識 経験子 (架空)',
          organisation: '桜ヶ丘大学 (架空)',
          confidentialityAcknowledged: true,
        },
      ],
    });
    await this.minutes.put(p, representatives.id as string, {
      body: '地域における孤独・孤立の現状と、相談窓口の周知方法について意見交換を行った。',
      decisions: [{ text: '相談窓口の周知を広報紙と社協だよりで強化する。' }],
      actionItems: [
        { text: '広報紙に相談窓口の案内を掲載する', memberBodyId: shakyoId, dueOn: daysAgo(-30) },
      ],
    });
    await this.minutes.finalize(p, representatives.id as string);

    // The ledger's case due within the month is pulled in, so its review is not forgotten.
    const practitioners = await this.meetings.create(p, {
      tier: 'practitioners',
      title: '第3回 実務者会議 (進行管理)',
      heldAt: at(1, '14:00'),
      place: '桜ヶ丘市社会福祉協議会 会議室',
      attendeeStaffIds,
      includeCasesDueForReview: true,
      reviewDueBy: daysAgo(-30),
    });
    const reviewed = practitioners.caseIds as string[];
    await this.minutes.put(p, practitioners.id as string, {
      body: '進行管理台帳に基づき、見直し時期を迎えたケースの支援状況を確認した。',
      reviews: reviewed.map((caseId) => ({
        caseId,
        outcome: 'continue' as const,
        note: '見守り訪問により外出の機会が増えている。',
        nextReviewOn: daysAgo(-90),
      })),
    });
    await this.minutes.finalize(p, practitioners.id as string);

    const conference = await this.meetings.create(p, {
      tier: 'case_conference',
      title: '桜井さん 個別ケース検討会議',
      heldAt: at(3, '15:30'),
      place: '桜ヶ丘市役所 相談室',
      caseIds: [sakurai],
      attendeeStaffIds,
    });
    await this.minutes.put(p, conference.id as string, {
      body: '本人の同意のもと、社協による見守り訪問の状況を共有し、今後の支援を検討した。',
      decisions: [
        { text: '週1回の見守り訪問を継続し、地域サロンへの参加を勧める。', caseId: sakurai },
      ],
      actionItems: [
        {
          text: '地域サロンの日程を本人に案内する',
          memberBodyId: shakyoId,
          dueOn: daysAgo(-14),
          caseId: sakurai,
        },
      ],
    });
    await this.minutes.finalize(p, conference.id as string);
    await this.minutes.addAddendum(p, conference.id as string, {
      text: '見守り訪問は週1回ではなく週2回と合意した。',
      reason: '議事録の記載誤り (出席者からの指摘)',
    });
  }
}

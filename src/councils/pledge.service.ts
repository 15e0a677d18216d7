import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilErrors } from './council-errors';
import { CouncilsRepository, PledgeRow } from './councils.repository';
import { PledgeAcceptanceDto, PledgeDto } from './dto/council.dto';

/**
 * The standard pledge every new council starts with (version 1); coordinators may publish others.
 * Both languages state the duty (Art. 18), that it continues after leaving, and the penalty
 * (Art. 28: 1年以下の拘禁刑又は50万円以下の罰金). Councils founded before the Japanese text stated
 * the penalty were given this text as a new version by migration 1763780760000.
 */
export const STANDARD_PLEDGE = [
  '私は、孤独・孤立対策推進法第18条に基づき、地域協議会の事務に関して知り得た秘密を、正当な理由なく漏らしません。',
  'この義務は、地域協議会の事務に従事しなくなった後も続くことを理解しています。',
  'これに違反して秘密を漏らした者は、同法第28条により、1年以下の拘禁刑又は50万円以下の罰金に処せられることを理解しています。',
  '',
  'Under Article 18 of the Act on the Promotion of Loneliness and Isolation Countermeasures, I will not',
  'disclose, without a legitimate reason, any secret learned in the course of the regional council’s',
  'business. I understand that this duty continues after I no longer work on council business, and that',
  'disclosing such a secret is punishable under Article 28 by imprisonment for up to one year or a fine',
  'of up to 500,000 yen.',
].join('\n');

/**
 * What a person is told, and the record keeps, when their staff record ends: the duty of
 * confidentiality does not end with it (Art. 18 binds former staff; penalty under Art. 28).
 */
export const CONTINUING_DUTY = [
  '地域協議会の事務に従事しなくなった後も、孤独・孤立対策推進法第18条により、事務に関して知り得た秘密を漏らしてはなりません。違反した者は、同法第28条により1年以下の拘禁刑又は50万円以下の罰金に処せられます。',
  'Although this staff record has ended, the duty of confidentiality continues (Art. 18 of the Act on the Promotion of Loneliness and Isolation Countermeasures): disclosing a secret learned in council business is punishable under Article 28 by imprisonment for up to one year or a fine of up to 500,000 yen.',
].join('\n');

const toPledgeDto = (pledge: PledgeRow, acceptedAt: Date | null): PledgeDto => ({
  version: pledge.version,
  text: pledge.text,
  publishedAt: pledge.publishedAt.toISOString(),
  acceptedAt: acceptedAt?.toISOString() ?? null,
});

/** 誓約 (Art. 18), through the access primitive like every other use case. */
@Injectable()
export class PledgeService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: CouncilsRepository,
  ) {}

  /** The current pledge, and when the caller accepted it (a system admin has no staff record). */
  current(p: CouncilPrincipal): Promise<PledgeDto> {
    return this.access.use(
      p,
      { action: 'read', subject: 'Pledge', recordAllowed: false },
      async (s) => {
        // Every council is founded with version 1 (CouncilsService.create).
        const pledge = (await this.repo.currentPledge(s))!;
        const acceptedAt = p.staff
          ? await this.repo.acceptance(s, p.staff.id, pledge.version)
          : null;
        return { result: toPledgeDto(pledge, acceptedAt) };
      },
    );
  }

  /** Each staff member accepts for themselves (their own staff record), and only the current version. */
  accept(p: CouncilPrincipal, version: number): Promise<PledgeAcceptanceDto> {
    return this.access.use(p, { action: 'accept', subject: 'Pledge' }, async (s) => {
      const staffId = p.staff!.id; // the accept rules exist for staff roles only
      const pledge = (await this.repo.currentPledge(s))!;
      if (pledge.version !== version) throw CouncilErrors.pledgeVersionOutdated(pledge.version);
      const already = await this.repo.acceptance(s, staffId, version);
      const acceptedAt = already ?? (await this.repo.recordAcceptance(s, staffId, version));
      return {
        result: { staffId, version, acceptedAt: acceptedAt.toISOString() },
        resourceType: 'staff',
        resourceId: staffId,
        reason: `version=${version}`,
        // Accepting a version already accepted writes nothing (docs/audit.md).
        ...(already ? { noop: true as const } : {}),
      };
    });
  }

  /** A new version: everyone, the publisher included, must accept it before case work. */
  publish(p: CouncilPrincipal, text: string): Promise<PledgeDto> {
    return this.access.use(p, { action: 'publish', subject: 'Pledge' }, async (s) => {
      await this.repo.lockCouncil(s);
      const pledge = await this.repo.insertPledge(s, text, p.userId);
      return {
        result: toPledgeDto(pledge, null),
        resourceType: 'council',
        resourceId: s.councilId,
        reason: `version=${pledge.version}`,
      };
    });
  }
}

import { AuditService } from '../audit/audit.service';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { forbidden } from '../common/errors/domain-error';
import { CouncilTransactions } from '../database/council-transactions';
import { Actor, auditActor } from './actor';
import { CouncilErrors } from './council-errors';
import { CouncilsRepository } from './councils.repository';
import { PledgeAcceptanceDto, PledgeDto } from './dto/council.dto';

/** The standard pledge every new council starts with (version 1); coordinators may publish others. */
export const STANDARD_PLEDGE = [
  '私は、孤独・孤立対策推進法第18条に基づき、地域協議会の事務に関して知り得た秘密を漏らしません。',
  'この義務は、地域協議会の事務に従事しなくなった後も続くことを理解しています。',
  '',
  'Under Article 18 of the Act on the Promotion of Loneliness and Isolation Countermeasures, I will not',
  'disclose any secret learned in the course of the regional council’s business. I understand that',
  'this duty continues after I no longer work on council business, and that breaching it is a crime.',
].join('\n');

@Injectable()
export class PledgeService {
  constructor(
    private readonly tx: CouncilTransactions,
    private readonly repo: CouncilsRepository,
    private readonly audit: AuditService,
  ) {}

  async publishInitial(em: EntityManager, councilId: string, by: string): Promise<void> {
    await this.repo.insertPledge(em, councilId, STANDARD_PLEDGE, by);
  }

  current(councilId: string, staffId: string | null): Promise<PledgeDto> {
    return this.tx.run(councilId, async (em) => {
      const pledge = await this.repo.currentPledge(em, councilId);
      if (!pledge) throw forbidden('The council has no pledge');
      const acceptedAt = staffId
        ? await this.repo.acceptance(em, councilId, staffId, pledge.version)
        : null;
      return {
        version: pledge.version,
        text: pledge.text,
        publishedAt: pledge.publishedAt.toISOString(),
        acceptedAt: acceptedAt?.toISOString() ?? null,
      };
    });
  }

  /** Each staff member accepts for themselves, and only the current version. */
  accept(
    actor: Actor,
    councilId: string,
    staffId: string,
    version: number,
  ): Promise<PledgeAcceptanceDto> {
    return this.tx.run(councilId, async (em) => {
      const pledge = await this.repo.currentPledge(em, councilId);
      if (!pledge) throw forbidden('The council has no pledge');
      if (pledge.version !== version) throw CouncilErrors.pledgeVersionOutdated(pledge.version);
      const already = await this.repo.acceptance(em, councilId, staffId, version);
      const acceptedAt =
        already ?? (await this.repo.recordAcceptance(em, councilId, staffId, version));
      if (!already) {
        await this.audit.record(em, {
          councilId,
          actor: auditActor(actor),
          action: 'pledge.accept',
          outcome: 'allowed',
          resourceType: 'staff',
          resourceId: staffId,
          reason: `version=${version}`,
          requestId: actor.requestId ?? null,
        });
      }
      return { staffId, version, acceptedAt: acceptedAt.toISOString() };
    });
  }

  /** A new version: everyone, the publisher included, must accept it before case work. */
  publish(actor: Actor, councilId: string, text: string): Promise<PledgeDto> {
    return this.tx.run(councilId, async (em) => {
      await this.repo.lockCouncil(em, councilId);
      await this.repo.insertPledge(em, councilId, text, actor.userId);
      const pledge = (await this.repo.currentPledge(em, councilId))!;
      await this.audit.record(em, {
        councilId,
        actor: auditActor(actor),
        action: 'pledge.publish',
        outcome: 'allowed',
        resourceType: 'council',
        resourceId: councilId,
        reason: `version=${pledge.version}`,
        requestId: actor.requestId ?? null,
      });
      return {
        version: pledge.version,
        text: pledge.text,
        publishedAt: pledge.publishedAt.toISOString(),
        acceptedAt: null,
      };
    });
  }
}

import { Controller, Get, Injectable, Module, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { subject as asSubject } from '@casl/ability';
import { AuditService } from '../audit/audit.service';
import { CouncilTransactions } from '../database/council-transactions';
import { AbilityFactory, decidingRuleId } from './ability.factory';
import { auditSubject, Authorize, Principal } from './authorize';
import { actorOf, CouncilPrincipal } from './council-principal';
import { staffInForce } from './in-force';
import { Action, ACTIONS, PLEDGE_SUBJECTS, SubjectType, SUBJECTS } from './policy-catalog';
import { loadFacts, SUBJECT_TABLES } from './subject-registry';

class ExplainQueryDto {
  @ApiProperty({ enum: ACTIONS })
  @IsIn(ACTIONS)
  action!: Action;

  @ApiProperty({ enum: SUBJECTS })
  @IsIn(SUBJECTS)
  subject!: SubjectType;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A specific record (cases: decided on its current facts)',
  })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Explain for this staff member instead of the caller',
  })
  @IsOptional()
  @IsUUID()
  staffId?: string;
}

export interface Explanation {
  allowed: boolean;
  ruleId: string | null;
  reason: string;
  action: Action;
  subject: SubjectType;
  id: string | null;
  principal: {
    staffId: string | null;
    role: string;
    memberBodyId: string | null;
    active: boolean;
    pledged: boolean;
  };
}

/** Answers "may this person do this, and which rule says so?" from the same policies and facts. */
@Injectable()
export class ExplainService {
  constructor(
    private readonly tx: CouncilTransactions,
    private readonly abilities: AbilityFactory,
    private readonly audit: AuditService,
  ) {}

  explain(p: CouncilPrincipal, q: ExplainQueryDto): Promise<Explanation> {
    return this.tx.run(p.councilId, async (em) => {
      let target = {
        staffId: p.staff?.id ?? null,
        userId: p.userId,
        role: p.actingAs as string,
        memberBodyId: p.staff?.memberBodyId ?? null,
        active: true,
        pledged: p.staff?.pledged ?? false,
      };
      if (q.staffId) {
        const rows = (await em.query(
          `SELECT st.id, st.user_id AS "userId", st.role, st.member_body_id AS "memberBodyId",
                  ${staffInForce('st', 'mb')} AS active,
                  COALESCE(st.pledge_version = (SELECT max(version) FROM pledges WHERE council_id = st.council_id), false) AS pledged
             FROM staff st JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
            WHERE st.council_id = $1 AND st.id = $2`,
          [p.councilId, q.staffId],
        )) as {
          id: string;
          userId: string;
          role: string;
          memberBodyId: string;
          active: boolean;
          pledged: boolean;
        }[];
        if (!rows[0]) return this.answer(p, em, q, target, false, null, 'staff_not_found');
        target = { ...rows[0], staffId: rows[0].id };
      }
      if (!target.active) return this.answer(p, em, q, target, false, null, 'staff_not_active');
      const ability = this.abilities.build({
        role: target.role as never,
        userId: target.userId,
        councilId: p.councilId,
        staffId: target.staffId,
        memberBodyId: target.memberBodyId,
      });
      let subject: Parameters<typeof ability.can>[1] = q.subject;
      if (q.id && SUBJECT_TABLES[q.subject]) {
        const facts = await loadFacts(em, q.subject, p.councilId, q.id);
        if (!facts) return this.answer(p, em, q, target, false, null, 'not_found');
        subject = asSubject(q.subject, facts) as never;
      } else if (q.id) {
        subject = asSubject(q.subject, { councilId: p.councilId, id: q.id } as Record<
          string,
          unknown
        >) as never;
      }
      const allowed = ability.can(q.action, subject);
      const ruleId = allowed
        ? decidingRuleId(ability, q.action, subject)
        : (decidingRuleId(ability, q.action, subject) ?? null);
      if (allowed && PLEDGE_SUBJECTS.has(q.subject) && !target.pledged) {
        return this.answer(p, em, q, target, false, ruleId, 'pledge_required');
      }
      return this.answer(
        p,
        em,
        q,
        target,
        allowed,
        ruleId,
        allowed ? 'permitted' : ruleId ? 'denied_by_rule' : 'no_rule_permits',
      );
    });
  }

  private async answer(
    p: CouncilPrincipal,
    em: Parameters<AuditService['record']>[0],
    q: ExplainQueryDto,
    target: Explanation['principal'],
    allowed: boolean,
    ruleId: string | null,
    reason: string,
  ): Promise<Explanation> {
    await this.audit.record(em, {
      councilId: p.councilId,
      actor: actorOf(p),
      action: 'access_decision.read',
      outcome: 'allowed',
      resourceType: auditSubject(q.subject),
      resourceId: q.id ?? null,
      ruleId,
      reason: `${q.action}:${allowed ? 'allow' : 'deny'}:${reason}`,
      requestId: p.requestId,
    });
    return {
      allowed,
      ruleId,
      reason,
      action: q.action,
      subject: q.subject,
      id: q.id ?? null,
      principal: {
        staffId: target.staffId,
        role: target.role,
        memberBodyId: target.memberBodyId,
        active: target.active,
        pledged: target.pledged,
      },
    };
  }
}

@ApiTags('access')
@Controller('councils/:councilId/access')
export class ExplainController {
  constructor(private readonly explainer: ExplainService) {}

  /** The decision and the rule that made it (coordinators and auditors). */
  @Get('explain')
  @Authorize('read', 'AccessDecision')
  explain(@Principal() p: CouncilPrincipal, @Query() q: ExplainQueryDto): Promise<Explanation> {
    return this.explainer.explain(p, q);
  }
}

@Module({ controllers: [ExplainController], providers: [ExplainService] })
export class ExplainModule {}

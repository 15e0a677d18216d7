import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { auditSubject } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { PrincipalResolver } from '../access/principal-resolver';
import { loadFacts } from '../access/subject-registry';
import { Explanation, ExplainQueryDto } from './explain.dto';

interface StaffFacts {
  id: string;
  userId: string;
  role: string;
  memberBodyId: string;
  active: boolean;
}

/**
 * "May this person do this, and which rule says so?" — answered by the access primitive's own
 * `decide`, for the caller or another staff member resolved exactly as a request of theirs would
 * be (PrincipalResolver), so explain and enforcement cannot disagree (issue 12 item 4). The
 * question itself is audited (`access_decision.read`).
 */
@Injectable()
export class ExplainService {
  constructor(
    private readonly access: AccessService,
    private readonly principals: PrincipalResolver,
  ) {}

  explain(p: CouncilPrincipal, q: ExplainQueryDto): Promise<Explanation> {
    return this.access.use(
      p,
      { action: 'read', subject: 'AccessDecision', event: 'access_decision.read' },
      async (scope) => {
        let target: CouncilPrincipal | null = p;
        let info: Explanation['principal'] = {
          staffId: p.staff?.id ?? null,
          role: p.actingAs,
          memberBodyId: p.staff?.memberBodyId ?? null,
          active: true,
          pledged: p.staff?.pledged ?? false,
        };
        let verdict: Pick<Explanation, 'allowed' | 'status' | 'ruleId' | 'reason'>;
        if (q.staffId) {
          const staff = await loadFacts<StaffFacts>(scope.em, 'Staff', p.councilId, q.staffId);
          target = staff?.active
            ? await this.principals.forCouncil(staff.userId, p.councilId).catch(() => null)
            : null;
          info = {
            staffId: staff?.id ?? q.staffId,
            role: staff?.role ?? 'unknown',
            memberBodyId: staff?.memberBodyId ?? null,
            active: staff?.active ?? false,
            pledged: target?.staff?.pledged ?? false,
          };
          if (!staff) target = null;
          verdict = {
            allowed: false,
            status: null,
            ruleId: null,
            reason: staff ? 'staff_not_active' : 'staff_not_found',
          };
        }
        if (target) {
          verdict = await this.verdict(target, q);
        }
        const v = verdict!;
        return {
          result: {
            ...v,
            action: q.action,
            subject: q.subject,
            id: q.id ?? null,
            field: q.field ?? null,
            principal: info,
          },
          resourceType: auditSubject(q.subject),
          resourceId: q.id ?? null,
          ruleId: v.ruleId,
          reason: `${q.action}:${v.allowed ? 'allow' : 'deny'}:${v.reason}`,
        };
      },
    );
  }

  private async verdict(
    target: CouncilPrincipal,
    q: ExplainQueryDto,
  ): Promise<Pick<Explanation, 'allowed' | 'status' | 'ruleId' | 'reason'>> {
    // The route's own check first (the guard): may this role ever do this to this kind of record?
    if (!target.ability.can(q.action, q.subject)) {
      const rule = target.ability.relevantRuleFor(q.action, q.subject);
      const ruleId = (rule?.origin as { id?: string } | undefined)?.id ?? null;
      return {
        allowed: false,
        status: 403,
        ruleId,
        reason: ruleId ? 'denied_by_rule' : 'no_rule_permits',
      };
    }
    const d = await this.access.decide(
      target,
      { action: q.action, subject: q.subject, id: q.id, caseId: q.caseId },
      q.field,
    );
    if (d.allowed && d.fieldAllowed === false)
      return { allowed: false, status: 403, ruleId: d.ruleId, reason: 'field_not_permitted' };
    return { allowed: d.allowed, status: d.status, ruleId: d.ruleId, reason: d.reason };
  }
}

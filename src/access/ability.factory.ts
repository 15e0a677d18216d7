import { Inject, Injectable } from '@nestjs/common';
import { createMongoAbility, MongoAbility, RawRuleOf } from '@casl/ability';
import { Action, PolicyRole, RawPolicyRule, SubjectType } from './policy-catalog';
import { PolicySet } from './policy-loader';

export type AppAbility = MongoAbility<
  [Action, SubjectType | ({ __caslSubjectType__: SubjectType } & Record<string, unknown>)]
>;

/** Who the policies are evaluated for: built per request from the live staff record. */
export interface PolicyPrincipal {
  role: PolicyRole;
  userId: string;
  councilId: string | null;
  staffId: string | null;
  memberBodyId: string | null;
}

export const POLICY_SET = Symbol('POLICY_SET');

const UNRESOLVED = Symbol('unresolved');

/**
 * CASL abilities from the policy files. Placeholders are filled from the principal; a rule
 * whose placeholder has no value for this principal (a system admin has no member body) is
 * dropped rather than matched against an empty value.
 */
@Injectable()
export class AbilityFactory {
  constructor(@Inject(POLICY_SET) private readonly policies: PolicySet) {}

  build(principal: PolicyPrincipal): AppAbility {
    const values: Record<string, string | null> = {
      '${council.id}': principal.councilId,
      '${staff.id}': principal.staffId,
      '${staff.memberBodyId}': principal.memberBodyId,
      '${user.id}': principal.userId,
    };
    const fill = (v: unknown): unknown => {
      if (typeof v === 'string' && v in values) return values[v] ?? UNRESOLVED;
      if (Array.isArray(v)) return v.map(fill);
      if (v && typeof v === 'object')
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
      return v;
    };
    const hasUnresolved = (v: unknown): boolean =>
      v === UNRESOLVED ||
      (Array.isArray(v)
        ? v.some(hasUnresolved)
        : v && typeof v === 'object'
          ? Object.values(v).some(hasUnresolved)
          : false);

    const rules: RawRuleOf<AppAbility>[] = [];
    for (const rule of this.policies[principal.role]) {
      const conditions = rule.conditions
        ? (fill(rule.conditions) as Record<string, unknown>)
        : undefined;
      if (conditions && hasUnresolved(conditions)) continue;
      rules.push({ ...(rule as RawPolicyRule), conditions } as RawRuleOf<AppAbility>);
    }
    return createMongoAbility<AppAbility>(rules, {
      detectSubjectType: (s) =>
        typeof s === 'string' ? s : (s as { __caslSubjectType__: SubjectType }).__caslSubjectType__,
    });
  }
}

/**
 * The id of the policy rule that decides `action` on `subject`, for audit and /explain: the
 * rule that grants the record itself (its `id`), not one that only adds restricted fields.
 */
export function decidingRuleId(
  ability: AppAbility,
  action: Action,
  subject: Parameters<AppAbility['can']>[1],
  field = 'id',
): string | null {
  const rule =
    ability.relevantRuleFor(action, subject, field) ?? ability.relevantRuleFor(action, subject);
  return (rule?.origin as RawPolicyRule | undefined)?.id ?? null;
}

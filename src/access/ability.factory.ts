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
const PLACEHOLDERS = [
  '${council.id}',
  '${staff.id}',
  '${staff.memberBodyId}',
  '${user.id}',
] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
type Values = Record<Placeholder, string | null>;

/** One rule of a role, compiled once: its conditions filled from a principal's values. */
type RuleTemplate = (values: Values) => RawRuleOf<AppAbility> | null;

/** Built abilities kept per principal (role, user, council, staff record, body): at most this many. */
const CACHED_ABILITIES = 2_000;

/**
 * CASL abilities from the policy files. Placeholders are filled from the principal; a rule
 * whose placeholder has no value for this principal (a system admin has no member body) is
 * dropped rather than matched against an empty value.
 *
 * Issue 15: each role's rules are compiled once into templates (where its placeholders are, which
 * rules need which), and the ability built from them is kept for the principal's values — the
 * role, user, council, staff record and body read live on this request, so a changed staff
 * record is a different key, never a stale ability. CASL compiles a rule's conditions on first
 * use; a kept ability keeps them compiled.
 */
@Injectable()
export class AbilityFactory {
  private readonly templates = new Map<PolicyRole, RuleTemplate[]>();
  private readonly cache = new Map<string, AppAbility>();

  constructor(@Inject(POLICY_SET) private readonly policies: PolicySet) {}

  build(principal: PolicyPrincipal): AppAbility {
    const key = [
      principal.role,
      principal.userId,
      principal.councilId,
      principal.staffId,
      principal.memberBodyId,
    ].join('|');
    const hit = this.cache.get(key);
    if (hit) {
      // Least recently used goes first: re-insert on every hit.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const values: Values = {
      '${council.id}': principal.councilId,
      '${staff.id}': principal.staffId,
      '${staff.memberBodyId}': principal.memberBodyId,
      '${user.id}': principal.userId,
    };
    const rules: RawRuleOf<AppAbility>[] = [];
    for (const template of this.templatesOf(principal.role)) {
      const rule = template(values);
      if (rule) rules.push(rule);
    }
    const ability = createMongoAbility<AppAbility>(rules, {
      detectSubjectType: (s) =>
        typeof s === 'string' ? s : (s as { __caslSubjectType__: SubjectType }).__caslSubjectType__,
    });
    this.cache.set(key, ability);
    if (this.cache.size > CACHED_ABILITIES) this.cache.delete(this.cache.keys().next().value!);
    return ability;
  }

  private templatesOf(role: PolicyRole): RuleTemplate[] {
    let templates = this.templates.get(role);
    if (!templates) {
      templates = this.policies[role].map((rule) => compile(rule));
      this.templates.set(role, templates);
    }
    return templates;
  }
}

/** A rule's conditions with each placeholder replaced by the principal's value (or dropped). */
function compile(rule: RawPolicyRule): RuleTemplate {
  const raw = rule as unknown as RawRuleOf<AppAbility>;
  if (!rule.conditions || !mentionsPlaceholder(rule.conditions)) return () => raw;
  const conditions = rule.conditions;
  return (values) => {
    const fill = (v: unknown): unknown => {
      if (typeof v === 'string' && v in values) return values[v as Placeholder] ?? UNRESOLVED;
      if (Array.isArray(v)) return v.map(fill);
      if (v && typeof v === 'object')
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
      return v;
    };
    const filled = fill(conditions) as Record<string, unknown>;
    return hasUnresolved(filled) ? null : ({ ...raw, conditions: filled } as RawRuleOf<AppAbility>);
  };
}

const mentionsPlaceholder = (v: unknown): boolean =>
  typeof v === 'string'
    ? (PLACEHOLDERS as readonly string[]).includes(v)
    : Array.isArray(v)
      ? v.some(mentionsPlaceholder)
      : v && typeof v === 'object'
        ? Object.values(v).some(mentionsPlaceholder)
        : false;

const hasUnresolved = (v: unknown): boolean =>
  v === UNRESOLVED ||
  (Array.isArray(v)
    ? v.some(hasUnresolved)
    : v && typeof v === 'object'
      ? Object.values(v).some(hasUnresolved)
      : false);

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

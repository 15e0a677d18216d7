import { AbilityFactory } from './ability.factory';
import { ACTIONS, PolicyRole, ROLES, SUBJECTS, SubjectType } from './policy-catalog';
import { PolicySet } from './policy-loader';
import { policySql } from './sql-filter';
import { SUBJECT_TABLES } from './subject-registry';

/** What each placeholder reads as in the snapshot (the values are bound parameters at run time). */
const SYMBOLS = {
  councilId: ':council_id',
  staffId: ':staff_id',
  memberBodyId: ':staff_member_body_id',
  userId: ':user_id',
};

/** Tables of subjects the access registry does not load rows of (yet). */
const TABLES: Partial<Record<SubjectType, string>> = {
  Council: 'councils c',
  MemberBody: 'member_bodies mb',
  Staff: 'staff st',
  Pledge: 'pledges p',
  Consent: 'consents cs',
  Assignment: 'case_assignments a',
  Plan: 'support_plans sp',
  AuditEvent: 'audit_events e',
  Meeting: 'meetings m',
  Minutes: 'minutes mi',
  Decision: 'minutes_decisions d',
  ActionItem: 'minutes_action_items ai',
};

/** The table a subject's filter is written over; null for what is not council data. */
const tableOf = (subject: SubjectType): string | null =>
  // A case's policy facts (CASE_COVERAGE, a lateral join) are projected, not filtered on.
  subject === 'Case' ? 'cases c' : (SUBJECT_TABLES[subject]?.from ?? TABLES[subject] ?? null);

/**
 * The SQL that decides, for every role × subject × action the policies grant at all, which rows
 * the caller may reach (issue 12 item 8; immich's committed SQL is the model). Bound values are
 * shown as named symbols, so a policy change shows in review as a change of SQL. `format` is a
 * pretty-printer (sql-formatter in the generator script and the test).
 */
export function policySqlSnapshot(
  policies: PolicySet,
  format: (sql: string) => string,
): Record<PolicyRole, string> {
  const factory = new AbilityFactory(policies);
  const out = {} as Record<PolicyRole, string>;
  for (const role of ROLES) {
    const ability = factory.build({
      role,
      councilId: SYMBOLS.councilId,
      staffId: SYMBOLS.staffId,
      memberBodyId: SYMBOLS.memberBodyId,
      userId: SYMBOLS.userId,
    });
    const parts = [
      `-- Generated from policies/${role}.yaml by \`npm run policies:sql\`; do not edit.`,
      `-- The row filter of every (subject, action) the ${role} policy grants. A test fails when`,
      `-- this file and the policies disagree: regenerate and review the SQL diff.`,
    ];
    for (const subject of SUBJECTS) {
      for (const action of ACTIONS) {
        if (!ability.can(action, subject)) continue;
        const rules = ability
          .rulesFor(action, subject, 'id')
          .map((r) => (r.origin as { id?: string } | undefined)?.id ?? '?');
        const header = `-- ${subject} · ${action} — rules: ${[...new Set(rules)].join(', ')}`;
        const table = tableOf(subject);
        if (!table) {
          parts.push('', header, '-- not council data: decided by the role alone, no row filter');
          continue;
        }
        const alias = table.split(' ')[1];
        const params: unknown[] = [];
        const where = policySql(ability, action, subject, alias, params).replace(
          /\$(\d+)/g,
          (_, n: string) => {
            const v = params[Number(n) - 1];
            return typeof v === 'string' && v.startsWith(':') ? v : `'${String(v)}'`;
          },
        );
        parts.push('', header, format(`SELECT ${alias}.* FROM ${table} WHERE ${where}`) + ';');
      }
    }
    out[role] = parts.join('\n') + '\n';
  }
  return out;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'sql-formatter';
import { ROLES } from './policy-catalog';
import { defaultPolicyDir, loadPolicies } from './policy-loader';
import { policySqlSnapshot } from './policy-sql-snapshot';

/**
 * The SQL that decides who reaches what is committed (policies/sql/*.sql) and must match the
 * policies: a policy change shows in review as a change of SQL (issue 12 item 8).
 */
describe('committed policy SQL (policies/sql)', () => {
  const dir = defaultPolicyDir();
  const sut = policySqlSnapshot(loadPolicies(dir), (sql) =>
    format(sql, { language: 'postgresql', paramTypes: { named: [':'] } }),
  );

  it.each(ROLES)(
    'policies/sql/%s.sql is what the policies produce (npm run policies:sql)',
    (role) => {
      const committed = readFileSync(join(dir, 'sql', `${role}.sql`), 'utf8');
      expect(committed).toBe(sut[role]);
    },
  );

  it('writes the agency filter on cases as coverage through assignments, never as a bare TRUE', () => {
    const caseRead = sut.agency_staff.split('\n\n').find((s) => s.includes('-- Case · read'))!;
    expect(caseRead).toContain('case_assignments');
    expect(caseRead).toContain(':staff_member_body_id');
  });
});

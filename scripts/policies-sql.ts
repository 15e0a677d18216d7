/**
 * Writes policies/sql/<role>.sql from the policies (issue 12 item 8). Run after changing a policy
 * or the SQL a condition field becomes: `npm run policies:sql`, then review the diff.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'sql-formatter';
import { defaultPolicyDir, loadPolicies } from '../src/access/policy-loader';
import { policySqlSnapshot } from '../src/access/policy-sql-snapshot';

const dir = defaultPolicyDir();
const snapshot = policySqlSnapshot(loadPolicies(dir), (sql) =>
  format(sql, { language: 'postgresql', paramTypes: { named: [':'] } }),
);
for (const [role, text] of Object.entries(snapshot)) {
  writeFileSync(join(dir, 'sql', `${role}.sql`), text);
  process.stdout.write(`policies/sql/${role}.sql\n`);
}

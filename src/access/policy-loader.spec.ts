import {
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync,
  readdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPolicyDir, loadPolicies, PolicyError } from './policy-loader';

describe('loadPolicies', () => {
  const sut = loadPolicies;
  const real = defaultPolicyDir();
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'policies-'));
    for (const f of readdirSync(real).filter((n) => n.endsWith('.yaml') || n.endsWith('.json')))
      copyFileSync(join(real, f), join(dir, f));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Replaces agency_staff.yaml's rules with the given YAML snippet. */
  const withAgencyRules = (rules: string) =>
    writeFileSync(join(dir, 'agency_staff.yaml'), `role: agency_staff\nrules:\n${rules}`);

  it('loads the committed policies for all five roles', () => {
    const set = sut(real);
    expect(Object.keys(set).sort()).toEqual([
      'agency_staff',
      'auditor',
      'coordinator',
      'platform_client',
      'system_admin',
    ]);
    expect(set.agency_staff.map((r) => r.id)).toContain('agency.case.read-assigned');
  });

  it.each([
    [
      'manage as an action',
      `  - { id: agency.x, action: manage, subject: Case, conditions: { councilId: '\${council.id}' } }`,
      /action/,
    ],
    [
      'all as a subject',
      `  - { id: agency.x, action: read, subject: all, conditions: { councilId: '\${council.id}' } }`,
      /subject/,
    ],
    [
      'an unknown operator',
      `  - { id: agency.x, action: read, subject: Case, conditions: { councilId: '\${council.id}', status: { $regex: o } } }`,
      /conditions/,
    ],
    [
      'an unknown placeholder',
      `  - { id: agency.x, action: read, subject: Case, conditions: { councilId: '\${council.id}', id: '\${request.body}' } }`,
      /conditions/,
    ],
    [
      'empty conditions on a scoped rule',
      `  - { id: agency.x, action: read, subject: Case, conditions: {} }`,
      /conditions/,
    ],
    [
      'no council condition',
      `  - { id: agency.x, action: read, subject: Case, conditions: { status: open } }`,
      /councilId/,
    ],
    [
      'an unknown condition field',
      `  - { id: agency.x, action: read, subject: Case, conditions: { councilId: '\${council.id}', name: x } }`,
      /unknown condition field "name"/,
    ],
    [
      'a reason on a rule that permits',
      `  - { id: agency.x, action: read, subject: Case, reason: 'NOPE: no', conditions: { councilId: '\${council.id}' } }`,
      /inverted/,
    ],
    [
      'a reason that names no error code',
      `  - { id: agency.x, action: read, subject: Case, inverted: true, reason: 'just no', conditions: { councilId: '\${council.id}' } }`,
      /CODE: message/,
    ],
    [
      'a reason whose code is not in the closed set',
      `  - { id: agency.x, action: read, subject: Case, inverted: true, reason: 'NOPE: no', conditions: { councilId: '\${council.id}' } }`,
      /NOPE is not an error code/,
    ],
    [
      'null compared with a set',
      `  - { id: agency.x, action: read, subject: Case, conditions: { councilId: '\${council.id}', visibleToBodyIds: null } }`,
      /never contains null/,
    ],
    [
      'null in a list',
      `  - { id: agency.x, action: read, subject: Decision, conditions: { councilId: '\${council.id}', caseId: { $in: [null] } } }`,
      /conditions/,
    ],
    [
      'a duplicate id',
      `  - { id: agency.x, action: read, subject: Council, conditions: { id: '\${council.id}' } }\n  - { id: agency.x, action: read, subject: Council, conditions: { id: '\${council.id}' } }`,
      /duplicate/,
    ],
  ])('refuses %s, naming the file, the rule and the problem', (_label, rules, problem) => {
    withAgencyRules(rules);
    let error: unknown;
    try {
      sut(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).file).toBe('agency_staff.yaml');
    expect((error as PolicyError).message).toMatch(problem);
    if (!/duplicate/.test(String(problem))) expect((error as PolicyError).ruleId).toBe('agency.x');
  });

  it('refuses a missing role file', () => {
    rmSync(join(dir, 'auditor.yaml'));
    expect(() => sut(dir)).toThrow(/auditor\.yaml.*missing/);
  });

  it('refuses a file that is not YAML', () => {
    writeFileSync(join(dir, 'auditor.yaml'), 'role: [unclosed');
    expect(() => sut(dir)).toThrow(/auditor\.yaml.*not valid YAML/);
  });

  it('keeps the committed schema strict about actions: no manage, no all', () => {
    const schema = JSON.parse(readFileSync(join(real, 'schema.json'), 'utf8')) as {
      definitions: { action: { enum: string[] }; subject: { enum: string[] } };
    };
    expect(schema.definitions.action.enum).not.toContain('manage');
    expect(schema.definitions.subject.enum).not.toContain('all');
  });
});

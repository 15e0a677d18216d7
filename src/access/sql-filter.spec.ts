import { createMongoAbility, subject } from '@casl/ability';
import { AppAbility } from './ability.factory';
import { policySql, SqlFilterError } from './sql-filter';

describe('policySql', () => {
  const sut = policySql;
  const ability = (rules: object[]) => createMongoAbility(rules as never) as unknown as AppAbility;

  it('answers FALSE — no rows — when no rule permits, never "no filter"', () => {
    const params: unknown[] = [];
    expect(sut(ability([]), 'read', 'Case', 'c', params)).toBe('FALSE');
    expect(params).toEqual([]);
  });

  it('binds values as parameters, never inline', () => {
    const params: unknown[] = [];
    const sql = sut(
      ability([
        { action: 'read', subject: 'Case', conditions: { councilId: "x'; DROP TABLE cases; --" } },
      ]),
      'read',
      'Case',
      'c',
      params,
    );
    expect(sql).toBe('(c.council_id = $1)');
    expect(params).toEqual(["x'; DROP TABLE cases; --"]);
  });

  it('turns "the case is visible to my body" into an EXISTS over covered assignments', () => {
    const params: unknown[] = ['pre-existing'];
    const sql = sut(
      ability([
        {
          action: 'read',
          subject: 'Case',
          conditions: { councilId: 'c1', visibleToBodyIds: 'b1' },
        },
      ]),
      'read',
      'Case',
      'c',
      params,
    );
    expect(sql).toMatch(/^\(\(c\.council_id = \$2 AND EXISTS \(SELECT 1 FROM case_assignments a/);
    expect(sql).toContain('a.member_body_id = $3');
    expect(sql).toContain('cs.withdrawn_on IS NULL');
    expect(params).toEqual(['pre-existing', 'c1', 'b1']);
  });

  it('bounds permissions by inverted rules', () => {
    const params: unknown[] = [];
    const sql = sut(
      ability([
        { action: 'update', subject: 'Staff', conditions: { councilId: 'c1' } },
        {
          action: 'update',
          subject: 'Staff',
          inverted: true,
          conditions: { councilId: 'c1', userId: 'me' },
        },
      ]),
      'update',
      'Staff',
      's',
      params,
    );
    expect(sql).toBe(
      '((s.council_id = $1 AND NOT COALESCE(((s.council_id = $2 AND s.user_id = $3)), FALSE)))',
    );
  });

  it('renders `field: null` as IS NULL and `$ne: null` as IS NOT NULL, agreeing with CASL in memory', () => {
    const rules = [
      { action: 'read', subject: 'Decision', conditions: { councilId: 'c1', caseId: null } },
      { action: 'update', subject: 'ActionItem', conditions: { caseId: { $ne: null } } },
    ];
    const params: unknown[] = [];
    expect(sut(ability(rules), 'read', 'Decision', 'd', params)).toBe(
      '((d.council_id = $1 AND d.case_id IS NULL))',
    );
    expect(sut(ability(rules), 'update', 'ActionItem', 'i', params)).toBe(
      '(i.case_id IS NOT NULL)',
    );
    expect(params).toEqual(['c1']);
    const inMemory = ability(rules);
    const on = (type: string, caseId: string | null) =>
      subject(type, { councilId: 'c1', caseId }) as never;
    expect(inMemory.can('read', on('Decision', null))).toBe(true);
    expect(inMemory.can('read', on('Decision', 'x'))).toBe(false);
    expect(inMemory.can('update', on('ActionItem', null))).toBe(false);
    expect(inMemory.can('update', on('ActionItem', 'x'))).toBe(true);
  });

  it('refuses null where SQL would silently never match (in a list, or as a member of a set)', () => {
    expect(() =>
      sut(
        ability([{ action: 'read', subject: 'Decision', conditions: { caseId: { $in: [null] } } }]),
        'read',
        'Decision',
        'd',
        [],
      ),
    ).toThrow(SqlFilterError);
    expect(() =>
      sut(
        ability([{ action: 'read', subject: 'Case', conditions: { visibleToBodyIds: null } }]),
        'read',
        'Case',
        'c',
        [],
      ),
    ).toThrow(SqlFilterError);
  });
});

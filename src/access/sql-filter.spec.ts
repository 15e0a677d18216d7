import { createMongoAbility } from '@casl/ability';
import { AppAbility } from './ability.factory';
import { policySql } from './sql-filter';

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
    expect(sql).toBe('((s.council_id = $1 AND NOT ((s.council_id = $2 AND s.user_id = $3))))');
  });
});

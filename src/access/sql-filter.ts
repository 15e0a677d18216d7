import { rulesToCondition } from '@casl/ability/extra';
import { AppAbility } from './ability.factory';
import { Action, SubjectType } from './policy-catalog';
import { SUBJECT_SQL } from './subject-sql';

interface FieldNode {
  operator: string;
  field: string;
  value: unknown;
}
interface CompoundNode {
  operator: 'and' | 'or' | 'not';
  value: Node[];
}
type Node = FieldNode | CompoundNode;

const COMPARISON: Record<string, string> = { eq: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' };

export class SqlFilterError extends Error {}

/**
 * Turns the caller's policy for (action, subject) into a SQL boolean over `alias`, appending
 * bound values to `params`. No permitting rule means `FALSE` — no rows, never "no filter".
 * Lists and lookups put this in their WHERE; nothing is loaded to be filtered in memory.
 */
export function policySql(
  ability: AppAbility,
  action: Action,
  subject: SubjectType,
  alias: string,
  params: unknown[],
  /**
   * Row access means access to the record itself, i.e. its `id`: rules that only add
   * restricted fields to rows granted elsewhere do not widen the filter (and an OR of them would
   * stop PostgreSQL from driving the query from the caller's assignments).
   */
  field = 'id',
): string {
  // The rendering depends only on the ability's rules and where the bound values start, so an
  // ability (kept per principal by AbilityFactory) renders each filter once (issue 15).
  let rendered = RENDERED.get(ability);
  if (!rendered) RENDERED.set(ability, (rendered = new Map()));
  const key = `${action}|${subject}|${alias}|${field}|${params.length}`;
  let hit = rendered.get(key);
  if (!hit) {
    const values: unknown[] = [];
    const sql = renderPolicy(ability, action, subject, alias, field, params.length, values);
    hit = { sql, values };
    rendered.set(key, hit);
  }
  params.push(...hit.values);
  return hit.sql;
}

const RENDERED = new WeakMap<AppAbility, Map<string, { sql: string; values: unknown[] }>>();

function renderPolicy(
  ability: AppAbility,
  action: Action,
  subject: SubjectType,
  alias: string,
  field: string,
  offset: number,
  values: unknown[],
): string {
  // Placeholders are numbered after the `offset` values the caller already has.
  const params: unknown[] = new Array<unknown>(offset);
  // CASL's own flattening of rule priority (rulesToAST does the same without a field).
  const ast = rulesToCondition<AppAbility, Node, Node>(
    ability.rulesFor(action, subject, field),
    (rule) => {
      const node = (rule as unknown as { ast: Node }).ast;
      return rule.inverted ? { operator: 'not', value: [node] } : node;
    },
    {
      and: (value) => ({ operator: 'and', value }),
      or: (value) => ({ operator: 'or', value }),
      empty: () => ({ operator: 'and', value: [] }),
    },
  );
  if (ast === null) return 'FALSE';
  const sql = render(ast, subject, alias, params);
  values.push(...params.slice(offset));
  return sql;
}

function bind(params: unknown[], value: unknown): string {
  params.push(value);
  return `$${params.length}`;
}

function render(node: Node, subject: SubjectType, alias: string, params: unknown[]): string {
  if (node.operator === 'and' || node.operator === 'or' || node.operator === 'not') {
    const parts = (node as CompoundNode).value.map((n) => render(n, subject, alias, params));
    // A comparison with a NULL column is unknown in SQL, and NOT unknown is unknown — a row the
    // prohibition does not match (e.g. a pending staff record, whose user_id is NULL, under
    // `coordinator.staff.not-self`) would be refused where CASL in memory permits it. Unknown
    // counts as "does not match", as CASL decides.
    if (node.operator === 'not') return `NOT COALESCE((${parts.join(' AND ') || 'TRUE'}), FALSE)`;
    if (parts.length === 0) return node.operator === 'and' ? 'TRUE' : 'FALSE';
    return `(${parts.join(node.operator === 'and' ? ' AND ' : ' OR ')})`;
  }
  const { operator, field, value } = node as FieldNode;
  const mapping = SUBJECT_SQL[subject]?.[field];
  if (!mapping) throw new SqlFilterError(`no SQL for ${subject}.${field}`);
  if (mapping.kind === 'column') {
    const column = mapping.column(alias);
    // `field: null` ("a decision about no case"): SQL's `= NULL` is never true, so it is
    // IS NULL — and `$ne: null` IS NOT NULL — which is what CASL decides in memory too.
    if (value === null && operator === 'eq') return `${column} IS NULL`;
    if (value === null && operator === 'ne') return `${column} IS NOT NULL`;
    if (value === null || (Array.isArray(value) && value.includes(null)))
      throw new SqlFilterError(`null is only compared with eq/ne on ${subject}.${field}`);
    if (operator in COMPARISON) return `${column} ${COMPARISON[operator]} ${bind(params, value)}`;
    if (operator === 'ne') return `${column} IS DISTINCT FROM ${bind(params, value)}`;
    if (operator === 'in') return `${column} = ANY(${bind(params, value)})`;
    if (operator === 'nin') return `NOT (${column} = ANY(${bind(params, value)}))`;
    throw new SqlFilterError(`operator ${operator} is not supported on ${subject}.${field}`);
  }
  // A set of member bodies: "contains" (eq/in) is an EXISTS, "does not contain" a NOT EXISTS.
  if (value === null || (Array.isArray(value) && value.includes(null)))
    throw new SqlFilterError(`${subject}.${field} is a set: it never contains null`);
  if (operator === 'eq')
    return `EXISTS (${mapping.exists(alias, `BODY = ${bind(params, value)}`)})`;
  if (operator === 'in')
    return `EXISTS (${mapping.exists(alias, `BODY = ANY(${bind(params, value)})`)})`;
  if (operator === 'ne')
    return `NOT EXISTS (${mapping.exists(alias, `BODY = ${bind(params, value)}`)})`;
  if (operator === 'nin')
    return `NOT EXISTS (${mapping.exists(alias, `BODY = ANY(${bind(params, value)})`)})`;
  throw new SqlFilterError(`operator ${operator} is not supported on ${subject}.${field}`);
}

import Ajv from 'ajv';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  CONDITION_FIELDS,
  COUNCIL_FIELD,
  PolicyFile,
  PolicyRole,
  RawPolicyRule,
  ROLES,
  RULE_FIELDS,
  UNSCOPED_RULES,
} from './policy-catalog';
import { isKnownErrorCode } from '../common/errors/error-code';
import { REFUSAL_REASON } from './refusal';
import { SUBJECT_SQL } from './subject-sql';

export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly ruleId: string | null,
    readonly problem: string,
  ) {
    super(`Invalid policy ${file}${ruleId ? ` rule "${ruleId}"` : ''}: ${problem}`);
    this.name = 'PolicyError';
  }
}

export type PolicySet = Record<PolicyRole, RawPolicyRule[]>;

/** Where policies live: the top-level policies/ folder (beside dist/ when built). */
export function defaultPolicyDir(): string {
  for (const candidate of [
    join(__dirname, '..', '..', 'policies'),
    join(__dirname, '..', '..', '..', 'policies'),
  ]) {
    if (existsSync(join(candidate, 'schema.json'))) return candidate;
  }
  throw new Error('policies/ not found beside the application');
}

const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Checks one file's content against the schema and the catalog. Throws PolicyError. */
export function validatePolicyFile(file: string, content: unknown, schema: object): PolicyFile {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  if (!validate(content)) {
    const error = validate.errors?.[0];
    const path = error?.instancePath ?? '';
    const m = /^\/rules\/(\d+)/.exec(path);
    const rules = (content as { rules?: { id?: unknown }[] } | null)?.rules;
    const ruleId =
      m && Array.isArray(rules) && typeof rules[Number(m[1])]?.id === 'string'
        ? (rules[Number(m[1])].id as string)
        : null;
    const allowed = (error?.params as { allowedValues?: unknown[] } | undefined)?.allowedValues;
    throw new PolicyError(
      file,
      ruleId,
      `${path || '(file)'} ${error?.message ?? 'is invalid'}${allowed ? `: ${allowed.join(', ')}` : ''}`,
    );
  }
  const policy = content as PolicyFile;
  const seen = new Set<string>();
  for (const rule of policy.rules) {
    if (seen.has(rule.id)) throw new PolicyError(file, rule.id, 'duplicate rule id');
    seen.add(rule.id);
    if (!(rule.subject in CONDITION_FIELDS))
      throw new PolicyError(file, rule.id, `unknown subject ${rule.subject}`);
    if (rule.reason !== undefined) {
      // A reason is the stable error a refusal by this rule answers with (refusal.ts).
      if (!rule.inverted)
        throw new PolicyError(file, rule.id, 'only an inverted rule gives a reason (a refusal)');
      const reason = REFUSAL_REASON.exec(rule.reason);
      if (!reason)
        throw new PolicyError(
          file,
          rule.id,
          "reason must read 'CODE: message', e.g. 'OWN_RECORD: …'",
        );
      // Error codes are a closed set (issue 16): a new refusal code is added to ErrorCode first.
      if (!isKnownErrorCode(reason[1]))
        throw new PolicyError(file, rule.id, `${reason[1]} is not an error code (ErrorCode)`);
    }
    const allowedFields = RULE_FIELDS[rule.subject] ?? [];
    for (const f of rule.fields ?? []) {
      if (!allowedFields.includes(f)) {
        throw new PolicyError(
          file,
          rule.id,
          `unknown field "${f}" for ${rule.subject} (known: ${allowedFields.join(', ') || 'none'})`,
        );
      }
    }
    for (const [field, value] of Object.entries(rule.conditions ?? {})) {
      // A set of member bodies can only be asked whether it contains something.
      const sql = SUBJECT_SQL[rule.subject]?.[field];
      if (sql?.kind === 'bodySet' && value === null)
        throw new PolicyError(file, rule.id, `${field} is a set: it never contains null`);
      const operators = value && typeof value === 'object' ? Object.keys(value) : ['$eq'];
      if (
        sql?.kind === 'bodySet' &&
        operators.some((o) => !['$eq', '$in', '$ne', '$nin'].includes(o))
      ) {
        throw new PolicyError(file, rule.id, `${field} is a set: use $eq, $in, $ne or $nin`);
      }
    }
    const fields = CONDITION_FIELDS[rule.subject];
    for (const field of Object.keys(rule.conditions ?? {})) {
      if (!fields.includes(field)) {
        throw new PolicyError(
          file,
          rule.id,
          `unknown condition field "${field}" for ${rule.subject} (known: ${fields.join(', ') || 'none'})`,
        );
      }
    }
    const unscoped = asArray(rule.action).every((a) =>
      UNSCOPED_RULES.some((u) => u.action === a && u.subject === rule.subject),
    );
    const councilField = COUNCIL_FIELD[rule.subject];
    if (councilField && !unscoped) {
      // Scoped rules must be tied to the request's council: no empty or council-less conditions.
      if (!rule.conditions || rule.conditions[councilField] !== '${council.id}') {
        throw new PolicyError(
          file,
          rule.id,
          `a rule on ${rule.subject} must have the condition ${councilField}: '\${council.id}'`,
        );
      }
    }
    if (unscoped && rule.conditions)
      throw new PolicyError(
        file,
        rule.id,
        'this rule precedes any council and takes no conditions',
      );
    if (!councilField && rule.conditions)
      throw new PolicyError(file, rule.id, `${rule.subject} takes no conditions`);
  }
  return policy;
}

/** Loads and validates every role's policy file; a bad file stops the server, naming the problem. */
export function loadPolicies(dir = defaultPolicyDir()): PolicySet {
  const schema = JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8')) as object;
  const set: Partial<PolicySet> = {};
  for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    let content: unknown;
    try {
      content = parse(readFileSync(join(dir, name), 'utf8'));
    } catch (error) {
      throw new PolicyError(
        name,
        null,
        `not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    const policy = validatePolicyFile(name, content, schema);
    if (`${policy.role}.yaml` !== name && `${policy.role}.yml` !== name) {
      throw new PolicyError(
        name,
        null,
        `declares role "${policy.role}" but the file must be named after its role`,
      );
    }
    set[policy.role] = policy.rules;
  }
  for (const role of ROLES) {
    if (!set[role])
      throw new PolicyError(`${role}.yaml`, null, 'missing: every role needs a policy file');
  }
  return set as PolicySet;
}

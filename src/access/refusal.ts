import { DomainError } from '../common/errors/domain-error';
import { ErrorCode, isKnownErrorCode, KnownErrorCode } from '../common/errors/error-code';
import { AppAbility } from './ability.factory';
import { Action, RawPolicyRule } from './policy-catalog';

/** `CODE: message` — how an inverted policy rule names the refusal it stands for. */
export const REFUSAL_REASON = /^([A-Z][A-Z0-9_]*): (.+)$/;

/** A 403 decided by the policy: carries the rule, so the denial's audit event can name it. */
export class PolicyRefusal extends DomainError {
  constructor(
    code: KnownErrorCode,
    message: string,
    readonly ruleId: string | null,
  ) {
    super(403, code, message);
  }
}

/**
 * The 403 for "visible, but the declared action is not permitted on this record". When an
 * inverted rule decided it and gives a `reason` (`CODE: message`, policies/schema.json), that is
 * the answer's stable code — e.g. `coordinator.staff.not-self` answers `OWN_RECORD` — so the
 * rule and its error live in the policy file, not in a service.
 */
export function refusal(
  ability: AppAbility,
  action: Action,
  subject: Parameters<AppAbility['can']>[1],
): PolicyRefusal {
  const rule = ability.relevantRuleFor(action, subject);
  const origin = rule?.origin as RawPolicyRule | undefined;
  const m = rule?.inverted && origin?.reason ? REFUSAL_REASON.exec(origin.reason) : null;
  // Only codes of the closed set reach clients (ErrorCode); policy-loader refuses others.
  return m && isKnownErrorCode(m[1])
    ? new PolicyRefusal(m[1], m[2], origin!.id)
    : new PolicyRefusal(ErrorCode.Forbidden, 'This action is not allowed', origin?.id ?? null);
}

import { actorOf, CouncilPrincipal } from '../access/council-principal';
import { AuditService } from '../audit/audit.service';
import { DomainError, notFound } from '../common/errors/domain-error';

/**
 * Outside the caller's visibility — another council's meeting, one they did not attend, an
 * action item about a case not theirs: audited as a denial in its own transaction and answered
 * 404, never 403, so existence does not leak (DESIGN.md §3.2).
 */
export async function notVisible(
  audit: AuditService,
  p: CouncilPrincipal,
  action: string,
  resourceType: string,
  resourceId: string,
  what: string,
): Promise<DomainError> {
  await audit.recordDenial({
    councilId: p.councilId,
    actor: actorOf(p),
    action,
    resourceType,
    resourceId,
    reason: 'not_visible',
    requestId: p.requestId,
  });
  return notFound(what);
}

/** The distinct case ids among records, for the audit event's resourceIds (identifiers only). */
export const caseIdsOf = (rows: { caseId: string | null }[]): string[] => [
  ...new Set(rows.map((r) => r.caseId).filter((id): id is string => id !== null)),
];

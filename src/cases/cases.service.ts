import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CaseErrorCode } from './case-error-codes';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { CaseCipher } from '../crypto/case-cipher';
import { DomainError, forbidden, notFound, validationFailed } from '../common/errors/domain-error';
import { decodeCursor, Page, pageLimit, toPage } from '../common/http/pagination';
import {
  assignmentEnded,
  assignmentView,
  caseSubject,
  CaseView,
  consentView,
  fieldsOfUpdate,
  projectCase,
} from './case-projection';
import {
  CaseQueryDto,
  CreateAssignmentDto,
  CreateCaseDto,
  CreateConsentDto,
  RenewAssignmentDto,
  UpdateCaseDto,
  WithdrawConsentDto,
} from './case.dto';
import { AssignmentRow, CasesRepository, RISK_RANK, UNASSESSED_RANK } from './cases.repository';
import { CaseSearchRepository } from './case-search.repository';
import { DUPLICATE_SCORE } from './case-search.service';

const uniqueViolation = (error: unknown, constraint: string): boolean => {
  const e = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return e?.code === '23505' && e.constraint === constraint;
};

const invalid = (field: string, message: string): DomainError =>
  validationFailed(`${field} ${message}`, [{ field, messages: [message] }]);

/** The audit facts of a registration: the new case, and the possible duplicates named back (§3.10). */
export const registrationEvent = (
  caseId: string,
  possibleDuplicates: { id: string }[],
): {
  resourceId: string;
  caseId: string;
  basis: string;
  resourceIds: string[] | null;
  reason: string | null;
} => ({
  resourceId: caseId,
  caseId,
  basis: 'coordinator',
  resourceIds: possibleDuplicates.length ? possibleDuplicates.map((d) => d.id) : null,
  reason: possibleDuplicates.length ? `possible_duplicates=${possibleDuplicates.length}` : null,
});

/**
 * Case use cases. Each goes through the access primitive (AccessService.use): the case is
 * loaded through the caller's policy for the declared action, denials are recorded, and the
 * audit event is written last in the same transaction.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: CasesRepository,
    private readonly matcher: CaseSearchRepository,
    private readonly cipher: CaseCipher,
  ) {}

  create(
    p: CouncilPrincipal,
    dto: CreateCaseDto,
  ): Promise<CaseView & { possibleDuplicates: { id: string; caseNumber: string }[] }> {
    return this.access.use(p, { action: 'create', subject: 'Case' }, async (s) => {
      const { view, possibleDuplicates } = await this.register(s, dto);
      return {
        result: { ...view, possibleDuplicates },
        ...registrationEvent(view.id as string, possibleDuplicates),
      };
    });
  }

  /**
   * The case-registration use case inside a scope the caller opened (POST …/cases, and accepting
   * a referral): the next case number, the subject stored as entered beside its normalised name
   * keys, and the possible duplicates flagged. The caller writes the event (registrationEvent).
   */
  async register(
    s: CouncilScope,
    dto: CreateCaseDto,
  ): Promise<{ view: CaseView; possibleDuplicates: { id: string; caseNumber: string }[] }> {
    const p = s.principal;
    // Registering is the coordinators' (create Case), whatever use case asks for it.
    if (!p.ability.can('create', 'Case')) throw forbidden();
    const caseNumber = await this.repo.nextCaseNumber(s);
    // The id is chosen here so the case's data key and sealed content can name it (issue 19).
    const id = randomUUID();
    const row = await this.repo.insertCase(
      s,
      {
        ...dto.subject,
        id,
        caseNumber,
        sensitiveSealed:
          dto.sensitive === undefined
            ? null
            : await this.cipher.seal(
                s,
                { type: 'case', id },
                'case.sensitive',
                JSON.stringify(dto.sensitive),
              ),
        summary: dto.summary,
        concerns: dto.concerns,
        reviewDueOn: dto.reviewDueOn,
      },
      p.userId,
    );
    const possibleDuplicates = (
      await this.matcher.match(s, dto.subject, row.id, DUPLICATE_SCORE)
    ).map((d) => ({ id: d.id, caseNumber: d.caseNumber }));
    return { view: projectCase(p.ability, row, this.cipher), possibleDuplicates };
  }

  list(p: CouncilPrincipal, q: CaseQueryDto): Promise<Page<CaseView>> {
    const limit = pageLimit(q);
    return this.access.use(
      p,
      { action: 'read', subject: 'Case', event: 'case.list' },
      async (s) => {
        const sort = q.sort ?? 'created';
        const rows = await this.repo.listPermitted(
          s,
          q.status ?? null,
          decodeCursor(q.cursor),
          limit,
          q.reviewDue ? q.reviewDue.slice('before:'.length) : null,
          { risk: q.risk ?? null, noContactForDays: q.noContactForDays ?? null, sort },
        );
        const page = toPage(
          rows,
          limit,
          (r) => ({
            key:
              sort === 'risk'
                ? `${r.riskLevel ? RISK_RANK[r.riskLevel] : UNASSESSED_RANK}|${r.sortKey}`
                : r.sortKey,
            id: r.id,
          }),
          (r) => projectCase(p.ability, r, this.cipher),
        );
        return {
          result: page,
          resourceType: 'case',
          resourceIds: page.items.map((c) => c.id as string),
          // The filters are codes and numbers, never search terms or content.
          reason:
            q.risk || q.noContactForDays !== undefined || q.sort
              ? [
                  q.risk ? `risk=${q.risk.join(',')}` : null,
                  q.noContactForDays !== undefined ? `no_contact_days=${q.noContactForDays}` : null,
                  q.sort ? `sort=${q.sort}` : null,
                ]
                  .filter(Boolean)
                  .join(' ')
              : null,
        };
      },
    );
  }

  get(p: CouncilPrincipal, caseId: string): Promise<CaseView> {
    const read = {
      action: 'read' as const,
      subject: 'Case' as const,
      id: caseId,
      // Assignments and active consents travel with the case's load: one round trip (issue 15).
      prefetch: (s: CouncilScope) => this.repo.coverageStatements(s, caseId),
    };
    return this.access.use(p, read, async (_s, l) => {
      const row = l.case!;
      const { assignments, activeConsents } = this.repo.coverageOf(l.prefetched);
      // Need to know within the case too: agency staff see their own body's assignment and the
      // consents naming it, not the other bodies' arrangements or the consent notes.
      const body = p.actingAs === 'coordinator' ? null : p.staff?.memberBodyId;
      return {
        result: projectCase(p.ability, row, this.cipher, {
          assignments: body ? assignments.filter((a) => a.memberBodyId === body) : assignments,
          activeConsents: body
            ? activeConsents
                .filter((c) => c.memberBodyIds.includes(body))
                .map((c) => ({ ...c, memberBodyIds: [body], note: null }))
            : activeConsents,
        }),
        basis: this.basisOf(p, assignments),
      };
    });
  }

  update(p: CouncilPrincipal, caseId: string, dto: UpdateCaseDto): Promise<CaseView> {
    const fields = fieldsOfUpdate(dto as UpdateCaseDto & Record<string, unknown>);
    return this.access.use(
      p,
      { action: 'update', subject: 'Case', id: caseId, lock: true },
      async (s, l) => {
        // Writes accept only fields the policy permits for this row.
        for (const field of fields) {
          if (!p.ability.can('update', caseSubject(l.case!), field))
            throw forbidden(`You may not change ${field}`);
        }
        const updated = await this.repo.updateCase(s, caseId, {
          ...dto.subject,
          ...dto,
          subject: undefined,
          sensitive: undefined,
          sensitiveSealed:
            dto.sensitive === undefined
              ? undefined
              : await this.cipher.seal(
                  s,
                  { type: 'case', id: caseId },
                  'case.sensitive',
                  JSON.stringify(dto.sensitive),
                ),
        });
        return {
          result: projectCase(p.ability, updated ?? l.case!, this.cipher),
          reason: `fields=${fields.join(',')}`,
        };
      },
    );
  }

  // ---- consent (本人同意) ------------------------------------------------------------------

  createConsent(p: CouncilPrincipal, caseId: string, dto: CreateConsentDto) {
    return this.access.use(
      p,
      { action: 'create', subject: 'Consent', caseId, lock: true },
      async (s) => {
        if (await this.repo.isFuture(s, dto.obtainedOn))
          throw invalid('obtainedOn', 'must not be in the future');
        if (dto.expiresOn && dto.expiresOn < dto.obtainedOn)
          throw invalid('expiresOn', 'must not be before obtainedOn');
        await this.requireCurrentBodies(
          s,
          dto.memberBodyIds,
          'Consent can name current member bodies only',
        );
        const id = await this.repo.insertConsent(s, caseId, dto, p.userId);
        const consent = (await this.repo.consents(s, caseId, false)).find((c) => c.id === id)!;
        return {
          result: consentView(consent),
          resourceId: id,
          resourceIds: dto.memberBodyIds,
        };
      },
    );
  }

  /** Never edited in place: withdrawal is recorded, and consent-based access ends on the next request. */
  withdrawConsent(p: CouncilPrincipal, caseId: string, consentId: string, dto: WithdrawConsentDto) {
    return this.access.use(
      p,
      { action: 'withdraw', subject: 'Consent', caseId, lock: true },
      async (s) => {
        const consent = (await this.repo.consents(s, caseId, false)).find(
          (c) => c.id === consentId,
        );
        if (!consent) throw notFound('Consent');
        if (consent.withdrawnOn)
          throw new DomainError(
            409,
            CaseErrorCode.ConsentAlreadyWithdrawn,
            'This consent has already been withdrawn',
          );
        if (dto.withdrawnOn < consent.obtainedOn)
          throw invalid('withdrawnOn', 'must not be before obtainedOn');
        await this.repo.withdrawConsent(s, consentId, dto.withdrawnOn, dto.reason ?? null);
        const withdrawn = (await this.repo.consents(s, caseId, false)).find(
          (c) => c.id === consentId,
        )!;
        return {
          result: consentView(withdrawn),
          resourceId: consentId,
          resourceIds: consent.memberBodyIds,
        };
      },
    );
  }

  // ---- assignments ---------------------------------------------------------------------

  createAssignment(p: CouncilPrincipal, caseId: string, dto: CreateAssignmentDto) {
    const statutory = dto.basis === 'statutory';
    if (!statutory) {
      for (const field of ['basisCode', 'basisText', 'basisMeetingId', 'reviewOn'] as const)
        if (dto[field] !== undefined) throw invalid(field, 'is for a statutory basis only');
    }
    return this.access.use(
      p,
      {
        action: 'create',
        subject: 'Assignment',
        caseId,
        lock: true,
        // The deciding meeting must be one the caller may see (404 otherwise, recorded).
        refs: dto.basisMeetingId ? [{ subject: 'Meeting', id: dto.basisMeetingId }] : [],
      },
      async (s) => {
        let basis: {
          basisCode: string;
          basisText: string | null;
          basisMeetingId: string | null;
          reviewOn: string;
        } | null = null;
        if (statutory) {
          if (dto.reviewOn && (await this.repo.isPast(s, dto.reviewOn)))
            throw invalid('reviewOn', 'must not be in the past');
          if (
            dto.basisMeetingId &&
            !(await this.repo.meetingDiscussed(s, dto.basisMeetingId, caseId))
          )
            throw new DomainError(
              422,
              CaseErrorCode.MeetingNotAboutCase,
              'The meeting named as the basis did not discuss this case',
            );
          // v1 clients name no code: the basis is "other", its note the law named.
          const code = dto.basisCode ?? 'other';
          basis = {
            basisCode: code,
            basisText:
              code === 'other'
                ? (dto.basisText ?? (dto.basisNote ?? '').slice(0, 500))
                : (dto.basisText ?? null),
            basisMeetingId: dto.basisMeetingId ?? null,
            reviewOn: dto.reviewOn ?? (await this.repo.yearsFromToday(s, 1)),
          };
        }
        await this.requireCurrentBodies(
          s,
          [dto.memberBodyId],
          'Only a current member body can be assigned',
        );
        if (
          dto.basis === 'consent' &&
          !(await this.repo.hasActiveConsentFor(s, caseId, dto.memberBodyId))
        ) {
          throw new DomainError(
            422,
            CaseErrorCode.ConsentRequired,
            'No active consent names this member body; record consent or a statutory basis',
          );
        }
        // A body whose leaving date has passed still holds its (powerless) assignment: end it
        // now, with its own event, so it does not keep the lead place from the new body.
        const lapsed = await this.repo.endAssignmentsOfBodiesLeft(s, caseId, p.userId);
        let id: string;
        try {
          id = await this.repo.insertAssignment(s, caseId, { ...dto, ...basis }, p.userId);
        } catch (error) {
          if (uniqueViolation(error, 'case_assignments_one_active_per_body'))
            throw new DomainError(
              409,
              CaseErrorCode.AssignmentExists,
              'This body is already assigned to the case',
            );
          if (uniqueViolation(error, 'case_assignments_one_active_lead'))
            throw new DomainError(
              409,
              CaseErrorCode.LeadExists,
              'The case already has an active lead body',
            );
          throw error;
        }
        return {
          result: assignmentView((await this.repo.findAssignment(s, caseId, id))!),
          resourceId: id,
          resourceIds: [dto.memberBodyId],
          basis: dto.basis,
          // Sharing without consent is a disclosure under a statute (APPI 法令に基づく場合): flag it.
          // The anomaly report looks for exactly this reason; the code lives on the assignment.
          reason: basis ? 'statutory_disclosure' : null,
          also: lapsed.map((a) => assignmentEnded({ ...a, caseId }, 'member_body_left')),
        };
      },
    );
  }

  endAssignment(p: CouncilPrincipal, caseId: string, assignmentId: string) {
    return this.access.use(
      p,
      { action: 'end', subject: 'Assignment', caseId, lock: true },
      async (s) => {
        const assignment = await this.repo.findAssignment(s, caseId, assignmentId);
        if (!assignment) throw notFound('Assignment');
        if (assignment.endedAt)
          throw new DomainError(
            409,
            CaseErrorCode.AssignmentAlreadyEnded,
            'This assignment has already ended',
          );
        await this.repo.endAssignment(s, assignmentId, p.userId);
        return {
          result: assignmentView((await this.repo.findAssignment(s, caseId, assignmentId))!),
          resourceId: assignmentId,
          resourceIds: [assignment.memberBodyId],
        };
      },
    );
  }

  /**
   * A statutory basis gets a new review date (issue 17 item 7): renewing a lapsed one covers the
   * body again from the next request. Consent-based assignments are renewed by new consent.
   */
  renewAssignment(
    p: CouncilPrincipal,
    caseId: string,
    assignmentId: string,
    dto: RenewAssignmentDto,
  ) {
    return this.access.use(
      p,
      { action: 'update', subject: 'Assignment', caseId, lock: true, event: 'assignment.renew' },
      async (s) => {
        const assignment = await this.repo.findAssignment(s, caseId, assignmentId);
        if (!assignment) throw notFound('Assignment');
        if (assignment.endedAt)
          throw new DomainError(
            409,
            CaseErrorCode.AssignmentAlreadyEnded,
            'This assignment has already ended',
          );
        if (assignment.basis !== 'statutory')
          throw new DomainError(
            422,
            CaseErrorCode.NotStatutory,
            'Only a statutory basis is renewed; consent is renewed by recording new consent',
          );
        if (await this.repo.isPast(s, dto.reviewOn))
          throw invalid('reviewOn', 'must not be in the past');
        await this.repo.renewStatutoryBasis(
          s,
          { id: assignment.id, caseId, reviewOn: assignment.reviewOn },
          dto.reviewOn,
          p.userId,
        );
        return {
          result: assignmentView((await this.repo.findAssignment(s, caseId, assignmentId))!),
          resourceId: assignmentId,
          resourceIds: [assignment.memberBodyId],
          basis: 'statutory',
          reason: `review_on=${dto.reviewOn}`,
        };
      },
    );
  }

  // ---- helpers -------------------------------------------------------------------------

  private async requireCurrentBodies(s: CouncilScope, ids: string[], message: string) {
    const bodies = await this.repo.memberBodies(s, ids);
    if (bodies.length !== new Set(ids).size) throw notFound('Member body');
    if (bodies.some((b) => !b.current))
      throw new DomainError(422, CaseErrorCode.MemberBodyNotCurrent, message);
  }

  private basisOf(p: CouncilPrincipal, assignments: AssignmentRow[]): string {
    if (p.actingAs === 'coordinator') return 'coordinator';
    const mine = assignments.find((a) => a.covered && a.memberBodyId === p.staff?.memberBodyId);
    return mine?.basis ?? 'none';
  }
}

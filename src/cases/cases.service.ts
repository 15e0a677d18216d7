import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { CaseCipher } from '../crypto/case-cipher';
import { DomainError, forbidden, notFound } from '../common/errors/domain-error';
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
  UpdateCaseDto,
  WithdrawConsentDto,
} from './case.dto';
import { AssignmentRow, CasesRepository } from './cases.repository';
import { CaseSearchRepository } from './case-search.repository';
import { DUPLICATE_SCORE } from './case-search.service';

const uniqueViolation = (error: unknown, constraint: string): boolean => {
  const e = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return e?.code === '23505' && e.constraint === constraint;
};

const invalid = (field: string, message: string): DomainError =>
  new DomainError(400, 'VALIDATION_FAILED', `${field} ${message}`, {
    details: [{ field, messages: [message] }],
  });

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
        const rows = await this.repo.listPermitted(
          s,
          q.status ?? null,
          decodeCursor(q.cursor),
          limit,
          q.reviewDue ? q.reviewDue.slice('before:'.length) : null,
        );
        const page = toPage(
          rows,
          limit,
          (r) => ({ key: r.sortKey, id: r.id }),
          (r) => projectCase(p.ability, r, this.cipher),
        );
        return {
          result: page,
          resourceType: 'case',
          resourceIds: page.items.map((c) => c.id as string),
        };
      },
    );
  }

  get(p: CouncilPrincipal, caseId: string): Promise<CaseView> {
    return this.access.use(p, { action: 'read', subject: 'Case', id: caseId }, async (s, l) => {
      const row = l.case!;
      const assignments = await this.repo.assignments(s, caseId);
      const activeConsents = await this.repo.consents(s, caseId, true);
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
            'CONSENT_ALREADY_WITHDRAWN',
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
    return this.access.use(
      p,
      { action: 'create', subject: 'Assignment', caseId, lock: true },
      async (s) => {
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
            'CONSENT_REQUIRED',
            'No active consent names this member body; record consent or a statutory basis',
          );
        }
        // A body whose leaving date has passed still holds its (powerless) assignment: end it
        // now, with its own event, so it does not keep the lead place from the new body.
        const lapsed = await this.repo.endAssignmentsOfBodiesLeft(s, caseId, p.userId);
        let id: string;
        try {
          id = await this.repo.insertAssignment(s, caseId, dto, p.userId);
        } catch (error) {
          if (uniqueViolation(error, 'case_assignments_one_active_per_body'))
            throw new DomainError(
              409,
              'ASSIGNMENT_EXISTS',
              'This body is already assigned to the case',
            );
          if (uniqueViolation(error, 'case_assignments_one_active_lead'))
            throw new DomainError(409, 'LEAD_EXISTS', 'The case already has an active lead body');
          throw error;
        }
        return {
          result: assignmentView((await this.repo.findAssignment(s, caseId, id))!),
          resourceId: id,
          resourceIds: [dto.memberBodyId],
          basis: dto.basis,
          // Sharing without consent is a disclosure under a statute (APPI 法令に基づく場合): flag it.
          reason: dto.basis === 'statutory' ? 'statutory_disclosure' : null,
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
            'ASSIGNMENT_ALREADY_ENDED',
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

  // ---- helpers -------------------------------------------------------------------------

  private async requireCurrentBodies(s: CouncilScope, ids: string[], message: string) {
    const bodies = await this.repo.memberBodies(s, ids);
    if (bodies.length !== new Set(ids).size) throw notFound('Member body');
    if (bodies.some((b) => !b.current))
      throw new DomainError(422, 'MEMBER_BODY_NOT_CURRENT', message);
  }

  private basisOf(p: CouncilPrincipal, assignments: AssignmentRow[]): string {
    if (p.actingAs === 'coordinator') return 'coordinator';
    const mine = assignments.find((a) => a.covered && a.memberBodyId === p.staff?.memberBodyId);
    return mine?.basis ?? 'none';
  }
}

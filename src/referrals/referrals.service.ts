import { Injectable } from '@nestjs/common';
import { AccessService, Done } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { assignmentView } from '../cases/case-projection';
import { Concern } from '../cases/case.dto';
import { CasesRepository } from '../cases/cases.repository';
import { CasesService, registrationEvent } from '../cases/cases.service';
import { DomainError, forbidden, notFound } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { decodeCursor, pageLimit, toPage } from '../common/http/pagination';
import {
  AcceptedReferralDto,
  AcceptReferralDto,
  AssignmentOutcome,
  CreateReferralDto,
  DeclineReferralDto,
  MergeReferralDto,
  ReferralDto,
  ReferralListDto,
  ReferralQueryDto,
} from './referral.dto';
import { ReferralRow, ReferralsRepository } from './referrals.repository';

const invalid = (field: string, message: string): DomainError =>
  new DomainError(400, ErrorCode.ValidationFailed, `${field} ${message}`, {
    details: [{ field, messages: [message] }],
  });

const alreadyDecided = () =>
  new DomainError(
    409,
    ErrorCode.ReferralAlreadyDecided,
    'This referral has already been triaged (accepted, declined or merged)',
  );

/**
 * Intake from member bodies (issue 17 item 4). A body refers a person; only the coordinating
 * side and the submitting body see the referral (policies: Referral), everyone else gets 404 and
 * lists never count it (DESIGN.md §3.2). Coordinators triage it once: accept (a new case through
 * the case-registration use case, the consent recorded, the submitting body assigned when the
 * consent names it), decline with a reason, or merge into an existing case (no new case, and no
 * access for the submitting body: it needs consent and an assignment like anyone, §3.1). Every
 * step is audited with ids only (§3.5); the subject is personal data, read by those two sides.
 */
@Injectable()
export class ReferralsService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: ReferralsRepository,
    private readonly cases: CasesService,
    private readonly caseRepo: CasesRepository,
  ) {}

  create(p: CouncilPrincipal, dto: CreateReferralDto): Promise<ReferralDto> {
    const body = p.staff?.memberBodyId;
    return this.access.use(
      p,
      { action: 'create', subject: 'Referral', event: 'referral.create' },
      async (s) => {
        if (!body) throw forbidden();
        let consentBodyIds: string[] | null = null;
        if (dto.consentObtained) {
          if (await this.caseRepo.isFuture(s, dto.consentObtained.obtainedOn))
            throw invalid('consentObtained.obtainedOn', 'must not be in the future');
          consentBodyIds = dto.consentObtained.memberBodyIds ?? [body];
          const found = await this.caseRepo.memberBodies(s, consentBodyIds);
          if (found.length !== consentBodyIds.length) throw notFound('Member body');
        }
        const id = await this.repo.insert(s, body, dto, consentBodyIds, p.userId);
        return {
          result: this.view(p, (await this.repo.find(s, id))!),
          resourceType: 'referral',
          resourceId: id,
          resourceIds: consentBodyIds,
          reason: `urgency=${dto.urgency}`,
        };
      },
    );
  }

  list(p: CouncilPrincipal, q: ReferralQueryDto): Promise<ReferralListDto> {
    const limit = pageLimit(q);
    return this.access.use(
      p,
      { action: 'read', subject: 'Referral', event: 'referral.list' },
      async (s) => {
        const rows = await this.repo.list(s, q.status ?? null, decodeCursor(q.cursor), limit);
        const page = toPage(
          rows,
          limit,
          (r) => ({ key: r.sortKey, id: r.id }),
          (r) => this.view(p, r),
        );
        const shown = rows.slice(0, page.items.length);
        return {
          result: page,
          resourceType: 'referral',
          resourceIds: page.items.map((r) => r.id),
          caseId: null,
          // A referral that became part of a case speaks about that case (§3.10).
          also: shown
            .filter((r) => r.caseId)
            .map((r) => ({
              action: 'referral.list',
              resourceType: 'referral',
              resourceId: r.id,
              caseId: r.caseId,
            })),
        };
      },
    );
  }

  get(p: CouncilPrincipal, id: string): Promise<ReferralDto> {
    return this.access.use(p, { action: 'read', subject: 'Referral', id }, async (s) => {
      const row = (await this.repo.find(s, id))!;
      return { result: this.view(p, row), resourceId: id, caseId: row.caseId };
    });
  }

  /**
   * A new case from the referral, in one transaction: registered like any case (normalised
   * names, duplicate flag), the consent recorded when the referral carries one, and the
   * submitting body assigned on that consent when it names the body and the body is still a
   * member — otherwise the case stays unassigned and the referral says why.
   */
  accept(p: CouncilPrincipal, id: string, dto: AcceptReferralDto): Promise<AcceptedReferralDto> {
    return this.access.use(
      p,
      { action: 'accept', subject: 'Referral', id, lock: true, event: 'referral.accept' },
      async (s) => {
        const r = await this.undecided(s, id);
        const { view, possibleDuplicates } = await this.cases.register(s, {
          subject: {
            familyName: r.familyName,
            givenName: r.givenName,
            familyNameKana: r.familyNameKana ?? undefined,
            givenNameKana: r.givenNameKana ?? undefined,
            birthDate: r.birthDate ?? undefined,
            gender: (r.gender ?? undefined) as 'female' | 'male' | 'other' | 'unknown' | undefined,
            address: r.address ?? undefined,
            phone: r.phone ?? undefined,
          },
          summary: r.summary,
          concerns: r.concerns as Concern[],
          sensitive: r.sensitive ?? undefined,
          reviewDueOn: dto.reviewDueOn,
        });
        const caseId = view.id as string;
        const also: NonNullable<Done<unknown>['also']> = [
          {
            action: 'case.create',
            resourceType: 'case',
            ...registrationEvent(caseId, possibleDuplicates),
          },
        ];
        let outcome: AssignmentOutcome = 'no_consent';
        if (r.consentMethod && r.consentObtainedOn && r.consentBodyIds) {
          const current = await this.caseRepo.memberBodies(s, r.consentBodyIds);
          // Consent can name current member bodies only; a body that left since is dropped.
          const named = current.filter((b) => b.current).map((b) => b.id);
          if (named.length) {
            const consentId = await this.caseRepo.insertConsent(
              s,
              caseId,
              { memberBodyIds: named, method: r.consentMethod, obtainedOn: r.consentObtainedOn },
              p.userId,
            );
            also.push({
              action: 'consent.create',
              resourceType: 'consent',
              resourceId: consentId,
              resourceIds: named,
              caseId,
            });
          }
          if (!r.consentBodyIds.includes(r.memberBodyId)) outcome = 'consent_not_naming_body';
          else if (!named.includes(r.memberBodyId)) outcome = 'body_not_current';
          else {
            const assignmentId = await this.caseRepo.insertAssignment(
              s,
              caseId,
              {
                memberBodyId: r.memberBodyId,
                role: dto.role ?? 'lead',
                scope: dto.scope ?? 'limited',
                basis: 'consent',
              },
              p.userId,
            );
            const a = (await this.caseRepo.findAssignment(s, caseId, assignmentId))!;
            also.push({
              action: 'assignment.create',
              resourceType: 'assignment',
              resourceId: assignmentView(a).id,
              resourceIds: [r.memberBodyId],
              caseId,
              basis: 'consent',
            });
            outcome = 'assigned';
          }
        }
        await this.repo.decide(
          s,
          id,
          { status: 'accepted', reason: null, caseId, assignmentOutcome: outcome },
          p.userId,
        );
        return {
          result: {
            ...this.view(p, (await this.repo.find(s, id))!),
            possibleDuplicates,
          },
          resourceType: 'referral',
          resourceId: id,
          caseId,
          reason: `assignment=${outcome}`,
          also,
        };
      },
    );
  }

  decline(p: CouncilPrincipal, id: string, dto: DeclineReferralDto): Promise<ReferralDto> {
    return this.access.use(
      p,
      { action: 'update', subject: 'Referral', id, lock: true, event: 'referral.decline' },
      async (s) => {
        await this.undecided(s, id);
        await this.repo.decide(
          s,
          id,
          { status: 'declined', reason: dto.reason, caseId: null, assignmentOutcome: null },
          p.userId,
        );
        return {
          result: this.view(p, (await this.repo.find(s, id))!),
          resourceType: 'referral',
          resourceId: id,
          caseId: null,
        };
      },
    );
  }

  /**
   * The person already has a case (found with POST …/cases/match): the referral is recorded as
   * merged into it. No new case, and nothing shared with the submitting body — it is given
   * access only by consent and an assignment, like anyone (DESIGN.md §3.1).
   */
  merge(p: CouncilPrincipal, id: string, dto: MergeReferralDto): Promise<ReferralDto> {
    return this.access.use(
      p,
      {
        action: 'update',
        subject: 'Referral',
        id,
        lock: true,
        event: 'referral.merge',
        // The case must be one the coordinator may see (and open): else an audited 404/409.
        caseId: dto.caseId,
      },
      async (s) => {
        await this.undecided(s, id);
        await this.repo.decide(
          s,
          id,
          { status: 'merged', reason: dto.reason, caseId: dto.caseId, assignmentOutcome: null },
          p.userId,
        );
        return {
          result: this.view(p, (await this.repo.find(s, id))!),
          resourceType: 'referral',
          resourceId: id,
          caseId: dto.caseId,
        };
      },
    );
  }

  private async undecided(s: CouncilScope, id: string): Promise<ReferralRow> {
    const row = (await this.repo.find(s, id))!;
    if (row.status !== 'submitted') throw alreadyDecided();
    return row;
  }

  /**
   * The referral as the caller may see it. The submitting body wrote the subject, so it reads
   * it back; of the outcome it sees the status and date, a decline's reason, and the resulting
   * case id only while it may see that case (need to know, §3.1).
   */
  private view(p: CouncilPrincipal, r: ReferralRow): ReferralDto {
    const coordinator = p.actingAs === 'coordinator';
    return {
      id: r.id,
      memberBodyId: r.memberBodyId,
      submittedBy: r.submittedBy,
      submittedAt: r.submittedAt,
      subject: {
        familyName: r.familyName,
        givenName: r.givenName,
        familyNameKana: r.familyNameKana,
        givenNameKana: r.givenNameKana,
        birthDate: r.birthDate,
        gender: r.gender,
        address: r.address,
        phone: r.phone,
      },
      summary: r.summary,
      concerns: r.concerns,
      sensitive: r.sensitive,
      urgency: r.urgency,
      consentObtained:
        r.consentMethod && r.consentObtainedOn
          ? {
              method: r.consentMethod,
              obtainedOn: r.consentObtainedOn,
              memberBodyIds: r.consentBodyIds ?? [],
            }
          : null,
      status: r.status,
      decidedAt: r.decidedAt,
      decisionReason: coordinator || r.status === 'declined' ? r.decisionReason : null,
      caseId: coordinator || r.caseVisible ? r.caseId : null,
      assignmentOutcome: r.assignmentOutcome,
    };
  }
}

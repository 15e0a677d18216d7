import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { decidingRuleId } from '../access/ability.factory';
import { actorOf, CouncilPrincipal } from '../access/council-principal';
import { AuditService } from '../audit/audit.service';
import { DomainError, forbidden, notFound } from '../common/errors/domain-error';
import { decodeCursor, Page, pageLimit, toPage } from '../common/http/pagination';
import { CouncilTransactions } from '../database/council-transactions';
import {
  caseSubject,
  CaseView,
  consentView,
  assignmentView,
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
import { caseClosed } from './case-errors';
import { CaseRow, CasesRepository } from './cases.repository';

const uniqueViolation = (error: unknown, constraint: string): boolean => {
  const e = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return e?.code === '23505' && e.constraint === constraint;
};

/**
 * Case use cases. Each runs in one council-scoped transaction (RLS), finds the case through the
 * caller's policy as SQL (so a case outside it is a 404), projects fields through the policy,
 * and writes its audit event last, in the same transaction (fail closed).
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly tx: CouncilTransactions,
    private readonly repo: CasesRepository,
    private readonly audit: AuditService,
  ) {}

  create(
    p: CouncilPrincipal,
    dto: CreateCaseDto,
  ): Promise<CaseView & { possibleDuplicates: { id: string; caseNumber: string }[] }> {
    return this.tx.run(p.councilId, async (em) => {
      const caseNumber = await this.repo.nextCaseNumber(em, p.councilId);
      const id = await this.repo.insertCase(
        em,
        p.councilId,
        {
          ...dto.subject,
          caseNumber,
          sensitive: dto.sensitive,
          summary: dto.summary,
          concerns: dto.concerns,
          reviewDueOn: dto.reviewDueOn,
        },
        p.userId,
      );
      const row = (await this.repo.findPermitted(em, p.ability, 'read', p.councilId, id))!;
      const possibleDuplicates = await this.possibleDuplicates(em, p.councilId, row);
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'case.create',
        outcome: 'allowed',
        resourceType: 'case',
        resourceId: id,
        caseId: id,
        ruleId: decidingRuleId(p.ability, 'create', 'Case'),
        basis: 'coordinator',
        requestId: p.requestId,
        reason: possibleDuplicates.length
          ? `possible_duplicates=${possibleDuplicates.length}`
          : null,
      });
      return { ...projectCase(p.ability, row), possibleDuplicates };
    });
  }

  list(p: CouncilPrincipal, q: CaseQueryDto): Promise<Page<CaseView>> {
    const limit = pageLimit(q);
    return this.tx.run(p.councilId, async (em) => {
      const rows = await this.repo.listPermitted(
        em,
        p.ability,
        p.councilId,
        q.status ?? null,
        decodeCursor(q.cursor),
        limit,
        q.reviewDue ? q.reviewDue.slice('before:'.length) : null,
      );
      const page = toPage(
        rows,
        limit,
        (r) => ({ key: r.sortKey, id: r.id }),
        (r) => projectCase(p.ability, r),
      );
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'case.list',
        outcome: 'allowed',
        resourceType: 'case',
        resourceIds: page.items.map((c) => c.id as string),
        ruleId: decidingRuleId(p.ability, 'read', 'Case'),
        requestId: p.requestId,
      });
      return page;
    });
  }

  async get(p: CouncilPrincipal, caseId: string): Promise<CaseView> {
    const view = await this.tx.run(p.councilId, async (em) => {
      const row = await this.repo.findPermitted(em, p.ability, 'read', p.councilId, caseId);
      if (!row) return null;
      const [assignments, activeConsents] = [
        await this.repo.assignments(em, p.councilId, caseId),
        await this.repo.consents(em, p.councilId, caseId, true),
      ];
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'case.read',
        outcome: 'allowed',
        resourceType: 'case',
        resourceId: caseId,
        caseId,
        ruleId: decidingRuleId(p.ability, 'read', caseSubject(row)),
        requestId: p.requestId,
        basis: this.basisOf(p, assignments),
      });
      // Need to know within the case too: agency staff see their own body's assignment and the
      // consents naming it, not the other bodies' arrangements or the consent notes.
      const body = p.actingAs === 'coordinator' ? null : p.staff?.memberBodyId;
      return projectCase(p.ability, row, {
        assignments: body ? assignments.filter((a) => a.memberBodyId === body) : assignments,
        activeConsents: body
          ? activeConsents
              .filter((c) => c.memberBodyIds.includes(body))
              .map((c) => ({ ...c, memberBodyIds: [body], note: null }))
          : activeConsents,
      });
    });
    if (!view) throw await this.notVisible(p, 'case.read', caseId);
    return view;
  }

  async update(p: CouncilPrincipal, caseId: string, dto: UpdateCaseDto): Promise<CaseView> {
    const view = await this.tx.run(p.councilId, async (em) => {
      const row = await this.repo.findPermitted(em, p.ability, 'update', p.councilId, caseId, true);
      if (!row) return null;
      if (row.status === 'closed') throw caseClosed();
      // Writes accept only fields the policy permits for this row.
      for (const field of fieldsOfUpdate(dto as UpdateCaseDto & Record<string, unknown>)) {
        if (!p.ability.can('update', caseSubject(row), field))
          throw forbidden(`You may not change ${field}`);
      }
      await this.repo.updateCase(em, p.councilId, caseId, {
        ...dto.subject,
        ...dto,
        subject: undefined,
      });
      const updated = (await this.repo.findPermitted(em, p.ability, 'read', p.councilId, caseId))!;
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'case.update',
        outcome: 'allowed',
        resourceType: 'case',
        resourceId: caseId,
        caseId,
        ruleId: decidingRuleId(p.ability, 'update', caseSubject(row)),
        requestId: p.requestId,
        reason: `fields=${fieldsOfUpdate(dto as UpdateCaseDto & Record<string, unknown>).join(',')}`,
      });
      return projectCase(p.ability, updated);
    });
    if (!view) throw await this.notVisible(p, 'case.update', caseId);
    return view;
  }

  // ---- consent (本人同意) ------------------------------------------------------------------

  async createConsent(p: CouncilPrincipal, caseId: string, dto: CreateConsentDto) {
    const result = await this.tx.run(p.councilId, async (em) => {
      const row = await this.repo.findPermitted(em, p.ability, 'read', p.councilId, caseId, true);
      if (!row) return null;
      if (row.status === 'closed') throw caseClosed();
      const [{ future }] = (await em.query(`SELECT $1::date > current_date AS future`, [
        dto.obtainedOn,
      ])) as { future: boolean }[];
      if (future) {
        throw new DomainError(400, 'VALIDATION_FAILED', 'obtainedOn must not be in the future', {
          details: [{ field: 'obtainedOn', messages: ['must not be in the future'] }],
        });
      }
      if (dto.expiresOn && dto.expiresOn < dto.obtainedOn) {
        throw new DomainError(400, 'VALIDATION_FAILED', 'expiresOn must not be before obtainedOn', {
          details: [{ field: 'expiresOn', messages: ['must not be before obtainedOn'] }],
        });
      }
      const bodies = await this.repo.memberBodies(em, p.councilId, dto.memberBodyIds);
      if (bodies.length !== dto.memberBodyIds.length) throw notFound('Member body');
      if (bodies.some((b) => !b.current))
        throw new DomainError(
          422,
          'MEMBER_BODY_NOT_CURRENT',
          'Consent can name current member bodies only',
        );
      const id = await this.repo.insertConsent(em, p.councilId, caseId, dto, p.userId);
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'consent.create',
        outcome: 'allowed',
        resourceType: 'consent',
        resourceId: id,
        resourceIds: dto.memberBodyIds,
        caseId,
        ruleId: decidingRuleId(p.ability, 'create', 'Consent'),
        requestId: p.requestId,
      });
      return consentView(
        (await this.repo.consents(em, p.councilId, caseId, false)).find((c) => c.id === id)!,
      );
    });
    if (!result) throw await this.notVisible(p, 'consent.create', caseId);
    return result;
  }

  /** Never edited in place: withdrawal is recorded, and consent-based access ends on the next request. */
  async withdrawConsent(
    p: CouncilPrincipal,
    caseId: string,
    consentId: string,
    dto: WithdrawConsentDto,
  ) {
    const result = await this.tx.run(p.councilId, async (em) => {
      if (!(await this.repo.findPermitted(em, p.ability, 'read', p.councilId, caseId))) return null;
      const consent = (await this.repo.consents(em, p.councilId, caseId, false)).find(
        (c) => c.id === consentId,
      );
      if (!consent) throw notFound('Consent');
      if (consent.withdrawnOn)
        throw new DomainError(
          409,
          'CONSENT_ALREADY_WITHDRAWN',
          'This consent has already been withdrawn',
        );
      if (dto.withdrawnOn < consent.obtainedOn) {
        throw new DomainError(
          400,
          'VALIDATION_FAILED',
          'withdrawnOn must not be before obtainedOn',
          { details: [{ field: 'withdrawnOn', messages: ['must not be before obtainedOn'] }] },
        );
      }
      await this.repo.withdrawConsent(
        em,
        p.councilId,
        consentId,
        dto.withdrawnOn,
        dto.reason ?? null,
      );
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'consent.withdraw',
        outcome: 'allowed',
        resourceType: 'consent',
        resourceId: consentId,
        resourceIds: consent.memberBodyIds,
        caseId,
        ruleId: decidingRuleId(p.ability, 'withdraw', 'Consent'),
        requestId: p.requestId,
      });
      return consentView(
        (await this.repo.consents(em, p.councilId, caseId, false)).find((c) => c.id === consentId)!,
      );
    });
    if (!result) throw await this.notVisible(p, 'consent.withdraw', caseId);
    return result;
  }

  // ---- assignments ---------------------------------------------------------------------

  async createAssignment(p: CouncilPrincipal, caseId: string, dto: CreateAssignmentDto) {
    const result = await this.tx.run(p.councilId, async (em) => {
      const row = await this.repo.findPermitted(em, p.ability, 'read', p.councilId, caseId, true);
      if (!row) return null;
      if (row.status === 'closed') throw caseClosed();
      const [body] = await this.repo.memberBodies(em, p.councilId, [dto.memberBodyId]);
      if (!body) throw notFound('Member body');
      if (!body.current)
        throw new DomainError(
          422,
          'MEMBER_BODY_NOT_CURRENT',
          'Only a current member body can be assigned',
        );
      if (
        dto.basis === 'consent' &&
        !(await this.repo.hasActiveConsentFor(em, p.councilId, caseId, dto.memberBodyId))
      ) {
        throw new DomainError(
          422,
          'CONSENT_REQUIRED',
          'No active consent names this member body; record consent or a statutory basis',
        );
      }
      let id: string;
      try {
        id = await this.repo.insertAssignment(em, p.councilId, caseId, dto, p.userId);
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
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'assignment.create',
        outcome: 'allowed',
        resourceType: 'assignment',
        resourceId: id,
        resourceIds: [dto.memberBodyId],
        caseId,
        basis: dto.basis,
        requestId: p.requestId,
        ruleId: decidingRuleId(p.ability, 'create', 'Assignment'),
        // Sharing without consent is a disclosure under a statute (APPI 法令に基づく場合): flag it.
        reason: dto.basis === 'statutory' ? 'statutory_disclosure' : null,
      });
      return assignmentView((await this.repo.findAssignment(em, p.councilId, caseId, id))!);
    });
    if (!result) throw await this.notVisible(p, 'assignment.create', caseId);
    return result;
  }

  async endAssignment(p: CouncilPrincipal, caseId: string, assignmentId: string) {
    const result = await this.tx.run(p.councilId, async (em) => {
      if (!(await this.repo.findPermitted(em, p.ability, 'read', p.councilId, caseId))) return null;
      const assignment = await this.repo.findAssignment(em, p.councilId, caseId, assignmentId);
      if (!assignment) throw notFound('Assignment');
      if (assignment.endedAt)
        throw new DomainError(409, 'ASSIGNMENT_ALREADY_ENDED', 'This assignment has already ended');
      await this.repo.endAssignment(em, p.councilId, assignmentId, p.userId);
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'assignment.end',
        outcome: 'allowed',
        resourceType: 'assignment',
        resourceId: assignmentId,
        resourceIds: [assignment.memberBodyId],
        caseId,
        requestId: p.requestId,
        ruleId: decidingRuleId(p.ability, 'end', 'Assignment'),
      });
      return assignmentView(
        (await this.repo.findAssignment(em, p.councilId, caseId, assignmentId))!,
      );
    });
    if (!result) throw await this.notVisible(p, 'assignment.end', caseId);
    return result;
  }

  // ---- helpers -------------------------------------------------------------------------

  private basisOf(
    p: CouncilPrincipal,
    assignments: { memberBodyId: string; basis: string; covered: boolean }[],
  ): string {
    if (p.actingAs === 'coordinator') return 'coordinator';
    const mine = assignments.find((a) => a.covered && a.memberBodyId === p.staff?.memberBodyId);
    return mine?.basis ?? 'none';
  }

  /** Outside visibility: audited as a denial (own transaction), answered 404 (DESIGN.md §3.2). */
  private async notVisible(
    p: CouncilPrincipal,
    action: string,
    caseId: string,
  ): Promise<DomainError> {
    await this.audit.recordDenial({
      councilId: p.councilId,
      actor: actorOf(p),
      action,
      resourceType: 'case',
      resourceId: caseId,
      caseId: null,
      reason: 'not_visible',
      requestId: p.requestId,
    });
    return notFound('Case');
  }

  private async possibleDuplicates(
    em: EntityManager,
    councilId: string,
    row: CaseRow,
  ): Promise<{ id: string; caseNumber: string }[]> {
    if (!row.familyNameKana || !row.givenNameKana || !row.birthDate) return [];
    return (await em.query(
      `SELECT id, case_number AS "caseNumber" FROM cases
        WHERE council_id = $1 AND id <> $2 AND family_name_kana = $3 AND given_name_kana = $4 AND birth_date = $5`,
      [councilId, row.id, row.familyNameKana, row.givenNameKana, row.birthDate],
    )) as { id: string; caseNumber: string }[];
  }
}

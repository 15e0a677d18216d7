import { Injectable } from '@nestjs/common';
import { subject } from '@casl/ability';
import { EntityManager } from 'typeorm';
import { decidingRuleId } from '../access/ability.factory';
import { actorOf, CouncilPrincipal } from '../access/council-principal';
import { AuditService } from '../audit/audit.service';
import { DomainError, forbidden, notFound } from '../common/errors/domain-error';
import { CouncilTransactions } from '../database/council-transactions';
import { caseClosed } from './case-errors';
import {
  CloseCaseDto,
  CreateInfoRequestDto,
  CreateNoteDto,
  CreatePlanDto,
  ReopenCaseDto,
  UpdateActionDto,
} from './case-work.dto';
import {
  ActionRow,
  CaseWorkRepository,
  InfoRequestRow,
  NoteRow,
  PlanRow,
} from './case-work.repository';
import { CaseRow, CasesRepository } from './cases.repository';

const noteView = (n: NoteRow) => ({
  id: n.id,
  body: n.body,
  correctsNoteId: n.correctsNoteId,
  authorUserId: n.authorUserId,
  authorRole: n.authorRole,
  memberBodyId: n.memberBodyId,
  createdAt: n.createdAt.toISOString(),
});

const actionView = (a: ActionRow) => ({
  id: a.id,
  text: a.text,
  memberBodyId: a.memberBodyId,
  dueOn: a.dueOn,
  status: a.status,
  updatedAt: a.updatedAt.toISOString(),
});

const planView = (p: PlanRow, actions: ActionRow[]) => ({
  id: p.id,
  version: p.version,
  goals: p.goals,
  actions: actions.filter((a) => a.planId === p.id).map(actionView),
  createdAt: p.createdAt.toISOString(),
  createdBy: p.createdBy,
});

/** Only what an addressed body needs of the case: its number and the person's name. */
const infoRequestView = (r: InfoRequestRow) => ({
  id: r.id,
  case: {
    id: r.caseId,
    caseNumber: r.caseNumber,
    familyName: r.familyName,
    givenName: r.givenName,
  },
  memberBodyId: r.memberBodyId,
  question: r.question,
  dueOn: r.dueOn,
  createdAt: r.createdAt.toISOString(),
  answer: r.answer,
  answeredAt: r.answeredAt?.toISOString() ?? null,
  overdue: r.overdue,
});

/**
 * Work on a case: closure and reopening, notes, support plans and their actions, information
 * requests. Everything except information requests first finds the case through the caller's
 * case policy (outside it: 404); a closed case accepts nothing but reopening (409).
 */
@Injectable()
export class CaseWorkService {
  constructor(
    private readonly tx: CouncilTransactions,
    private readonly cases: CasesRepository,
    private readonly repo: CaseWorkRepository,
    private readonly audit: AuditService,
  ) {}

  close(p: CouncilPrincipal, caseId: string, dto: CloseCaseDto) {
    return this.changeStatus(p, caseId, 'closed', dto.reason, dto.meetingId ?? null);
  }

  reopen(p: CouncilPrincipal, caseId: string, dto: ReopenCaseDto) {
    return this.changeStatus(p, caseId, 'open', dto.reason, null);
  }

  statusHistory(p: CouncilPrincipal, caseId: string) {
    return this.withCase(p, caseId, 'case.status_history', async (em) => {
      const items = await this.repo.statusHistory(em, p.councilId, caseId);
      return {
        items: items.map((h) => ({ ...h, changedAt: h.changedAt.toISOString() })),
        nextCursor: null,
      };
    });
  }

  addNote(p: CouncilPrincipal, caseId: string, dto: CreateNoteDto) {
    return this.withCase(
      p,
      caseId,
      'note.create',
      async (em, row) => {
        if (row.status === 'closed') throw caseClosed();
        if (
          dto.correctsNoteId &&
          !(await this.repo.notes(em, p.councilId, caseId)).some((n) => n.id === dto.correctsNoteId)
        ) {
          throw notFound('Note');
        }
        const memberBodyId = p.staff?.memberBodyId;
        if (!memberBodyId) throw forbidden();
        const id = await this.repo.insertNote(em, p.councilId, {
          caseId,
          body: dto.body,
          correctsNoteId: dto.correctsNoteId ?? null,
          authorUserId: p.userId,
          authorRole: p.actingAs,
          memberBodyId,
        });
        return {
          result: noteView(
            (await this.repo.notes(em, p.councilId, caseId)).find((n) => n.id === id)!,
          ),
          resourceId: id,
        };
      },
      'Note',
      'create',
    );
  }

  notes(p: CouncilPrincipal, caseId: string) {
    return this.withCase(
      p,
      caseId,
      'note.list',
      async (em) => {
        const notes = await this.repo.notes(em, p.councilId, caseId);
        return { items: notes.map(noteView), nextCursor: null };
      },
      'Note',
      'read',
    );
  }

  createPlan(p: CouncilPrincipal, caseId: string, dto: CreatePlanDto) {
    return this.withCase(
      p,
      caseId,
      'plan.create',
      async (em, row) => {
        if (row.status === 'closed') throw caseClosed();
        const bodyIds = [...new Set(dto.actions.map((a) => a.memberBodyId))];
        const bodies = await this.cases.memberBodies(em, p.councilId, bodyIds);
        if (bodies.length !== bodyIds.length) throw notFound('Member body');
        if (bodies.some((b) => !b.current))
          throw new DomainError(
            422,
            'MEMBER_BODY_NOT_CURRENT',
            'Actions can be owned by current member bodies only',
          );
        const plan = await this.repo.insertPlan(
          em,
          p.councilId,
          caseId,
          dto.goals.map((g) => ({ text: g.text })),
          p.userId,
        );
        for (const [position, action] of dto.actions.entries()) {
          await this.repo.insertAction(em, p.councilId, {
            planId: plan.id,
            caseId,
            position,
            ...action,
          });
        }
        const [saved] = (await this.repo.plans(em, p.councilId, caseId)).filter(
          (x) => x.id === plan.id,
        );
        return {
          result: planView(saved, await this.repo.actions(em, p.councilId, [plan.id])),
          resourceId: plan.id,
        };
      },
      'Plan',
      'create',
    );
  }

  plans(p: CouncilPrincipal, caseId: string) {
    return this.withCase(
      p,
      caseId,
      'plan.read',
      async (em) => {
        const plans = await this.repo.plans(em, p.councilId, caseId);
        const actions = await this.repo.actions(
          em,
          p.councilId,
          plans.map((x) => x.id),
        );
        const [current, ...history] = plans.map((x) => planView(x, actions));
        return { current: current ?? null, history };
      },
      'Plan',
      'read',
    );
  }

  /** Coordinators any action; agency staff only their own body's (policy as SQL decides). */
  updateAction(p: CouncilPrincipal, caseId: string, actionId: string, dto: UpdateActionDto) {
    return this.withCase(
      p,
      caseId,
      'plan_action.update',
      async (em, row) => {
        if (row.status === 'closed') throw caseClosed();
        const action = await this.repo.findUpdatableAction(
          em,
          p.ability,
          p.councilId,
          caseId,
          actionId,
        );
        if (!action) throw notFound('Action');
        if (action === 'not_updatable')
          throw forbidden(
            'Only staff of the owning member body (or a coordinator) may change this action',
          );
        if (action.status !== dto.status)
          await this.repo.setActionStatus(em, p.councilId, action, dto.status, p.userId);
        return { result: { ...actionView(action), status: dto.status }, resourceId: actionId };
      },
      'PlanAction',
      'update',
    );
  }

  createInfoRequest(p: CouncilPrincipal, caseId: string, dto: CreateInfoRequestDto) {
    return this.withCase(
      p,
      caseId,
      'info_request.create',
      async (em, row) => {
        if (row.status === 'closed') throw caseClosed();
        const [body] = await this.cases.memberBodies(em, p.councilId, [dto.memberBodyId]);
        if (!body) throw notFound('Member body');
        if (!body.current)
          throw new DomainError(
            422,
            'MEMBER_BODY_NOT_CURRENT',
            'Requests can go to current member bodies only',
          );
        const id = await this.repo.insertInfoRequest(em, p.councilId, { caseId, ...dto }, p.userId);
        const [created] = await this.repo.infoRequests(em, p.ability, p.councilId, {
          requestId: id,
        });
        return { result: infoRequestView(created), resourceId: id };
      },
      'InfoRequest',
      'create',
    );
  }

  /** The requests the caller may see across the council (overdue ones with `overdue`). */
  listInfoRequests(p: CouncilPrincipal, overdue: boolean) {
    return this.tx.run(p.councilId, async (em) => {
      const rows = await this.repo.infoRequests(em, p.ability, p.councilId, { overdue });
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'info_request.list',
        outcome: 'allowed',
        resourceType: 'info_request',
        resourceIds: rows.map((r) => r.id),
        ruleId: decidingRuleId(p.ability, 'read', 'InfoRequest'),
        requestId: p.requestId,
      });
      return { items: rows.map(infoRequestView), nextCursor: null };
    });
  }

  /** The addressed body answers, once (Art. 16). No case assignment is needed for that. */
  async respond(p: CouncilPrincipal, requestId: string, answer: string, caseId?: string) {
    const result = await this.tx.run(p.councilId, async (em) => {
      const [request] = await this.repo.infoRequests(em, p.ability, p.councilId, { requestId });
      // Via a case's path, the request must belong to that case.
      if (!request || (caseId !== undefined && request.caseId !== caseId)) return null;
      if (
        !p.ability.can(
          'respond',
          subject('InfoRequest', {
            councilId: p.councilId,
            memberBodyId: request.memberBodyId,
            caseId: request.caseId,
          } as Record<string, unknown>),
        )
      ) {
        throw forbidden('Only staff of the addressed member body may answer');
      }
      if (!(await this.repo.answerInfoRequest(em, p.councilId, requestId, answer, p.userId))) {
        throw new DomainError(409, 'ALREADY_ANSWERED', 'This request has already been answered');
      }
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'info_request.respond',
        outcome: 'allowed',
        resourceType: 'info_request',
        resourceId: requestId,
        caseId: request.caseId,
        ruleId: decidingRuleId(p.ability, 'respond', 'InfoRequest'),
        requestId: p.requestId,
      });
      const [answered] = await this.repo.infoRequests(em, p.ability, p.councilId, { requestId });
      return infoRequestView(answered);
    });
    if (!result) {
      await this.audit.recordDenial({
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'info_request.respond',
        resourceType: 'info_request',
        resourceId: requestId,
        reason: 'not_visible',
        requestId: p.requestId,
      });
      throw notFound('Information request');
    }
    return result;
  }

  // ---- helpers -------------------------------------------------------------------------

  private async changeStatus(
    p: CouncilPrincipal,
    caseId: string,
    status: 'open' | 'closed',
    reason: string,
    meetingId: string | null,
  ) {
    return this.withCase(
      p,
      caseId,
      status === 'closed' ? 'case.close' : 'case.reopen',
      async (em, row) => {
        if (row.status === status)
          throw new DomainError(
            409,
            status === 'closed' ? 'CASE_CLOSED' : 'CASE_OPEN',
            `The case is already ${status}`,
          );
        await this.repo.setStatus(em, p.councilId, caseId, status, reason, meetingId, p.userId);
        return {
          result: {
            id: caseId,
            status,
            history: (await this.repo.statusHistory(em, p.councilId, caseId)).map((h) => ({
              ...h,
              changedAt: h.changedAt.toISOString(),
            })),
          },
          resourceId: caseId,
        };
      },
      'Case',
      status === 'closed' ? 'close' : 'reopen',
    );
  }

  /**
   * Runs `work` on a case the caller may read (404 and an audited denial otherwise), then
   * writes the audit event for `action` last, in the same transaction.
   */
  private async withCase<T>(
    p: CouncilPrincipal,
    caseId: string,
    action: string,
    work: (em: EntityManager, row: CaseRow) => Promise<T | { result: T; resourceId: string }>,
    ruleSubject: Parameters<typeof decidingRuleId>[2] = 'Case',
    ruleAction: Parameters<typeof decidingRuleId>[1] = 'read',
  ): Promise<T> {
    const out = await this.tx.run(p.councilId, async (em) => {
      const row = await this.cases.findPermitted(em, p.ability, 'read', p.councilId, caseId, true);
      if (!row) return { found: false as const };
      const done = await work(em, row);
      const wrapped =
        typeof done === 'object' && done !== null && 'result' in done && 'resourceId' in done;
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action,
        outcome: 'allowed',
        caseId,
        resourceType: action.split('.')[0],
        resourceId: wrapped ? (done as { resourceId: string }).resourceId : caseId,
        ruleId: decidingRuleId(p.ability, ruleAction, ruleSubject),
        requestId: p.requestId,
      });
      return {
        found: true as const,
        value: wrapped ? (done as { result: T }).result : (done as T),
      };
    });
    if (!out.found) {
      await this.audit.recordDenial({
        councilId: p.councilId,
        actor: actorOf(p),
        action,
        resourceType: 'case',
        resourceId: caseId,
        reason: 'not_visible',
        requestId: p.requestId,
      });
      throw notFound('Case');
    }
    return out.value;
  }
}

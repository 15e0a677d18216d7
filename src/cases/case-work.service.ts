import { Injectable } from '@nestjs/common';
import { CaseErrorCode } from './case-error-codes';
import { AccessService, Done } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { CaseCipher } from '../crypto/case-cipher';
import { DomainError, forbidden, notFound } from '../common/errors/domain-error';
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
import { assignmentEnded } from './case-projection';
import { CasesRepository } from './cases.repository';

/** A note as answered: its body opened by the caller (null once the case was disposed of). */
/** The field name sealed note bodies are bound to (src/crypto/case-cipher.ts). */
const NOTE_BODY = 'note.body';

const noteView = (n: NoteRow, body: string | null | undefined) => ({
  id: n.id,
  body,
  correctsNoteId: n.correctsNoteId,
  authorUserId: n.authorUserId,
  authorRole: n.authorRole,
  memberBodyId: n.memberBodyId,
  sensitive: n.sensitive,
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
type InfoRequestView = ReturnType<typeof infoRequestView>;

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
 * requests. Each goes through the access primitive: the case (or the request, for the addressed
 * body) is loaded through the caller's policy (outside it: an audited 404), a closed case
 * accepts nothing but reopening (409 CASE_CLOSED, enforced by the primitive).
 */
@Injectable()
export class CaseWorkService {
  constructor(
    private readonly access: AccessService,
    private readonly cases: CasesRepository,
    private readonly repo: CaseWorkRepository,
    private readonly cipher: CaseCipher,
  ) {}

  /**
   * A note's body, opened with its case's data key inside the use case (after the access path
   * allowed the read); null once the case was disposed of; plain for notes written before
   * envelope encryption.
   */
  private async bodyOf(s: CouncilScope, n: NoteRow): Promise<string | null | undefined> {
    if (!n.bodySealed) return n.body;
    return this.cipher.open(s, { type: 'case', id: n.caseId }, NOTE_BODY, n.bodySealed);
  }

  /**
   * Closing ends every member body's assignment (reason `case_closed`, one event per body): a
   * closed case is nobody's to work on, and reopening does not restore access silently.
   */
  close(p: CouncilPrincipal, caseId: string, dto: CloseCaseDto) {
    return this.access.use(
      p,
      { action: 'close', subject: 'Case', id: caseId, lock: true },
      async (s) => {
        const meetingId = dto.meetingId ?? null;
        if (meetingId && !(await this.repo.meetingDiscussed(s, meetingId, caseId)))
          throw new DomainError(
            422,
            CaseErrorCode.MeetingNotAboutCase,
            'meetingId must be a meeting of this council that discussed the case',
          );
        await this.repo.setStatus(s, caseId, 'closed', dto.reason, meetingId, p.userId);
        const ended = await this.cases.endAllAssignments(s, caseId, 'case_closed', p.userId);
        return {
          ...(await this.statusResult(s, caseId, 'closed')),
          also: ended.map((a) => assignmentEnded({ ...a, caseId }, 'case_closed')),
        };
      },
    );
  }

  reopen(p: CouncilPrincipal, caseId: string, dto: ReopenCaseDto) {
    return this.access.use(
      p,
      { action: 'reopen', subject: 'Case', id: caseId, lock: true },
      async (s, l) => {
        if (l.case!.status === 'open')
          throw new DomainError(409, CaseErrorCode.CaseOpen, 'The case is already open');
        await this.repo.setStatus(s, caseId, 'open', dto.reason, null, p.userId);
        return this.statusResult(s, caseId, 'open');
      },
    );
  }

  statusHistory(p: CouncilPrincipal, caseId: string) {
    return this.access.use(
      p,
      { action: 'read', subject: 'Case', id: caseId, event: 'case.status_history' },
      async (s) => ({
        result: { items: await this.history(s, caseId), nextCursor: null },
      }),
    );
  }

  addNote(p: CouncilPrincipal, caseId: string, dto: CreateNoteDto) {
    return this.access.use(
      p,
      { action: 'create', subject: 'Note', caseId, lock: true },
      async (s) => {
        if (
          dto.correctsNoteId &&
          !(await this.repo.notes(s, caseId)).some((n) => n.id === dto.correctsNoteId)
        ) {
          throw notFound('Note');
        }
        const memberBodyId = p.staff?.memberBodyId;
        if (!memberBodyId) throw forbidden();
        const note = await this.repo.insertNote(s, {
          caseId,
          // Sealed under the case's data key (issue 19): a dump shows no note text.
          bodySealed: await this.cipher.seal(s, { type: 'case', id: caseId }, NOTE_BODY, dto.body),
          correctsNoteId: dto.correctsNoteId ?? null,
          authorUserId: p.userId,
          authorRole: p.actingAs,
          memberBodyId,
          sensitive: dto.sensitive ?? false,
        });
        return {
          result: noteView(note, dto.body),
          resourceId: note.id,
          reason: note.sensitive ? 'sensitive=true' : null,
        };
      },
    );
  }

  /** A coordinator marks a note as 要配慮: from then on only full-scope bodies read it. */
  markNoteSensitive(p: CouncilPrincipal, caseId: string, noteId: string) {
    return this.access.use<ReturnType<typeof noteView>, NoteRow>(
      p,
      { action: 'update', subject: 'Note', caseId, id: noteId, lock: true, event: 'note.update' },
      async (s, l) => {
        const note = l.row!.sensitive ? l.row! : await this.repo.markSensitive(s, noteId, p.userId);
        return { result: noteView(note, await this.bodyOf(s, note)), reason: 'sensitive=true' };
      },
    );
  }

  notes(p: CouncilPrincipal, caseId: string) {
    return this.access.use(
      p,
      { action: 'read', subject: 'Note', caseId, event: 'note.list' },
      async (s) => {
        const items: ReturnType<typeof noteView>[] = [];
        for (const n of await this.repo.notes(s, caseId))
          items.push(noteView(n, await this.bodyOf(s, n)));
        return { result: { items, nextCursor: null }, resourceId: caseId };
      },
    );
  }

  createPlan(p: CouncilPrincipal, caseId: string, dto: CreatePlanDto) {
    return this.access.use(
      p,
      { action: 'create', subject: 'Plan', caseId, lock: true },
      async (s) => {
        const bodyIds = [...new Set(dto.actions.map((a) => a.memberBodyId))];
        const bodies = await this.cases.memberBodies(s, bodyIds);
        if (bodies.length !== bodyIds.length) throw notFound('Member body');
        if (bodies.some((b) => !b.current))
          throw new DomainError(
            422,
            CaseErrorCode.MemberBodyNotCurrent,
            'Actions can be owned by current member bodies only',
          );
        const plan = await this.repo.insertPlan(
          s,
          caseId,
          dto.goals.map((g) => ({ text: g.text })),
          p.userId,
        );
        for (const [position, action] of dto.actions.entries()) {
          await this.repo.insertAction(s, { planId: plan.id, caseId, position, ...action });
        }
        return {
          result: planView(plan, await this.repo.actions(s, [plan.id])),
          resourceId: plan.id,
        };
      },
    );
  }

  plans(p: CouncilPrincipal, caseId: string) {
    return this.access.use(
      p,
      { action: 'read', subject: 'Plan', caseId, event: 'plan.read' },
      async (s) => {
        const plans = await this.repo.plans(s, caseId);
        const actions = await this.repo.actions(
          s,
          plans.map((x) => x.id),
        );
        const [current, ...history] = plans.map((x) => planView(x, actions));
        return { result: { current: current ?? null, history }, resourceId: caseId };
      },
    );
  }

  /**
   * Coordinators any action of the current plan; agency staff only their own body's (the
   * PlanAction update policy, as SQL, decides; another body's action is an audited 403).
   */
  updateAction(p: CouncilPrincipal, caseId: string, actionId: string, dto: UpdateActionDto) {
    return this.access.use<unknown, ActionRow & { current: boolean }>(
      p,
      { action: 'update', subject: 'PlanAction', caseId, id: actionId, lock: true },
      async (s, l) => {
        const action = l.row!;
        if (!action.current) throw notFound('Action');
        if (action.status !== dto.status)
          await this.repo.setActionStatus(s, action, dto.status, p.userId);
        return {
          result: { ...actionView(action), status: dto.status },
          reason: `status=${action.status}->${dto.status}`,
        };
      },
    );
  }

  createInfoRequest(p: CouncilPrincipal, caseId: string, dto: CreateInfoRequestDto) {
    return this.access.use(
      p,
      { action: 'create', subject: 'InfoRequest', caseId, lock: true },
      async (s) => {
        const [body] = await this.cases.memberBodies(s, [dto.memberBodyId]);
        if (!body) throw notFound('Member body');
        if (!body.current)
          throw new DomainError(
            422,
            CaseErrorCode.MemberBodyNotCurrent,
            'Requests can go to current member bodies only',
          );
        const id = await this.repo.insertInfoRequest(s, { caseId, ...dto }, p.userId);
        const [created] = await this.repo.infoRequests(s, { requestId: id });
        return { result: infoRequestView(created), resourceId: id };
      },
    );
  }

  /**
   * The requests the caller may see across the council (overdue ones with `overdue`). Each
   * discloses a case's number and name, so the event names every case (§3.10).
   */
  listInfoRequests(p: CouncilPrincipal, overdue: boolean) {
    return this.access.use(
      p,
      { action: 'read', subject: 'InfoRequest', event: 'info_request.list' },
      async (s) => {
        const rows = await this.repo.infoRequests(s, { overdue });
        return {
          result: { items: rows.map(infoRequestView), nextCursor: null },
          resourceType: 'case',
          resourceIds: [...new Set(rows.map((r) => r.caseId))],
        };
      },
    );
  }

  /**
   * The addressed body answers, once (Art. 16). No case assignment is needed for that; the
   * request is loaded through the InfoRequest policy (another body's → 403, not visible → 404).
   */
  respond(p: CouncilPrincipal, requestId: string, answer: string, caseId?: string) {
    return this.access.use<InfoRequestView, { caseId: string }>(
      p,
      { action: 'respond', subject: 'InfoRequest', id: requestId, lock: true },
      async (s, l) => {
        // Via a case's path, the request must belong to that case.
        if (caseId !== undefined && l.row!.caseId !== caseId) throw notFound('Information request');
        if (!(await this.repo.answerInfoRequest(s, requestId, answer, p.userId)))
          throw new DomainError(
            409,
            CaseErrorCode.AlreadyAnswered,
            'This request has already been answered',
          );
        const [answered] = await this.repo.infoRequests(s, { requestId });
        return { result: infoRequestView(answered) };
      },
    );
  }

  // ---- helpers -------------------------------------------------------------------------

  private async history(s: CouncilScope, caseId: string) {
    return (await this.repo.statusHistory(s, caseId)).map((h) => ({
      ...h,
      changedAt: h.changedAt.toISOString(),
    }));
  }

  private async statusResult(
    s: CouncilScope,
    caseId: string,
    status: 'open' | 'closed',
  ): Promise<Done<{ id: string; status: string; history: unknown[] }>> {
    return { result: { id: caseId, status, history: await this.history(s, caseId) } };
  }
}

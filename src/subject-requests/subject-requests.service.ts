import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { CaseWorkRepository } from '../cases/case-work.repository';
import { projectCase } from '../cases/case-projection';
import { CasesRepository } from '../cases/cases.repository';
import { CaseCipher } from '../crypto/case-cipher';
import { EXTENSION_DAYS, MUNICIPALITY_DAYS, statutoryDeadline } from './deadline';
import {
  CreateSubjectRequestDto,
  DecideSubjectRequestDto,
  DisclosurePackageView,
  ExtendSubjectRequestDto,
  SubjectRequestsView,
  SubjectRequestView,
} from './subject-requests.dto';
import { SubjectRequestRow, SubjectRequestsRepository } from './subject-requests.repository';

const invalid = (field: string, message: string): DomainError =>
  new DomainError(400, ErrorCode.ValidationFailed, `${field} ${message}`, {
    details: [{ field, messages: [message] }],
  });

/** The fields sealed free text is bound to (src/crypto/case-cipher.ts). */
const FIELD = {
  note: 'subject_request.note',
  extension: 'subject_request.extension_reason',
  decision: 'subject_request.decision_reason',
} as const;

/**
 * A person's requests about their own data (APPI; issue 19 item 5): recorded on the case with
 * the statutory deadline computed (deadline.ts), extended with a reason, decided with a reason;
 * a disclosure package for the coordinator. Every use case through the access primitive, so the
 * case's access report shows each one (DESIGN.md §3.10); free text sealed under the case's key.
 */
@Injectable()
export class SubjectRequestsService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: SubjectRequestsRepository,
    private readonly cases: CasesRepository,
    private readonly work: CaseWorkRepository,
    private readonly cipher: CaseCipher,
  ) {}

  create(
    p: CouncilPrincipal,
    caseId: string,
    dto: CreateSubjectRequestDto,
  ): Promise<SubjectRequestView> {
    return this.access.use(
      p,
      { action: 'create', subject: 'SubjectRequest', caseId, lock: true },
      async (s) => {
        if (await this.cases.isFuture(s, dto.receivedOn))
          throw invalid('receivedOn', 'must not be in the future');
        const row = await this.repo.insert(
          s,
          {
            caseId,
            kind: dto.kind,
            receivedOn: dto.receivedOn,
            channel: dto.channel,
            controller: dto.controller,
            noteSealed: dto.note ? await this.seal(s, caseId, FIELD.note, dto.note) : null,
            deadlineOn:
              dto.controller === 'municipality' ? statutoryDeadline(dto.receivedOn) : null,
          },
          p.userId,
        );
        return {
          result: await this.view(s, row),
          resourceId: row.id,
          reason: `kind=${row.kind} controller=${row.controller}`,
        };
      },
    );
  }

  list(p: CouncilPrincipal, caseId: string): Promise<SubjectRequestsView> {
    return this.access.use(
      p,
      { action: 'read', subject: 'SubjectRequest', caseId, event: 'subject_request.list' },
      async (s) => {
        const items: SubjectRequestView[] = [];
        for (const r of await this.repo.list(s, caseId)) items.push(await this.view(s, r));
        return { result: { items, nextCursor: null }, resourceId: caseId };
      },
    );
  }

  extend(
    p: CouncilPrincipal,
    caseId: string,
    requestId: string,
    dto: ExtendSubjectRequestDto,
  ): Promise<SubjectRequestView> {
    return this.access.use(
      p,
      {
        action: 'update',
        subject: 'SubjectRequest',
        caseId,
        id: requestId,
        lock: true,
        event: 'subject_request.extend',
      },
      async (s) => {
        const r = await this.repo.find(s, requestId);
        if (r.status === 'decided') throw decided();
        if (!r.deadlineOn)
          throw new DomainError(
            422,
            ErrorCode.Unprocessable,
            'A request to answer without delay has no deadline to extend',
          );
        const limit = statutoryDeadline(r.receivedOn, MUNICIPALITY_DAYS + EXTENSION_DAYS);
        if (dto.until <= r.deadlineOn || dto.until > limit)
          throw invalid('until', `must be after ${r.deadlineOn} and no later than ${limit}`);
        const row = await this.repo.extend(
          s,
          requestId,
          dto.until,
          await this.seal(s, caseId, FIELD.extension, dto.reason),
        );
        return { result: await this.view(s, row), reason: `until=${dto.until}` };
      },
    );
  }

  decide(
    p: CouncilPrincipal,
    caseId: string,
    requestId: string,
    dto: DecideSubjectRequestDto,
  ): Promise<SubjectRequestView> {
    return this.access.use(
      p,
      {
        action: 'update',
        subject: 'SubjectRequest',
        caseId,
        id: requestId,
        lock: true,
        event: 'subject_request.decide',
      },
      async (s) => {
        const r = await this.repo.find(s, requestId);
        if (r.status === 'decided') throw decided();
        if (dto.decidedOn < r.receivedOn)
          throw invalid('decidedOn', 'must not be before receivedOn');
        if (await this.cases.isFuture(s, dto.decidedOn))
          throw invalid('decidedOn', 'must not be in the future');
        const row = await this.repo.decide(s, requestId, {
          decision: dto.decision,
          decidedOn: dto.decidedOn,
          reasonSealed: await this.seal(s, caseId, FIELD.decision, dto.reason),
        });
        return { result: await this.view(s, row), reason: `decision=${dto.decision}` };
      },
    );
  }

  /**
   * The disclosure package (開示): what the council holds about the person, for the coordinator
   * to review and release — the case as the coordinator sees it, the notes, the status history —
   * with the parts that may carry other people's information listed for redaction review (APPI
   * Art. 78(1)(ii): third parties). Its event names the case (DESIGN.md §3.10).
   */
  package(p: CouncilPrincipal, caseId: string, requestId: string): Promise<DisclosurePackageView> {
    return this.access.use(
      p,
      {
        action: 'export',
        subject: 'SubjectRequest',
        caseId,
        id: requestId,
        event: 'subject_request.export',
      },
      async (s, l) => {
        const caseView = projectCase(p.ability, l.case!, this.cipher);
        const notes: Record<string, unknown>[] = [];
        const redactionReview: { path: string; reason: string }[] = [];
        for (const [i, n] of (await this.work.notes(s, caseId)).entries()) {
          const body = n.bodySealed
            ? await this.cipher.open(s, { type: 'case', id: caseId }, 'note.body', n.bodySealed)
            : n.body;
          notes.push({
            id: n.id,
            body,
            memberBodyId: n.memberBodyId,
            sensitive: n.sensitive,
            createdAt: n.createdAt.toISOString(),
          });
          redactionReview.push({
            path: `notes[${i}].body`,
            reason: 'free_text_may_name_third_parties',
          });
        }
        if (caseView.sensitive)
          redactionReview.push({
            path: 'case.sensitive',
            reason: 'sensitive_review_before_release',
          });
        const statusHistory = (await this.work.statusHistory(s, caseId)).map((h) => ({
          status: h.status,
          reason: h.reason,
          changedAt: h.changedAt.toISOString(),
        }));
        statusHistory.forEach((_, i) =>
          redactionReview.push({
            path: `statusHistory[${i}].reason`,
            reason: 'free_text_may_name_third_parties',
          }),
        );
        return {
          result: {
            requestId,
            generatedAt: new Date().toISOString(),
            case: caseView,
            notes,
            statusHistory,
            redactionReview,
          },
          resourceType: 'subject_request',
          resourceId: requestId,
          resourceIds: notes.map((n) => n.id as string),
          reason: `notes=${notes.length}`,
        };
      },
    );
  }

  private seal(s: CouncilScope, caseId: string, field: string, text: string) {
    return this.cipher.seal(s, { type: 'case', id: caseId }, field, text);
  }

  private async view(s: CouncilScope, r: SubjectRequestRow): Promise<SubjectRequestView> {
    const open = (field: string, sealed: Buffer | null) =>
      this.cipher.open(s, { type: 'case', id: r.caseId }, field, sealed);
    return {
      id: r.id,
      caseId: r.caseId,
      kind: r.kind,
      receivedOn: r.receivedOn,
      channel: r.channel,
      controller: r.controller,
      note: await open(FIELD.note, r.noteSealed),
      deadlineOn: r.deadlineOn,
      deadlineRule: r.deadlineOn ? 'days_30' : 'without_delay',
      extendedUntil: r.extendedUntil,
      extensionReason: await open(FIELD.extension, r.extensionReasonSealed),
      status: r.status,
      decision: r.decision,
      decidedOn: r.decidedOn,
      decisionReason: await open(FIELD.decision, r.decisionReasonSealed),
      overdue: r.overdue,
      createdAt: r.createdAt.toISOString(),
    };
  }
}

const decided = () =>
  new DomainError(409, ErrorCode.RequestDecided, 'This request has already been decided');

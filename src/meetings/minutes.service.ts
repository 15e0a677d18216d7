import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { decidingRuleId } from '../access/ability.factory';
import { actorOf, CouncilPrincipal } from '../access/council-principal';
import { Action } from '../access/policy-catalog';
import { AuditInput, AuditService } from '../audit/audit.service';
import { DomainError, forbidden, notFound } from '../common/errors/domain-error';
import { CouncilTransactions } from '../database/council-transactions';
import { caseIdsOf, notVisible } from './meeting-access';
import { casesNotAllowed, MeetingErrorCode, minutesFinal, minutesNotFinal } from './meeting-errors';
import { addendumView, caseOnlyMinutesView, fullMinutesView } from './meeting-projection';
import { AddendumDto, PutMinutesDto } from './meetings.dto';
import { MeetingRow, MeetingsRepository, MinutesRow } from './meetings.repository';

type FullMinutes = ReturnType<typeof fullMinutesView>;
type CaseOnlyMinutes = ReturnType<typeof caseOnlyMinutesView>;

interface WriteOutcome {
  /** Identifiers for the audit event: the cases concerned, or the addendum written. */
  resourceIds: string[];
  reason: string | null;
  /** Further events of the same transaction (e.g. case ledger changes). */
  alsoRecord?: Pick<AuditInput, 'action' | 'resourceType' | 'resourceId' | 'caseId' | 'reason'>[];
}

/**
 * Minutes (議事録): a draft kept by coordinators, finalised once, corrected only by addenda
 * (DESIGN.md §3.7). Reading them is for coordinators and those who attended; an agency assigned
 * to a discussed case sees that case's decisions and action items only. Every read and write is
 * audited last, in the same transaction (fail closed); a meeting outside the caller's
 * visibility is a 404 with the denial audited on its own.
 */
@Injectable()
export class MinutesService {
  constructor(
    private readonly tx: CouncilTransactions,
    private readonly repo: MeetingsRepository,
    private readonly audit: AuditService,
  ) {}

  async read(p: CouncilPrincipal, meetingId: string): Promise<FullMinutes | CaseOnlyMinutes> {
    const result = await this.tx.run(p.councilId, async (em) => {
      const full = await this.repo.findPermittedMinutes(
        em,
        p.ability,
        'read',
        p.councilId,
        meetingId,
      );
      if (full) {
        const view = await this.fullView(em, p.councilId, full);
        const cases = await this.repo.meetingCases(em, p.councilId, [meetingId]);
        await this.record(em, p, 'minutes.read', meetingId, caseIdsOf(cases), 'read', {
          reason: 'access=full',
        });
        return view;
      }
      // Not an attendee: only what the Decision and ActionItem policies grant, as SQL.
      const decisions = await this.repo.decisions(em, p.councilId, { meetingId }, p.ability);
      const items = await this.repo.actionItems(em, p.councilId, { meetingId }, p.ability);
      if (decisions.length === 0 && items.length === 0) return null;
      const minutes = (await this.repo.minutes(em, p.councilId, meetingId))!;
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'minutes.read',
        outcome: 'allowed',
        resourceType: 'minutes',
        resourceId: meetingId,
        resourceIds: caseIdsOf([...decisions, ...items]),
        ruleId: decidingRuleId(p.ability, 'read', decisions.length ? 'Decision' : 'ActionItem'),
        requestId: p.requestId,
        reason: 'access=assigned_case',
      });
      return caseOnlyMinutesView(minutes, decisions, items);
    });
    if (!result)
      throw await notVisible(this.audit, p, 'minutes.read', 'minutes', meetingId, 'Meeting');
    return result;
  }

  /** Saves the draft as a new revision: body, decisions, action items, review outcomes. */
  put(p: CouncilPrincipal, meetingId: string, dto: PutMinutesDto): Promise<FullMinutes> {
    return this.write(p, meetingId, 'update', 'minutes.update', async (em, meeting, minutes) => {
      if (minutes.status === 'final') throw minutesFinal();
      const decisions = dto.decisions ?? [];
      const items = dto.actionItems ?? [];
      const reviews = dto.reviews ?? [];
      const discussed = new Set(
        (await this.repo.meetingCases(em, p.councilId, [meetingId])).map((c) => c.caseId),
      );
      const checkCase = (caseId: string | undefined): void => {
        if (caseId === undefined) return;
        if (meeting.tier === 'representatives') throw casesNotAllowed();
        if (!discussed.has(caseId))
          throw new DomainError(
            422,
            MeetingErrorCode.CaseNotInMeeting,
            'Decisions, action items and reviews can refer only to cases discussed at this meeting',
          );
      };
      for (const x of [...decisions, ...items]) checkCase(x.caseId);
      if (reviews.length > 0 && meeting.tier !== 'practitioners')
        throw new DomainError(
          422,
          MeetingErrorCode.ReviewsNotAllowed,
          'Review outcomes are recorded by practitioners’ meetings',
        );
      for (const r of reviews) checkCase(r.caseId);
      if (new Set(reviews.map((r) => r.caseId)).size < reviews.length)
        throw new DomainError(422, MeetingErrorCode.DuplicateReview, 'One review outcome per case');

      // Links from a decision to what it changed: resolved now, kept as foreign keys.
      const resolved: { statusChangeId: string | null }[] = [];
      for (const d of decisions) {
        if ((d.statusChange || d.supportPlanVersion) && !d.caseId)
          throw new DomainError(
            422,
            MeetingErrorCode.CaseRequired,
            'A decision linked to a status change or plan version must name its case',
          );
        let statusChangeId: string | null = null;
        if (d.statusChange) {
          statusChangeId = await this.repo.statusChangeFor(
            em,
            p.councilId,
            d.caseId!,
            meetingId,
            d.statusChange,
          );
          if (!statusChangeId)
            throw new DomainError(
              422,
              MeetingErrorCode.StatusChangeNotFound,
              'No such status change of the case was recorded for this meeting (close or reopen it with meetingId first)',
            );
        }
        if (
          d.supportPlanVersion &&
          !(await this.repo.planVersionExists(em, p.councilId, d.caseId!, d.supportPlanVersion))
        )
          throw new DomainError(
            422,
            MeetingErrorCode.PlanVersionNotFound,
            'The case has no support plan of that version',
          );
        resolved.push({ statusChangeId });
      }
      const bodyIds = [...new Set(items.map((i) => i.memberBodyId))];
      const bodies = await this.repo.memberBodies(em, p.councilId, bodyIds);
      if (bodies.length < bodyIds.length) throw notFound('Member body');
      if (bodies.some((b) => !b.current))
        throw new DomainError(
          422,
          MeetingErrorCode.MemberBodyNotCurrent,
          'Action items can be owned by current member bodies only',
        );

      const revision = await this.repo.writeDraft(em, p.councilId, meetingId, dto.body, p.userId);
      for (const [position, d] of decisions.entries()) {
        await this.repo.insertDecision(em, p.councilId, meetingId, revision, position, {
          text: d.text,
          caseId: d.caseId ?? null,
          statusChangeId: resolved[position].statusChangeId,
          supportPlanVersion: d.supportPlanVersion ?? null,
        });
      }
      for (const [position, i] of items.entries()) {
        await this.repo.insertActionItem(em, p.councilId, meetingId, revision, position, {
          text: i.text,
          memberBodyId: i.memberBodyId,
          dueOn: i.dueOn,
          caseId: i.caseId ?? null,
        });
      }
      for (const r of reviews)
        await this.repo.insertReview(em, p.councilId, meetingId, revision, r);
      return { resourceIds: [...discussed], reason: `revision=${revision}` };
    });
  }

  /**
   * Locks the draft as the record. A practitioners' meeting first needs a review outcome for
   * every case it discussed (so none is forgotten); the outcomes' next review dates then go to
   * the case ledger.
   */
  finalize(p: CouncilPrincipal, meetingId: string): Promise<FullMinutes> {
    return this.write(p, meetingId, 'finalize', 'minutes.finalize', async (em, meeting, m) => {
      if (m.status === 'final') throw minutesFinal();
      if (m.revision === 0)
        throw new DomainError(
          422,
          MeetingErrorCode.MinutesEmpty,
          'Nothing has been recorded yet: save a draft first',
        );
      const cases = (await this.repo.meetingCases(em, p.councilId, [meetingId])).map(
        (c) => c.caseId,
      );
      const reviews = await this.repo.reviews(em, p.councilId, meetingId);
      if (meeting.tier === 'practitioners') {
        const missing = cases.filter((id) => !reviews.some((r) => r.caseId === id));
        if (missing.length > 0)
          throw new DomainError(
            422,
            MeetingErrorCode.ReviewOutcomesMissing,
            'Record a review outcome for every case discussed before finalising',
            { details: missing.map((caseId) => ({ caseId, reason: 'no_review_outcome' })) },
          );
      }
      await this.repo.finalize(em, p.councilId, meetingId, p.userId);
      const scheduled = await this.repo.scheduleReviews(
        em,
        p.councilId,
        reviews.flatMap((r) =>
          r.nextReviewOn ? [{ caseId: r.caseId, nextReviewOn: r.nextReviewOn }] : [],
        ),
      );
      return {
        resourceIds: cases,
        reason: `revision=${m.revision}`,
        // The ledger changed for these cases: each is a write of case data, audited as such.
        alsoRecord: scheduled.map((caseId) => ({
          action: 'case.review_scheduled',
          resourceType: 'case',
          resourceId: caseId,
          caseId,
          reason: `meeting=${meetingId}`,
        })),
      };
    });
  }

  /** Corrects final minutes: a new, append-only addendum with its reason, author and time. */
  addAddendum(p: CouncilPrincipal, meetingId: string, dto: AddendumDto) {
    return this.write(
      p,
      meetingId,
      'amend',
      'minutes.addendum',
      async (em, _meeting, m) => {
        if (m.status !== 'final')
          throw minutesNotFinal('Draft minutes are edited directly; addenda correct final minutes');
        const id = await this.repo.insertAddendum(em, p.councilId, meetingId, {
          text: dto.text,
          reason: dto.reason,
          authorUserId: p.userId,
          authorStaffId: p.staff?.id ?? null,
        });
        return { resourceIds: [id], reason: null };
      },
      async (em, _after, done) =>
        addendumView(
          (await this.repo.addenda(em, p.councilId, meetingId)).find(
            (a) => a.id === done.resourceIds[0],
          )!,
        ),
    );
  }

  // ---- helpers -------------------------------------------------------------------------

  /**
   * A write to a meeting's minutes: the meeting must be visible (else 404 and an audited
   * denial), the minutes permitted for `action` (else 403), and locked while `work` runs; the
   * audit events are written last, in the same transaction. Answers with `present` (by default
   * the whole minutes as they now stand).
   */
  private async write<T = FullMinutes>(
    p: CouncilPrincipal,
    meetingId: string,
    action: Action,
    auditAction: string,
    work: (em: EntityManager, meeting: MeetingRow, minutes: MinutesRow) => Promise<WriteOutcome>,
    present?: (em: EntityManager, after: MinutesRow, done: WriteOutcome) => Promise<T>,
  ): Promise<T> {
    const result = await this.tx.run(p.councilId, async (em) => {
      const meeting = await this.repo.findPermitted(em, p.ability, 'read', p.councilId, meetingId);
      if (!meeting) return { found: false as const };
      const minutes = await this.repo.findPermittedMinutes(
        em,
        p.ability,
        action,
        p.councilId,
        meetingId,
        true,
      );
      if (!minutes) throw forbidden();
      const done = await work(em, meeting, minutes);
      const after = (await this.repo.minutes(em, p.councilId, meetingId))!;
      const value = present
        ? await present(em, after, done)
        : ((await this.fullView(em, p.councilId, after)) as T);
      for (const extra of done.alsoRecord ?? []) {
        await this.audit.record(em, {
          councilId: p.councilId,
          actor: actorOf(p),
          outcome: 'allowed',
          requestId: p.requestId,
          ruleId: decidingRuleId(p.ability, action, 'Minutes'),
          ...extra,
        });
      }
      await this.record(em, p, auditAction, meetingId, done.resourceIds, action, {
        reason: done.reason,
      });
      return { found: true as const, value };
    });
    if (!result.found)
      throw await notVisible(this.audit, p, auditAction, 'minutes', meetingId, 'Meeting');
    return result.value;
  }

  private async fullView(
    em: EntityManager,
    councilId: string,
    minutes: MinutesRow,
  ): Promise<FullMinutes> {
    const meetingId = minutes.meetingId;
    return fullMinutesView(minutes, {
      decisions: await this.repo.decisions(em, councilId, { meetingId }, null),
      actionItems: await this.repo.actionItems(em, councilId, { meetingId }, null),
      reviews: await this.repo.reviews(em, councilId, meetingId),
      addenda: await this.repo.addenda(em, councilId, meetingId),
    });
  }

  private record(
    em: EntityManager,
    p: CouncilPrincipal,
    action: string,
    meetingId: string,
    resourceIds: string[],
    ruleAction: Action,
    extra: { reason: string | null },
  ): Promise<void> {
    return this.audit.record(em, {
      councilId: p.councilId,
      actor: actorOf(p),
      action,
      outcome: 'allowed',
      resourceType: 'minutes',
      resourceId: meetingId,
      resourceIds,
      caseId: null,
      ruleId: decidingRuleId(p.ability, ruleAction, 'Minutes'),
      requestId: p.requestId,
      reason: extra.reason,
    });
  }
}

import { CaseCipher } from '../crypto/case-cipher';
import { Injectable } from '@nestjs/common';
import { subject } from '@casl/ability';
import { decidingRuleId } from '../access/ability.factory';
import { AccessService, Disclosure } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { Action } from '../access/policy-catalog';
import { loadFacts } from '../access/subject-registry';
import { DomainError, notFound } from '../common/errors/domain-error';
import { casesNotAllowed, MeetingErrorCode, minutesFinal, minutesNotFinal } from './meeting-errors';
import {
  addendumView,
  caseIdsOf,
  caseOnlyMinutesView,
  fullMinutesView,
} from './meeting-projection';
import { AddendumDto, PutMinutesDto } from './meetings.dto';
import { MeetingsRepository, MinutesRow } from './meetings.repository';

type FullMinutes = ReturnType<typeof fullMinutesView>;
type CaseOnlyMinutes = ReturnType<typeof caseOnlyMinutesView>;

interface WriteOutcome<T = undefined> {
  /** Identifiers for the audit event: the cases concerned, or the addendum written. */
  resourceIds: string[];
  reason: string | null;
  /** Further events of the same transaction (e.g. case ledger changes). */
  also?: Disclosure['also'];
  /** What the write made, for the answer (e.g. the addendum). */
  made?: T;
}

/**
 * Minutes (議事録): a draft kept by coordinators, finalised once, corrected only by addenda
 * (DESIGN.md §3.7). Every use case goes through the access primitive. Reading them in full is for
 * coordinators and for attendees whose body is covered now on every case the meeting discussed;
 * any other agency sees only the decisions and action items about the cases its body is covered
 * on now (`access: "assigned_case"`), or 404 (§3.9: attending a meeting once is not coverage).
 */
/** The field name sealed minutes text is bound to (src/crypto/case-cipher.ts). */
const MINUTES_BODY = 'minutes.body';

@Injectable()
export class MinutesService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: MeetingsRepository,
    private readonly cipher: CaseCipher,
  ) {}

  read(p: CouncilPrincipal, meetingId: string): Promise<FullMinutes | CaseOnlyMinutes> {
    return this.access.use<FullMinutes | CaseOnlyMinutes>(
      p,
      { action: 'read', subject: 'Minutes', resourceId: meetingId },
      async (s) => {
        const full = await this.repo.minutes(s, meetingId, true);
        const facts = full ? await this.facts(s, meetingId) : null;
        if (full && facts) {
          const cases = await this.repo.meetingCases(s, [meetingId]);
          return {
            result: await this.fullView(s, full),
            resourceIds: caseIdsOf(cases),
            reason: 'access=full',
            ruleId: decidingRuleId(p.ability, 'read', subject('Minutes', facts)),
          };
        }
        // Not in full: only the parts about a case the caller may read now — what the Decision
        // and ActionItem policies grant, as SQL, about a case. Parts about no case (its own
        // body's items included: they stay on its to-do list) are the meeting's, not a case's.
        const decisions = await this.repo.decisions(s, { meetingId, aboutCase: true }, true);
        const items = await this.repo.actionItems(s, { meetingId, aboutCase: true }, true);
        if (decisions.length === 0 && items.length === 0) throw notFound('Meeting');
        const minutes = (await this.repo.minutes(s, meetingId))!;
        return {
          result: caseOnlyMinutesView(minutes, decisions, items),
          resourceIds: caseIdsOf([...decisions, ...items]),
          reason: 'access=assigned_case',
          ruleId: decidingRuleId(p.ability, 'read', decisions.length ? 'Decision' : 'ActionItem'),
        };
      },
    );
  }

  /** Saves the draft as a new revision: body, decisions, action items, review outcomes. */
  put(p: CouncilPrincipal, meetingId: string, dto: PutMinutesDto): Promise<FullMinutes> {
    return this.write(p, meetingId, 'update', 'minutes.update', async (s, minutes) => {
      if (minutes.status === 'final') throw minutesFinal();
      const decisions = dto.decisions ?? [];
      const items = dto.actionItems ?? [];
      const reviews = dto.reviews ?? [];
      const discussed = new Set(
        (await this.repo.meetingCases(s, [meetingId])).map((c) => c.caseId),
      );
      const checkCase = (caseId: string | undefined): void => {
        if (caseId === undefined) return;
        if (minutes.tier === 'representatives') throw casesNotAllowed();
        if (!discussed.has(caseId))
          throw new DomainError(
            422,
            MeetingErrorCode.CaseNotInMeeting,
            'Decisions, action items and reviews can refer only to cases discussed at this meeting',
          );
      };
      for (const x of [...decisions, ...items]) checkCase(x.caseId);
      if (reviews.length > 0 && minutes.tier !== 'practitioners')
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
          statusChangeId = await this.repo.statusChangeFor(s, d.caseId!, meetingId, d.statusChange);
          if (!statusChangeId)
            throw new DomainError(
              422,
              MeetingErrorCode.StatusChangeNotFound,
              'No such status change of the case was recorded for this meeting (close or reopen it with meetingId first)',
            );
        }
        if (
          d.supportPlanVersion &&
          !(await this.repo.planVersionExists(s, d.caseId!, d.supportPlanVersion))
        )
          throw new DomainError(
            422,
            MeetingErrorCode.PlanVersionNotFound,
            'The case has no support plan of that version',
          );
        resolved.push({ statusChangeId });
      }
      const bodyIds = [...new Set(items.map((i) => i.memberBodyId))];
      const bodies = await this.repo.memberBodies(s, bodyIds);
      if (bodies.length < bodyIds.length) throw notFound('Member body');
      if (bodies.some((b) => !b.current))
        throw new DomainError(
          422,
          MeetingErrorCode.MemberBodyNotCurrent,
          'Action items can be owned by current member bodies only',
        );
      // An item about a case goes only to a body covered on that case now: its staff could not
      // read the item otherwise, and owning an item must not become a way into a case (§3.9).
      const uncovered = await this.repo.uncoveredOwners(
        s,
        items.flatMap((i) =>
          i.caseId ? [{ memberBodyId: i.memberBodyId, caseId: i.caseId }] : [],
        ),
      );
      if (uncovered.length > 0)
        throw new DomainError(
          422,
          MeetingErrorCode.OwnerNotCovered,
          'An action item about a case can be owned only by a body covered on that case (assignment in force, with consent or a statutory basis)',
          { details: uncovered.map((u) => ({ ...u, reason: 'not_covered' })) },
        );

      // Minutes text is sealed under the meeting's own data key (issue 19, docs/security.md).
      const sealed = await this.cipher.seal(
        s,
        { type: 'meeting', id: meetingId },
        MINUTES_BODY,
        dto.body,
      );
      const revision = await this.repo.writeDraft(s, meetingId, sealed, p.userId);
      for (const [position, d] of decisions.entries()) {
        await this.repo.insertDecision(s, meetingId, revision, position, {
          text: d.text,
          caseId: d.caseId ?? null,
          statusChangeId: resolved[position].statusChangeId,
          supportPlanVersion: d.supportPlanVersion ?? null,
        });
      }
      for (const [position, i] of items.entries()) {
        await this.repo.insertActionItem(s, meetingId, revision, position, {
          text: i.text,
          memberBodyId: i.memberBodyId,
          dueOn: i.dueOn,
          caseId: i.caseId ?? null,
        });
      }
      for (const r of reviews) await this.repo.insertReview(s, meetingId, revision, r);
      return { resourceIds: [...discussed], reason: `revision=${revision}` };
    });
  }

  /**
   * Locks the draft as the record. A practitioners' meeting first needs a review outcome for
   * every case it discussed (so none is forgotten); the outcomes' next review dates then go to
   * the case ledger.
   */
  finalize(p: CouncilPrincipal, meetingId: string): Promise<FullMinutes> {
    return this.write(p, meetingId, 'finalize', 'minutes.finalize', async (s, m) => {
      if (m.status === 'final') throw minutesFinal();
      if (m.revision === 0)
        throw new DomainError(
          422,
          MeetingErrorCode.MinutesEmpty,
          'Nothing has been recorded yet: save a draft first',
        );
      const cases = (await this.repo.meetingCases(s, [meetingId])).map((c) => c.caseId);
      const reviews = await this.repo.reviews(s, meetingId);
      if (m.tier === 'practitioners') {
        const missing = cases.filter((id) => !reviews.some((r) => r.caseId === id));
        if (missing.length > 0)
          throw new DomainError(
            422,
            MeetingErrorCode.ReviewOutcomesMissing,
            'Record a review outcome for every case discussed before finalising',
            { details: missing.map((caseId) => ({ caseId, reason: 'no_review_outcome' })) },
          );
      }
      await this.repo.finalize(s, meetingId, p.userId);
      const scheduled = await this.repo.scheduleReviews(
        s,
        reviews.flatMap((r) =>
          r.nextReviewOn ? [{ caseId: r.caseId, nextReviewOn: r.nextReviewOn }] : [],
        ),
      );
      return {
        resourceIds: cases,
        reason: `revision=${m.revision}`,
        // The ledger changed for these cases: each is a write of case data, audited as such.
        also: scheduled.map((caseId) => ({
          action: 'case.review_scheduled',
          resourceType: 'case',
          resourceId: caseId,
          caseId,
          reason: `meeting=${meetingId}`,
          ruleId: decidingRuleId(
            p.ability,
            'finalize',
            subject('Minutes', { ...m } as Record<string, unknown>),
          ),
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
      async (s, m) => {
        if (m.status !== 'final')
          throw minutesNotFinal('Draft minutes are edited directly; addenda correct final minutes');
        const addendum = await this.repo.insertAddendum(s, meetingId, {
          text: dto.text,
          reason: dto.reason,
          authorUserId: p.userId,
          authorStaffId: p.staff?.id ?? null,
        });
        return { resourceIds: [addendum.id], reason: null, made: addendum };
      },
      async (_s, done) => addendumView(done.made!),
    );
  }

  // ---- helpers -------------------------------------------------------------------------

  /**
   * A write to a meeting's minutes through the access primitive: the minutes are loaded, locked,
   * through the caller's Minutes policy (not visible: an audited 404; visible but not this
   * action: an audited 403), `work` runs, and the audit event is written last. Answers with
   * `present` (by default the whole minutes as they now stand).
   */
  private write<T = FullMinutes, M = undefined>(
    p: CouncilPrincipal,
    meetingId: string,
    action: Action,
    event: string,
    work: (s: CouncilScope, minutes: MinutesRow) => Promise<WriteOutcome<M>>,
    present?: (s: CouncilScope, done: WriteOutcome<M>) => Promise<T>,
  ): Promise<T> {
    return this.access.use<T, MinutesRow>(
      p,
      { action, subject: 'Minutes', id: meetingId, lock: true, event },
      async (s, l) => {
        const done = await work(s, l.row!);
        const result = present
          ? await present(s, done)
          : ((await this.fullView(s, (await this.repo.minutes(s, meetingId))!)) as T);
        return {
          result,
          resourceIds: done.resourceIds,
          reason: done.reason,
          also: done.also,
        };
      },
    );
  }

  private async fullView(s: CouncilScope, minutes: MinutesRow): Promise<FullMinutes> {
    const meetingId = minutes.meetingId;
    const body = minutes.bodySealed
      ? ((await this.cipher.open(
          s,
          { type: 'meeting', id: meetingId },
          MINUTES_BODY,
          minutes.bodySealed,
        )) ?? '')
      : minutes.body;
    return fullMinutesView(
      { ...minutes, body },
      {
        decisions: await this.repo.decisions(s, { meetingId }, false),
        actionItems: await this.repo.actionItems(s, { meetingId }, false),
        reviews: await this.repo.reviews(s, meetingId),
        addenda: await this.repo.addenda(s, meetingId),
      },
    );
  }

  /** The minutes' policy facts (the registry's SQL), for the rule that decided a full read. */
  private facts(s: CouncilScope, meetingId: string) {
    return loadFacts(s.em, 'Minutes', s.councilId, meetingId);
  }
}

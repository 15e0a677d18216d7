import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { decidingRuleId } from '../access/ability.factory';
import { actorOf, CouncilPrincipal } from '../access/council-principal';
import { AuditService } from '../audit/audit.service';
import { DomainError, notFound } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { decodeCursor, Page, pageLimit, toPage } from '../common/http/pagination';
import { CouncilTransactions } from '../database/council-transactions';
import { notVisible } from './meeting-access';
import { casesNotAllowed, MeetingErrorCode } from './meeting-errors';
import { meetingSubject, MeetingView, projectMeeting } from './meeting-projection';
import { CreateMeetingDto, MeetingQueryDto } from './meetings.dto';
import { AttendeeRow, MeetingRow, MeetingsRepository } from './meetings.repository';

/**
 * Meetings of the three tiers. Each use case runs in one council-scoped transaction (RLS),
 * finds meetings through the caller's policy as SQL (coordinators: all; others: those they
 * attended; auditors: metadata), projects fields through the policy, and writes its audit event
 * last, in the same transaction.
 */
@Injectable()
export class MeetingsService {
  constructor(
    private readonly tx: CouncilTransactions,
    private readonly repo: MeetingsRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Records a meeting with its cases and attendees. Every business rule is checked before the
   * first insert and the whole meeting is one transaction, so a refused meeting leaves nothing.
   */
  async create(p: CouncilPrincipal, dto: CreateMeetingDto): Promise<MeetingView> {
    const named = dto.caseIds ?? [];
    const staffIds = dto.attendeeStaffIds ?? [];
    const externals = dto.externalAttendees ?? [];
    if (dto.tier === 'representatives' && (named.length > 0 || dto.includeCasesDueForReview))
      throw casesNotAllowed();
    if (dto.includeCasesDueForReview && dto.tier !== 'practitioners')
      throw new DomainError(
        422,
        MeetingErrorCode.ReviewPullNotAllowed,
        'Only a practitioners’ meeting reviews the cases due in the case ledger',
      );
    if (dto.reviewDueBy && !dto.includeCasesDueForReview)
      throw new DomainError(400, ErrorCode.ValidationFailed, 'The request is not valid', {
        details: [{ field: 'reviewDueBy', messages: ['needs includeCasesDueForReview: true'] }],
      });
    if (externals.some((e) => e.confidentialityAcknowledged !== true))
      throw new DomainError(
        422,
        MeetingErrorCode.ConfidentialityNotAcknowledged,
        'Every external attendee must acknowledge the confidentiality of the meeting',
      );

    return this.tx.run(p.councilId, async (em) => {
      if ((await this.repo.readableCases(em, p.ability, p.councilId, named)).length < named.length)
        throw notFound('Case');
      const due = dto.includeCasesDueForReview
        ? (
            await this.repo.casesDueForReview(
              em,
              p.ability,
              p.councilId,
              dto.reviewDueBy ?? null,
              dto.heldAt,
            )
          ).filter((id) => !named.includes(id))
        : [];
      const caseIds = [...named, ...due];
      if (dto.tier === 'case_conference' && caseIds.length === 0)
        throw new DomainError(
          422,
          MeetingErrorCode.CasesRequired,
          'A case conference discusses at least one case',
        );
      await this.checkAttendees(em, p.councilId, dto.tier, staffIds, caseIds);

      const id = await this.repo.insertMeeting(em, p.councilId, dto, p.userId);
      await this.repo.insertMeetingCases(em, p.councilId, id, [
        ...named.map((caseId) => ({ caseId, source: 'named' as const })),
        ...due.map((caseId) => ({ caseId, source: 'due_for_review' as const })),
      ]);
      await this.repo.insertAttendees(em, p.councilId, id, staffIds);
      for (const e of externals)
        await this.repo.insertExternalAttendee(em, p.councilId, id, e, p.userId);

      const row = (await this.repo.findPermitted(em, p.ability, 'read', p.councilId, id))!;
      const view = await this.view(em, p, row);
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'meeting.create',
        outcome: 'allowed',
        resourceType: 'meeting',
        resourceId: id,
        resourceIds: caseIds,
        caseId: caseIds.length === 1 ? caseIds[0] : null,
        ruleId: decidingRuleId(p.ability, 'create', 'Meeting'),
        requestId: p.requestId,
        reason: `tier=${dto.tier};attendees=${staffIds.length};external=${externals.length};due_for_review=${due.length}`,
      });
      return view;
    });
  }

  list(p: CouncilPrincipal, q: MeetingQueryDto): Promise<Page<MeetingView>> {
    const limit = pageLimit(q);
    return this.tx.run(p.councilId, async (em) => {
      const rows = await this.repo.listPermitted(
        em,
        p.ability,
        p.councilId,
        q.tier ?? null,
        decodeCursor(q.cursor),
        limit,
      );
      const kept = rows.slice(0, limit);
      const ids = kept.map((r) => r.id);
      const [attendees, externals, cases] = [
        await this.repo.attendees(em, p.councilId, ids),
        await this.repo.externalAttendees(em, p.councilId, ids),
        await this.repo.meetingCases(em, p.councilId, ids),
      ];
      const page = toPage(
        rows,
        limit,
        (r) => ({ key: r.sortKey, id: r.id }),
        (r) =>
          projectMeeting(
            p.ability,
            r,
            attendees.filter((a) => a.meetingId === r.id),
            externals.filter((e) => e.meetingId === r.id),
            cases.filter((c) => c.meetingId === r.id),
          ),
      );
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'meeting.list',
        outcome: 'allowed',
        resourceType: 'meeting',
        resourceIds: ids,
        ruleId: decidingRuleId(p.ability, 'read', 'Meeting'),
        requestId: p.requestId,
      });
      return page;
    });
  }

  async get(p: CouncilPrincipal, meetingId: string): Promise<MeetingView> {
    const view = await this.tx.run(p.councilId, async (em) => {
      const row = await this.repo.findPermitted(em, p.ability, 'read', p.councilId, meetingId);
      if (!row) return null;
      const attendees = await this.repo.attendees(em, p.councilId, [meetingId]);
      const result = await this.view(em, p, row, attendees);
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: 'meeting.read',
        outcome: 'allowed',
        resourceType: 'meeting',
        resourceId: meetingId,
        resourceIds: (result.caseIds as string[] | undefined) ?? null,
        ruleId: decidingRuleId(p.ability, 'read', meetingSubject(row, attendees)),
        requestId: p.requestId,
      });
      return result;
    });
    if (!view)
      throw await notVisible(this.audit, p, 'meeting.read', 'meeting', meetingId, 'Meeting');
    return view;
  }

  private async view(
    em: EntityManager,
    p: CouncilPrincipal,
    row: MeetingRow,
    attendees?: AttendeeRow[],
  ): Promise<MeetingView> {
    return projectMeeting(
      p.ability,
      row,
      attendees ?? (await this.repo.attendees(em, p.councilId, [row.id])),
      await this.repo.externalAttendees(em, p.councilId, [row.id]),
      await this.repo.meetingCases(em, p.councilId, [row.id]),
    );
  }

  /**
   * Attendees are staff of this council with a current record and the current pledge (Art. 18:
   * only those bound by the duty hear the cases). At a case conference, only the staff directly
   * involved: coordinators, and staff whose body has a covered assignment on one of its cases
   * (need to know, DESIGN.md §3.1) — the minutes will be theirs to read.
   */
  private async checkAttendees(
    em: EntityManager,
    councilId: string,
    tier: CreateMeetingDto['tier'],
    staffIds: string[],
    caseIds: string[],
  ): Promise<void> {
    if (staffIds.length === 0) return;
    const rows = await this.repo.staffEligibility(em, councilId, staffIds, caseIds);
    const problems = staffIds.flatMap((staffId) => {
      const s = rows.find((r) => r.id === staffId);
      const reason = !s
        ? 'not_found'
        : !s.current
          ? 'not_current'
          : !s.pledged
            ? 'no_pledge'
            : null;
      return reason ? [{ staffId, reason }] : [];
    });
    if (problems.length > 0)
      throw new DomainError(
        422,
        MeetingErrorCode.AttendeeNotEligible,
        'Attendees must be current staff of this council who have accepted the current pledge',
        { details: problems },
      );
    if (tier !== 'case_conference') return;
    const uninvolved = rows.filter((r) => r.role !== 'coordinator' && !r.involved);
    if (uninvolved.length > 0)
      throw new DomainError(
        422,
        MeetingErrorCode.AttendeeNotInvolved,
        'A case conference is for the staff directly involved: their body must be assigned to one of its cases',
        { details: uninvolved.map((r) => ({ staffId: r.id, reason: 'not_assigned' })) },
      );
  }
}

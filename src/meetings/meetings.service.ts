import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { DomainError, notFound, validationFailed } from '../common/errors/domain-error';
import { decodeCursor, Page, pageLimit, toPage } from '../common/http/pagination';
import { casesNotAllowed, MeetingErrorCode } from './meeting-errors';
import { MeetingView, projectMeeting } from './meeting-projection';
import { CreateMeetingDto, MeetingQueryDto } from './meetings.dto';
import { MeetingRow, MeetingsRepository } from './meetings.repository';

const caseIdsIn = (views: MeetingView[]): string[] => [
  ...new Set(views.flatMap((v) => (v.caseIds as string[] | undefined) ?? [])),
];

/**
 * Meetings of the three tiers, through the access primitive (AccessService.use): meetings are
 * found through the caller's Meeting policy as SQL (coordinators: all; agency staff: those they
 * attended, in full only while their body is covered on every case discussed; auditors:
 * metadata), fields are projected through the policy, and the audit event names the cases
 * disclosed (DESIGN.md §3.10).
 */
@Injectable()
export class MeetingsService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: MeetingsRepository,
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
      throw validationFailed('The request is not valid', [
        { field: 'reviewDueBy', messages: ['needs includeCasesDueForReview: true'] },
      ]);
    if (externals.some((e) => e.confidentialityAcknowledged !== true))
      throw new DomainError(
        422,
        MeetingErrorCode.ConfidentialityNotAcknowledged,
        'Every external attendee must acknowledge the confidentiality of the meeting',
      );

    return this.access.use(p, { action: 'create', subject: 'Meeting' }, async (s) => {
      if ((await this.repo.readableCases(s, named)).length < named.length) throw notFound('Case');
      const due = dto.includeCasesDueForReview
        ? (await this.repo.casesDueForReview(s, dto.reviewDueBy ?? null, dto.heldAt)).filter(
            (id) => !named.includes(id),
          )
        : [];
      const caseIds = [...named, ...due];
      if (dto.tier === 'case_conference' && caseIds.length === 0)
        throw new DomainError(
          422,
          MeetingErrorCode.CasesRequired,
          'A case conference discusses at least one case',
        );
      await this.checkAttendees(s, dto.tier, staffIds, caseIds);

      const id = await this.repo.insertMeeting(s, dto, p.userId);
      await this.repo.insertMeetingCases(s, id, [
        ...named.map((caseId) => ({ caseId, source: 'named' as const })),
        ...due.map((caseId) => ({ caseId, source: 'due_for_review' as const })),
      ]);
      await this.repo.insertAttendees(s, id, staffIds);
      for (const e of externals) await this.repo.insertExternalAttendee(s, id, e, p.userId);

      const [row] = await this.repo.meetings(s, { id });
      return {
        result: await this.view(s, row),
        resourceId: id,
        resourceIds: caseIds,
        caseId: caseIds.length === 1 ? caseIds[0] : null,
        reason: `tier=${dto.tier};attendees=${staffIds.length};external=${externals.length};due_for_review=${due.length}`,
      };
    });
  }

  /** A page of the meetings the caller may read; the event names every case listed (§3.10). */
  list(p: CouncilPrincipal, q: MeetingQueryDto): Promise<Page<MeetingView>> {
    const limit = pageLimit(q);
    return this.access.use(
      p,
      { action: 'read', subject: 'Meeting', event: 'meeting.list' },
      async (s) => {
        const rows = await this.repo.meetings(s, {
          tier: q.tier ?? null,
          after: decodeCursor(q.cursor),
          limit,
        });
        const ids = rows.slice(0, limit).map((r) => r.id);
        const [attendees, externals, cases] = [
          await this.repo.attendees(s, ids),
          await this.repo.externalAttendees(s, ids),
          await this.repo.meetingCases(s, ids),
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
        return { result: page, resourceType: 'case', resourceIds: caseIdsIn(page.items) };
      },
    );
  }

  /**
   * One meeting, loaded through the Meeting read policy (outside it: an audited 404). An
   * attendee whose body is covered on only some of its cases gets the reduced view
   * (`agency.meeting.attended-covered-cases`); the event names the cases shown.
   */
  get(p: CouncilPrincipal, meetingId: string): Promise<MeetingView> {
    return this.access.use<MeetingView, MeetingRow>(
      p,
      { action: 'read', subject: 'Meeting', id: meetingId },
      async (s, l) => {
        const view = await this.view(s, l.row!);
        return { result: view, resourceIds: caseIdsIn([view]) };
      },
    );
  }

  private async view(s: CouncilScope, row: MeetingRow): Promise<MeetingView> {
    return projectMeeting(
      s.principal.ability,
      row,
      await this.repo.attendees(s, [row.id]),
      await this.repo.externalAttendees(s, [row.id]),
      await this.repo.meetingCases(s, [row.id]),
    );
  }

  /**
   * Attendees are staff of this council with a record in force and the current pledge (Art. 18:
   * only those bound by the duty hear the cases). At a case conference, only the staff directly
   * involved: coordinators, and staff whose body is covered now (assignment in force, with
   * consent or a statutory basis) on EVERY case it names — the minutes will be theirs to read,
   * and attending must not show them another body's case (need to know, DESIGN.md §3.1, §3.9).
   */
  private async checkAttendees(
    s: CouncilScope,
    tier: CreateMeetingDto['tier'],
    staffIds: string[],
    caseIds: string[],
  ): Promise<void> {
    if (staffIds.length === 0) return;
    const rows = await this.repo.staffEligibility(s, staffIds, caseIds);
    const problems = staffIds.flatMap((staffId) => {
      const r = rows.find((x) => x.id === staffId);
      const reason = !r
        ? 'not_found'
        : !r.current
          ? 'not_current'
          : !r.pledged
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
    const uninvolved = rows.filter((r) => r.role !== 'coordinator' && r.uncoveredCaseIds.length);
    if (uninvolved.length > 0)
      throw new DomainError(
        422,
        MeetingErrorCode.AttendeeNotInvolved,
        'A case conference is for the staff directly involved: their body must be covered on every one of its cases',
        {
          details: uninvolved.map((r) => ({
            staffId: r.id,
            reason: 'not_assigned',
            caseIds: r.uncoveredCaseIds,
          })),
        },
      );
  }
}

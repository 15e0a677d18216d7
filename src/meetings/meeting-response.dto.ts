import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTION_ITEM_STATUSES, MEETING_TIERS, REVIEW_OUTCOMES } from './meetings.dto';

/**
 * What the meetings routes answer (issue 16), as built in meeting-projection.ts. A meeting is
 * projected field by field (DESIGN.md §4): `title`, `place` and `externalAttendees` only reach
 * those whose policy grants them (not auditors; not an agency no longer covered on every case).
 */

const MINUTES_STATUSES = ['draft', 'final'];

export class MeetingCaseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() caseNumber!: string;
  @ApiProperty({
    enum: ['named', 'due_for_review'],
    description: 'Named by the coordinator, or pulled in as due for review',
  })
  source!: string;
}

export class MeetingAttendeeDto {
  @ApiProperty({ format: 'uuid' }) staffId!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ format: 'uuid', description: 'The body the attendee acted for at the meeting' })
  memberBodyId!: string;
  @ApiProperty({ example: 'agency_staff' }) role!: string;
}

export class ExternalAttendeeViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() organisation!: string;
  @ApiProperty({ format: 'date-time' }) confidentialityAcknowledgedAt!: string;
}

export class MeetingMinutesStateDto {
  @ApiProperty({ enum: MINUTES_STATUSES }) status!: string;
  @ApiProperty({ type: 'integer' }) revision!: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  finalizedAt!: string | null;
}

export class MeetingDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: MEETING_TIERS }) tier!: string;
  @ApiPropertyOptional({ description: 'Not for auditors, nor an agency no longer covered' })
  title?: string;
  @ApiProperty({ format: 'date-time' }) heldAt!: string;
  @ApiPropertyOptional({ type: 'string', nullable: true }) place?: string | null;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'The cases discussed (an agency no longer covered on all: those it may read now)',
  })
  caseIds!: string[];
  @ApiProperty({ type: [MeetingCaseDto] }) cases!: MeetingCaseDto[];
  @ApiProperty({ type: [MeetingAttendeeDto] }) attendees!: MeetingAttendeeDto[];
  @ApiPropertyOptional({ type: [ExternalAttendeeViewDto] })
  externalAttendees?: ExternalAttendeeViewDto[];
  @ApiProperty({ type: MeetingMinutesStateDto }) minutes!: MeetingMinutesStateDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
}

export class StatusChangeRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'string', enum: ['open', 'closed'], nullable: true })
  status!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  changedAt!: string | null;
}

export class DecisionViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) meetingId!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) caseId!: string | null;
  @ApiProperty({
    type: StatusChangeRefDto,
    nullable: true,
    description: 'The case status change the decision made, if any',
  })
  statusChange!: StatusChangeRefDto | null;
  @ApiProperty({ type: 'integer', nullable: true }) supportPlanVersion!: number | null;
  @ApiProperty({ enum: MINUTES_STATUSES }) minutesStatus!: string;
}

export class ActionItemViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) meetingId!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'uuid', description: 'The owning member body' }) memberBodyId!: string;
  @ApiProperty({ format: 'date' }) dueOn!: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) caseId!: string | null;
  @ApiProperty({ enum: ACTION_ITEM_STATUSES }) status!: string;
  @ApiProperty({ enum: MINUTES_STATUSES }) minutesStatus!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CaseReviewViewDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: REVIEW_OUTCOMES }) outcome!: string;
  @ApiProperty({ type: 'string', nullable: true }) note!: string | null;
  @ApiProperty({ type: 'string', format: 'date', nullable: true }) nextReviewOn!: string | null;
}

export class MinutesAddendumDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) meetingId!: string;
  @ApiProperty() text!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'uuid' }) authorUserId!: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) authorStaffId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** The whole minutes: coordinators, and attendees covered now on every case discussed. */
export class FullMinutesDto {
  @ApiProperty({ format: 'uuid' }) meetingId!: string;
  @ApiProperty({ enum: ['full'] }) access!: string;
  @ApiProperty({ enum: MINUTES_STATUSES }) status!: string;
  @ApiProperty({ type: 'integer' }) revision!: number;
  @ApiProperty() body!: string;
  @ApiProperty({ type: [DecisionViewDto] }) decisions!: DecisionViewDto[];
  @ApiProperty({ type: [ActionItemViewDto] }) actionItems!: ActionItemViewDto[];
  @ApiProperty({ type: [CaseReviewViewDto] }) reviews!: CaseReviewViewDto[];
  @ApiProperty({ type: [MinutesAddendumDto] }) addenda!: MinutesAddendumDto[];
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) updatedBy!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  finalizedAt!: string | null;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) finalizedBy!: string | null;
}

/**
 * Another agency covered now on a discussed case: only the decisions and action items about
 * those cases (DESIGN.md §3.9).
 */
export class CaseOnlyMinutesDto {
  @ApiProperty({ format: 'uuid' }) meetingId!: string;
  @ApiProperty({ enum: ['assigned_case'] }) access!: string;
  @ApiProperty({ enum: MINUTES_STATUSES }) status!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  finalizedAt!: string | null;
  @ApiProperty({ type: [DecisionViewDto] }) decisions!: DecisionViewDto[];
  @ApiProperty({ type: [ActionItemViewDto] }) actionItems!: ActionItemViewDto[];
}

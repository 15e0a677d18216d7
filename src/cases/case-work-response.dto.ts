import { ApiProperty } from '@nestjs/swagger';

/** What the case-work routes answer (issue 16), as built in case-work.service.ts. */

export class StatusChangeDto {
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description: 'The meeting at which the case was closed',
  })
  meetingId!: string | null;
  @ApiProperty({ format: 'uuid', description: 'The user who changed it' }) changedBy!: string;
}

/** After closing or reopening: the case's new status and its whole status history. */
export class CaseStatusDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: string;
  @ApiProperty({ type: [StatusChangeDto] }) history!: StatusChangeDto[];
}

export class NoteDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Null once the case has been disposed of (its data key destroyed)',
  })
  body!: string | null;
  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description: 'The note this one corrects (notes are never edited)',
  })
  correctsNoteId!: string | null;
  @ApiProperty({ format: 'uuid' }) authorUserId!: string;
  @ApiProperty({ example: 'coordinator' }) authorRole!: string;
  @ApiProperty({ format: 'uuid' }) memberBodyId!: string;
  @ApiProperty({ description: '要配慮: readable by coordinators and full-scope bodies only' })
  sensitive!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class PlanGoalViewDto {
  @ApiProperty() text!: string;
}

export class PlanActionViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'uuid', description: 'The member body that owns the action' })
  memberBodyId!: string;
  @ApiProperty({ format: 'date' }) dueOn!: string;
  @ApiProperty({ enum: ['open', 'in_progress', 'done'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SupportPlanDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
  @ApiProperty({ type: [PlanGoalViewDto] }) goals!: PlanGoalViewDto[];
  @ApiProperty({ type: [PlanActionViewDto] }) actions!: PlanActionViewDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'uuid', description: 'The user who wrote this version' })
  createdBy!: string;
}

export class SupportPlansDto {
  @ApiProperty({
    type: SupportPlanDto,
    nullable: true,
    description: 'The latest version; null while the case has no plan',
  })
  current!: SupportPlanDto | null;
  @ApiProperty({ type: [SupportPlanDto], description: 'Earlier versions, newest first' })
  history!: SupportPlanDto[];
}

/** Only what an addressed body needs of the case: its number and the person's name. */
export class InfoRequestCaseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() caseNumber!: string;
  @ApiProperty() familyName!: string;
  @ApiProperty() givenName!: string;
}

export class InfoRequestDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: InfoRequestCaseDto }) case!: InfoRequestCaseDto;
  @ApiProperty({ format: 'uuid', description: 'The addressed member body' })
  memberBodyId!: string;
  @ApiProperty() question!: string;
  @ApiProperty({ format: 'date' }) dueOn!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: 'string', nullable: true }) answer!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  answeredAt!: string | null;
  @ApiProperty({ description: 'Unanswered past its due date' }) overdue!: boolean;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../common/http/pagination';
import { IsCalendarDate, isCalendarDate, PLAIN_TEXT } from '../common/http/validators';

export const MEETING_TIERS = ['representatives', 'practitioners', 'case_conference'] as const;
export type MeetingTier = (typeof MEETING_TIERS)[number];
export const ACTION_ITEM_STATUSES = ['open', 'in_progress', 'done'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];
export const REVIEW_OUTCOMES = [
  'continue',
  'revise_plan',
  'propose_closure',
  'refer_to_case_conference',
] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

const TEXT = { message: 'must not contain control characters' };
const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;

/**
 * An ISO-8601 instant with an explicit offset (`Z` or `+09:00`): without one, the database
 * would read it in its own time zone and a meeting could move by hours.
 */
export function IsTimestamp(message?: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isTimestamp',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message:
          message ??
          `${String(propertyName)} must be an ISO-8601 timestamp with a time zone, e.g. 2026-12-01T14:00:00+09:00`,
      },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const m = TIMESTAMP.exec(value);
          return !!m && isCalendarDate(m[1]) && !Number.isNaN(Date.parse(value));
        },
      },
    });
}

export class ExternalAttendeeDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PLAIN_TEXT, TEXT)
  name!: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PLAIN_TEXT, TEXT)
  organisation!: string;

  @ApiProperty({
    description:
      'The person has acknowledged the confidentiality of what is discussed (must be true)',
  })
  @IsBoolean()
  confidentialityAcknowledged!: boolean;

  @ApiPropertyOptional({ description: 'When it was acknowledged (default: now)' })
  @IsOptional()
  @IsTimestamp()
  acknowledgedAt?: string;
}

export class CreateMeetingDto {
  @ApiProperty({ enum: MEETING_TIERS })
  @IsIn(MEETING_TIERS)
  tier!: MeetingTier;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PLAIN_TEXT, TEXT)
  title!: string;

  @ApiProperty({ example: '2026-12-01T14:00:00+09:00' })
  @IsTimestamp()
  heldAt!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(PLAIN_TEXT, TEXT)
  place?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Cases discussed (none for representatives)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  caseIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attendeeStaffIds?: string[];

  @ApiPropertyOptional({ type: [ExternalAttendeeDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ExternalAttendeeDto)
  externalAttendees?: ExternalAttendeeDto[];

  @ApiPropertyOptional({
    description:
      'Practitioners’ meetings: also discuss every open case due for review (case ledger) by reviewDueBy',
  })
  @IsOptional()
  @IsBoolean()
  includeCasesDueForReview?: boolean;

  @ApiPropertyOptional({
    format: 'date',
    description: 'With includeCasesDueForReview: due on or before (default: the meeting’s date)',
  })
  @IsOptional()
  @IsCalendarDate()
  reviewDueBy?: string;
}

export class MeetingQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: MEETING_TIERS })
  @IsOptional()
  @IsIn(MEETING_TIERS)
  tier?: MeetingTier;
}

export class DecisionDto {
  @ApiProperty({ maxLength: 5000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  @Matches(PLAIN_TEXT, TEXT)
  text!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A case discussed at this meeting' })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({
    enum: ['closed', 'open'],
    description:
      'Links the case’s status change recorded for this meeting (POST …/cases/:caseId/close with meetingId)',
  })
  @IsOptional()
  @IsIn(['closed', 'open'])
  statusChange?: 'closed' | 'open';

  @ApiPropertyOptional({ description: 'The support plan version this decision produced' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  supportPlanVersion?: number;
}

export class ActionItemDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  @Matches(PLAIN_TEXT, TEXT)
  text!: string;

  @ApiProperty({ format: 'uuid', description: 'The member body that owns the item' })
  @IsUUID()
  memberBodyId!: string;

  @ApiProperty({ format: 'date' })
  @IsCalendarDate()
  dueOn!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A case discussed at this meeting' })
  @IsOptional()
  @IsUUID()
  caseId?: string;
}

export class CaseReviewDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  caseId!: string;

  @ApiProperty({ enum: REVIEW_OUTCOMES })
  @IsIn(REVIEW_OUTCOMES)
  outcome!: ReviewOutcome;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  @Matches(PLAIN_TEXT, TEXT)
  note?: string;

  @ApiPropertyOptional({
    format: 'date',
    description: 'Becomes the case’s next review date when the minutes are finalised',
  })
  @IsOptional()
  @IsCalendarDate()
  nextReviewOn?: string;
}

export class PutMinutesDto {
  @ApiProperty({ maxLength: 100000 })
  @IsString()
  @MaxLength(100000)
  @Matches(PLAIN_TEXT, TEXT)
  body!: string;

  @ApiPropertyOptional({ type: [DecisionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => DecisionDto)
  decisions?: DecisionDto[];

  @ApiPropertyOptional({ type: [ActionItemDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ActionItemDto)
  actionItems?: ActionItemDto[];

  @ApiPropertyOptional({
    type: [CaseReviewDto],
    description: 'Practitioners’ meetings: the review outcome of each case discussed',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CaseReviewDto)
  reviews?: CaseReviewDto[];
}

export class AddendumDto {
  @ApiProperty({ maxLength: 20000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20000)
  @Matches(PLAIN_TEXT, TEXT)
  text!: string;

  @ApiProperty({ maxLength: 2000, description: 'Why the final minutes needed a correction' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  @Matches(PLAIN_TEXT, TEXT)
  reason!: string;
}

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ActionItemQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only items owned by the caller’s member body' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  mine?: boolean;

  @ApiPropertyOptional({ enum: ACTION_ITEM_STATUSES })
  @IsOptional()
  @IsIn(ACTION_ITEM_STATUSES)
  status?: ActionItemStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  caseId?: string;
}

export class DecisionQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  caseId?: string;
}

export class UpdateActionItemDto {
  @ApiProperty({ enum: ACTION_ITEM_STATUSES })
  @IsIn(ACTION_ITEM_STATUSES)
  status!: ActionItemStatus;
}

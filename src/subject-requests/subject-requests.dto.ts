import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../common/http/validators';

export const REQUEST_KINDS = ['disclosure', 'correction', 'stop_use', 'deletion'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export const CHANNELS = ['in_person', 'mail', 'email', 'phone', 'online', 'other'] as const;
export const CONTROLLERS = ['municipality', 'member_body'] as const;
export const DECISIONS = ['granted', 'partly_granted', 'refused'] as const;

export class CreateSubjectRequestDto {
  @ApiProperty({ enum: REQUEST_KINDS })
  @IsIn(REQUEST_KINDS)
  kind!: RequestKind;

  @ApiProperty({ format: 'date' })
  @IsCalendarDate()
  receivedOn!: string;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: (typeof CHANNELS)[number];

  @ApiPropertyOptional({ maxLength: 5000, description: 'Stored sealed under the case’s data key' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string;

  @ApiProperty({
    enum: CONTROLLERS,
    description:
      'Who answers: the municipality (行政機関等, 30 days) or a private member body (without delay)',
  })
  @IsIn(CONTROLLERS)
  controller!: (typeof CONTROLLERS)[number];
}

export class ExtendSubjectRequestDto {
  @ApiProperty({ format: 'date', description: 'At most 30 days beyond the statutory period' })
  @IsCalendarDate()
  until!: string;

  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class DecideSubjectRequestDto {
  @ApiProperty({ enum: DECISIONS })
  @IsIn(DECISIONS)
  decision!: (typeof DECISIONS)[number];

  @ApiProperty({ format: 'date' })
  @IsCalendarDate()
  decidedOn!: string;

  @ApiProperty({ maxLength: 5000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  reason!: string;
}

export class SubjectRequestView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty({ enum: REQUEST_KINDS })
  kind!: RequestKind;
  @ApiProperty({ format: 'date' })
  receivedOn!: string;
  @ApiProperty({ enum: CHANNELS })
  channel!: string;
  @ApiProperty({ enum: CONTROLLERS })
  controller!: string;
  @ApiProperty({ nullable: true, type: String })
  note!: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'Null: without delay' })
  deadlineOn!: string | null;
  @ApiProperty({ enum: ['days_30', 'without_delay'] })
  deadlineRule!: 'days_30' | 'without_delay';
  @ApiProperty({ format: 'date', nullable: true, type: String })
  extendedUntil!: string | null;
  @ApiProperty({ nullable: true, type: String })
  extensionReason!: string | null;
  @ApiProperty({ enum: ['received', 'extended', 'decided'] })
  status!: string;
  @ApiProperty({ enum: DECISIONS, nullable: true, type: String })
  decision!: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String })
  decidedOn!: string | null;
  @ApiProperty({ nullable: true, type: String })
  decisionReason!: string | null;
  @ApiProperty({ description: 'Undecided after its (extended) deadline' })
  overdue!: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class SubjectRequestsView {
  @ApiProperty({ type: [SubjectRequestView] })
  items!: SubjectRequestView[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: null;
}

export class DisclosurePackageView {
  @ApiProperty({ format: 'uuid' })
  requestId!: string;
  @ApiProperty({ format: 'date-time' })
  generatedAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The case as the coordinator sees it (content disposed of: null)',
  })
  case!: Record<string, unknown> | null;
  @ApiProperty({ type: 'array', items: { type: 'object' } })
  notes!: Record<string, unknown>[];
  @ApiProperty({ type: 'array', items: { type: 'object' } })
  statusHistory!: Record<string, unknown>[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'Parts naming other people or bodies, to review for redaction before release',
  })
  redactionReview!: { path: string; reason: string }[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CaseSubjectDto, CONCERNS, Concern, GENDERS, IsConcernList } from '../cases/case.dto';
import { PageQueryDto } from '../common/http/pagination';
import { IsCalendarDate, PLAIN_TEXT } from '../common/http/validators';

export const URGENCIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const REFERRAL_STATUSES = ['submitted', 'accepted', 'declined', 'merged'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
export const ASSIGNMENT_OUTCOMES = [
  'assigned',
  'no_consent',
  'consent_not_naming_body',
  'body_not_current',
] as const;
export type AssignmentOutcome = (typeof ASSIGNMENT_OUTCOMES)[number];

const TEXT = { message: 'must not contain control characters' };

export class ReferralConsentDto {
  @ApiProperty({ enum: ['written', 'verbal'] })
  @IsIn(['written', 'verbal'])
  method!: 'written' | 'verbal';

  @ApiProperty({ format: 'date' })
  @IsCalendarDate()
  obtainedOn!: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description:
      'The member bodies the person agreed to share with; defaults to the submitting body',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  memberBodyIds?: string[];
}

export class CreateReferralDto {
  @ApiProperty({ type: CaseSubjectDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CaseSubjectDto)
  subject!: CaseSubjectDto;

  @ApiProperty({ maxLength: 10000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  @Matches(PLAIN_TEXT, TEXT)
  summary!: string;

  @ApiProperty({ enum: CONCERNS, isArray: true })
  @IsConcernList()
  concerns!: Concern[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: '要配慮個人情報 (restricted: coordinators and the submitting body only)',
  })
  @IsOptional()
  @IsObject()
  @Transform(({ value }) => value, { toClassOnly: true })
  sensitive?: Record<string, unknown>;

  @ApiPropertyOptional({ type: ReferralConsentDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReferralConsentDto)
  consentObtained?: ReferralConsentDto;

  @ApiProperty({ enum: URGENCIES })
  @IsIn(URGENCIES)
  urgency!: Urgency;
}

export class ReferralQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REFERRAL_STATUSES })
  @IsOptional()
  @IsIn(REFERRAL_STATUSES)
  status?: ReferralStatus;
}

export class AcceptReferralDto {
  @ApiPropertyOptional({
    enum: ['lead', 'support'],
    default: 'lead',
    description: 'The submitting body’s role when it is assigned',
  })
  @IsOptional()
  @IsIn(['lead', 'support'])
  role?: 'lead' | 'support';

  @ApiPropertyOptional({
    enum: ['full', 'limited'],
    default: 'limited',
    description: 'The submitting body’s scope when it is assigned',
  })
  @IsOptional()
  @IsIn(['full', 'limited'])
  scope?: 'full' | 'limited';

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsCalendarDate()
  reviewDueOn?: string;
}

export class DeclineReferralDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  @Matches(PLAIN_TEXT, TEXT)
  reason!: string;
}

export class MergeReferralDto {
  @ApiProperty({ format: 'uuid', description: 'The existing case this person already has' })
  @IsUUID()
  caseId!: string;

  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  @Matches(PLAIN_TEXT, TEXT)
  reason!: string;
}

// ---- responses ---------------------------------------------------------------------------

export class ReferralSubjectDto {
  @ApiProperty() familyName!: string;
  @ApiProperty() givenName!: string;
  @ApiProperty({ type: String, nullable: true }) familyNameKana!: string | null;
  @ApiProperty({ type: String, nullable: true }) givenNameKana!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) birthDate!: string | null;
  @ApiProperty({ type: String, enum: GENDERS, nullable: true }) gender!: string | null;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
}

export class ReferralConsentViewDto {
  @ApiProperty({ enum: ['written', 'verbal'] }) method!: 'written' | 'verbal';
  @ApiProperty({ format: 'date' }) obtainedOn!: string;
  @ApiProperty({ type: [String], format: 'uuid' }) memberBodyIds!: string[];
}

export class ReferralDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The submitting member body' })
  memberBodyId!: string;
  @ApiProperty({ format: 'uuid' }) submittedBy!: string;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiProperty({ type: ReferralSubjectDto }) subject!: ReferralSubjectDto;
  @ApiProperty() summary!: string;
  @ApiProperty({ enum: CONCERNS, isArray: true }) concerns!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  sensitive!: Record<string, unknown> | null;
  @ApiProperty({ enum: URGENCIES }) urgency!: Urgency;
  @ApiProperty({ type: ReferralConsentViewDto, nullable: true })
  consentObtained!: ReferralConsentViewDto | null;
  @ApiProperty({ enum: REFERRAL_STATUSES }) status!: ReferralStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why it was declined or merged (the submitting body sees a decline’s reason only)',
  })
  decisionReason!: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The resulting case: only when the caller may see that case',
  })
  caseId!: string | null;
  @ApiProperty({
    type: String,
    enum: ASSIGNMENT_OUTCOMES,
    nullable: true,
    description: 'Accepted: whether the submitting body was assigned, or why not',
  })
  assignmentOutcome!: AssignmentOutcome | null;
}

export class ReferralListDto {
  @ApiProperty({ type: [ReferralDto] }) items!: ReferralDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class PossibleDuplicateDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() caseNumber!: string;
}

export class AcceptedReferralDto extends ReferralDto {
  @ApiProperty({ type: [PossibleDuplicateDto], description: 'As when registering a case' })
  possibleDuplicates!: PossibleDuplicateDto[];
}

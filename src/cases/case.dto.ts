import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
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
  ValidateIf,
  ValidateNested,
  IsInt,
  Min,
  Max,
} from 'class-validator';
import { PageQueryDto } from '../common/http/pagination';
import { CASE_NUMBER_PATTERN } from './case-number';
import { IsCalendarDate, PLAIN_TEXT } from '../common/http/validators';

/** The legal bases a statutory assignment may name (issue 17 item 7; closed list + other). */
export const STATUTORY_BASIS_CODES = [
  'act_art16',
  'swa_106_6',
  'scsa_9',
  'cwa_25_2',
  'appi_69_2',
  'appi_27_1',
  'other',
] as const;
export type StatutoryBasisCode = (typeof STATUTORY_BASIS_CODES)[number];

/** Concern categories (a fixed list; see docs/architecture.md). */
export const CONCERNS = [
  'isolation',
  'loneliness',
  'poverty',
  'housing',
  'employment',
  'health',
  'mental_health',
  'disability',
  'caregiving',
  'child_rearing',
  'abuse_violence',
  'hikikomori',
  'other',
] as const;
export type Concern = (typeof CONCERNS)[number];

/**
 * Concern codes that are 要配慮個人情報 (APPI Art. 2(3): medical history, mental and physical
 * disability, abuse and violence as victimisation). They leave the server only with the
 * `sensitive` object, i.e. to coordinators and full-scope bodies (DESIGN.md §3.9). The rest
 * (isolation, poverty, housing…) and the summary stay visible to limited scope.
 */
export const SENSITIVE_CONCERNS: ReadonlySet<Concern> = new Set<Concern>([
  'health',
  'mental_health',
  'disability',
  'abuse_violence',
]);
export const GENDERS = ['female', 'male', 'other', 'unknown'] as const;
/** Hiragana, katakana (half-width too: stored as entered, matched normalised), spaces, ・ and ー. */
export const KANA = /^[\u3040-\u30ff\uff65-\uff9f\u3000\s・ー]*$/;
export const TEXT = { message: 'must not contain control characters' };

export class CaseSubjectDto {
  @ApiProperty({ example: '山田' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(PLAIN_TEXT, TEXT)
  familyName!: string;

  @ApiProperty({ example: '花子' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(PLAIN_TEXT, TEXT)
  givenName!: string;

  @ApiPropertyOptional({ example: 'やまだ' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(KANA, { message: 'must be written in kana' })
  familyNameKana?: string;

  @ApiPropertyOptional({ example: 'はなこ' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(KANA, { message: 'must be written in kana' })
  givenNameKana?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsCalendarDate()
  birthDate?: string;

  @ApiPropertyOptional({ enum: GENDERS })
  @IsOptional()
  @IsIn(GENDERS)
  gender?: (typeof GENDERS)[number];

  @ApiPropertyOptional({ description: 'Restricted field' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(PLAIN_TEXT, TEXT)
  address?: string;

  @ApiPropertyOptional({ description: 'Restricted field' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @Matches(/^[0-9+\-() ]*$/, { message: 'phone may contain digits, spaces, +, -, ( and ) only' })
  phone?: string;
}

/**
 * A case's concerns as every request that carries them validates them: a non-empty list of
 * distinct codes from CONCERNS (cases, updates, referrals).
 */
export const IsConcernList = (): PropertyDecorator =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(CONCERNS.length),
    ArrayUnique(),
    IsIn(CONCERNS, { each: true }),
  );

export class CreateCaseDto {
  @ApiProperty({ type: CaseSubjectDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CaseSubjectDto)
  subject!: CaseSubjectDto;

  @ApiProperty({ maxLength: 10000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  summary!: string;

  @ApiProperty({ enum: CONCERNS, isArray: true })
  @IsConcernList()
  concerns!: Concern[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: '要配慮個人情報 (restricted)',
  })
  @IsOptional()
  @IsObject()
  @Transform(({ value }) => value, { toClassOnly: true })
  sensitive?: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsCalendarDate()
  reviewDueOn?: string;
}

/** Any subject field may change; the same rules apply to each one given. */
export class UpdateCaseSubjectDto extends PartialType(CaseSubjectDto) {}

export class UpdateCaseDto {
  @ApiPropertyOptional({ type: UpdateCaseSubjectDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateCaseSubjectDto)
  subject?: UpdateCaseSubjectDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  summary?: string;

  @ApiPropertyOptional({ enum: CONCERNS, isArray: true })
  @IsOptional()
  @IsConcernList()
  concerns?: Concern[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  sensitive?: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsCalendarDate()
  reviewDueOn?: string;
}

export class CaseQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      'The case ledger: cases due for review before a date, as before:YYYY-MM-DD (combine with status=open)',
    example: 'before:2026-12-31',
  })
  @IsOptional()
  @Matches(/^before:\d{4}-\d{2}-\d{2}$/, { message: 'reviewDue must look like before:YYYY-MM-DD' })
  reviewDue?: string;

  @ApiPropertyOptional({ enum: ['open', 'closed'] })
  @IsOptional()
  @IsIn(['open', 'closed'])
  status?: 'open' | 'closed';

  @ApiPropertyOptional({
    enum: ['low', 'medium', 'high', 'urgent'],
    isArray: true,
    description: 'Only cases whose current risk level is one of these (comma-separated)',
    example: ['high', 'urgent'],
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',') : value,
  )
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(['low', 'medium', 'high', 'urgent'], { each: true })
  risk?: ('low' | 'medium' | 'high' | 'urgent')[];

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 3650,
    description:
      'Only cases without a reached contact for at least this many days (counted from registration when there was none)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  noContactForDays?: number;

  @ApiPropertyOptional({
    enum: ['created', 'risk'],
    description:
      'created (default): oldest first; risk: urgent first, unassessed last, then oldest first',
  })
  @IsOptional()
  @IsIn(['created', 'risk'])
  sort?: 'created' | 'risk';
}

export class CreateConsentDto {
  @ApiProperty({ type: [String], format: 'uuid' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  memberBodyIds!: string[];

  @ApiProperty({ enum: ['written', 'verbal'] })
  @IsIn(['written', 'verbal'])
  method!: 'written' | 'verbal';

  @ApiProperty({ format: 'date' })
  @IsCalendarDate()
  obtainedOn!: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsCalendarDate()
  expiresOn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class WithdrawConsentDto {
  @ApiProperty({ format: 'date' })
  @IsCalendarDate()
  withdrawnOn!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class CreateAssignmentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  memberBodyId!: string;

  @ApiProperty({ enum: ['lead', 'support'] })
  @IsIn(['lead', 'support'])
  role!: 'lead' | 'support';

  @ApiProperty({ enum: ['full', 'limited'] })
  @IsIn(['full', 'limited'])
  scope!: 'full' | 'limited';

  @ApiProperty({ enum: ['consent', 'statutory'] })
  @IsIn(['consent', 'statutory'])
  basis!: 'consent' | 'statutory';

  @ApiPropertyOptional({
    description: 'Required for basis "statutory": the law and reason (法令に基づく場合)',
  })
  @ValidateIf((o: CreateAssignmentDto) => o.basis === 'statutory' || o.basisNote !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'basisNote is required for a statutory basis' })
  @MaxLength(2000)
  basisNote?: string;

  @ApiPropertyOptional({
    enum: STATUTORY_BASIS_CODES,
    description:
      'The legal basis of a statutory assignment: act_art16 孤独・孤立対策推進法 Art. 16, swa_106_6 社会福祉法 Art. 106-6, scsa_9 生活困窮者自立支援法 Art. 9, cwa_25_2 児童福祉法 Art. 25-2, appi_69_2 個人情報保護法 Art. 69(2), appi_27_1 個人情報保護法 Art. 27(1), other (with basisText). Omitted on a statutory assignment: other, with basisNote as its text (v1)',
  })
  @ValidateIf((o: CreateAssignmentDto) => o.basisCode !== undefined)
  @IsIn(STATUTORY_BASIS_CODES)
  basisCode?: StatutoryBasisCode;

  @ApiPropertyOptional({
    description: 'Required for basisCode "other": the law named',
    maxLength: 500,
  })
  @ValidateIf((o: CreateAssignmentDto) => o.basisCode === 'other' || o.basisText !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'basisText is required for basisCode "other"' })
  @MaxLength(500)
  basisText?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The meeting that decided the statutory sharing; it must have discussed this case',
  })
  @IsOptional()
  @IsUUID()
  basisMeetingId?: string;

  @ApiPropertyOptional({
    format: 'date',
    description:
      'Statutory basis only: the last day it covers the body unless renewed (default: one year from today)',
  })
  @IsOptional()
  @IsCalendarDate()
  reviewOn?: string;
}

export class RenewAssignmentDto {
  @ApiProperty({ format: 'date', description: 'The new review date (today or later)' })
  @IsCalendarDate()
  reviewOn!: string;
}

export class CaseSearchQueryDto {
  @ApiPropertyOptional({
    description:
      'A name or kana reading, whole or its beginning; matched after normalisation (hiragana/katakana, half-width, spaces, long vowels, small kana, common variant kanji)',
    example: 'やまだ はなこ',
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(PLAIN_TEXT, TEXT)
  q?: string;

  @ApiPropertyOptional({ format: 'date', example: '1950-04-01' })
  @IsOptional()
  @IsCalendarDate()
  birthDate?: string;

  @ApiPropertyOptional({ example: '2026-0001', description: 'As issued: 2026-0001 or R8-0001' })
  @IsOptional()
  @Matches(CASE_NUMBER_PATTERN, { message: 'caseNumber must look like 2026-0001 or R8-0001' })
  caseNumber?: string;

  @ApiPropertyOptional({ type: 'integer', default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class MatchCaseDto {
  @ApiProperty({ type: CaseSubjectDto, description: 'The person about to be registered' })
  @IsObject()
  @ValidateNested()
  @Type(() => CaseSubjectDto)
  subject!: CaseSubjectDto;
}

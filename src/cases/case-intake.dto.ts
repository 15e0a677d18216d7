import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { IsCalendarDate, PLAIN_TEXT } from '../common/http/validators';
import { IsTimestamp } from '../meetings/meetings.dto';
import { KANA, TEXT } from './case.dto';

export const RELATIONS = [
  'spouse',
  'parent',
  'child',
  'sibling',
  'grandparent',
  'grandchild',
  'other_relative',
  'carer',
  'neighbour',
  'friend',
  'other',
] as const;
export type Relation = (typeof RELATIONS)[number];

export const RISK_LEVELS = ['low', 'medium', 'high', 'urgent'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const CONTACT_CHANNELS = ['visit', 'phone', 'message', 'meeting', 'other'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

// ---- related persons (当事者等) ----------------------------------------------------------

export class CreateRelatedPersonDto {
  @ApiProperty({ enum: RELATIONS, description: 'Relation to the case subject' })
  @IsIn(RELATIONS)
  relation!: Relation;

  @ApiPropertyOptional({ description: 'Required for relation "other"', maxLength: 200 })
  @ValidateIf((o: CreateRelatedPersonDto) => o.relation === 'other' || o.relationText !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'relationText is required for relation "other"' })
  @MaxLength(200)
  @Matches(PLAIN_TEXT, TEXT)
  relationText?: string;

  @ApiProperty({ example: '山田', maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(PLAIN_TEXT, TEXT)
  familyName!: string;

  @ApiPropertyOptional({ example: '太郎', maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(PLAIN_TEXT, TEXT)
  givenName?: string;

  @ApiPropertyOptional({ example: 'やまだ', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(KANA, { message: 'must be written in kana' })
  familyNameKana?: string;

  @ApiPropertyOptional({ example: 'たろう', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(KANA, { message: 'must be written in kana' })
  givenNameKana?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsCalendarDate()
  birthDate?: string;

  @ApiPropertyOptional({
    description: 'Restricted field (coordinators and full scope)',
    maxLength: 500,
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(PLAIN_TEXT, TEXT)
  address?: string;

  @ApiPropertyOptional({
    description: 'Restricted field (coordinators and full scope)',
    maxLength: 50,
  })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @Matches(/^[0-9+\-() ]*$/, { message: 'phone may contain digits, spaces, +, -, ( and ) only' })
  phone?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: '要配慮個人情報: never shown to limited scope',
  })
  @IsOptional()
  @IsObject()
  sensitive?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Whether the related person is supported too',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  supported?: boolean;
}

export class UpdateRelatedPersonDto extends PartialType(CreateRelatedPersonDto) {}

export class RelatedPersonConsentDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Bodies their information may be shared with',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
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
}

export class RelatedPersonConsentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: [String], format: 'uuid' }) memberBodyIds!: string[];
  @ApiProperty({ enum: ['written', 'verbal'] }) method!: string;
  @ApiProperty({ format: 'date' }) obtainedOn!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) expiresOn!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) withdrawnOn!: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty() active!: boolean;
}

export class RelatedPersonView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: RELATIONS }) relation!: Relation;
  @ApiPropertyOptional({ type: String, nullable: true }) relationText?: string | null;
  @ApiProperty() familyName!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) givenName?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) familyNameKana?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) givenNameKana?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true }) birthDate?: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Coordinators and full scope only',
  })
  address?: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Coordinators and full scope only',
  })
  phone?: string | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Coordinators and full scope only (要配慮)',
  })
  sensitive?: Record<string, unknown> | null;
  @ApiProperty() supported!: boolean;
  @ApiPropertyOptional({ type: [RelatedPersonConsentView], description: 'Coordinators only' })
  consents?: RelatedPersonConsentView[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class RelatedPersonList {
  @ApiProperty({ type: [RelatedPersonView] }) items!: RelatedPersonView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: null;
}

// ---- risk --------------------------------------------------------------------------------

export class SetRiskDto {
  @ApiProperty({ enum: RISK_LEVELS })
  @IsIn(RISK_LEVELS)
  level!: RiskLevel;

  @ApiProperty({ maxLength: 2000, description: 'Why this level' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  @Matches(PLAIN_TEXT, TEXT)
  reason!: string;
}

export class RiskView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: RISK_LEVELS }) level!: RiskLevel;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Null for limited scope (the reason may hold 要配慮 content)',
  })
  reason!: string | null;
  @ApiProperty({ format: 'date-time' }) setAt!: string;
  @ApiProperty({ format: 'uuid', description: 'The user who set it' }) setBy!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) setByBodyId!: string | null;
}

export class RiskHistoryView {
  @ApiProperty({ type: RiskView, nullable: true }) current!: RiskView | null;
  @ApiProperty({ type: [RiskView], description: 'Newest first' }) history!: RiskView[];
}

// ---- contacts ----------------------------------------------------------------------------

export class CreateContactDto {
  @ApiProperty({
    format: 'date-time',
    example: '2026-11-30T10:00:00+09:00',
    description: 'Not in the future',
  })
  // No clock time in the message: "at … 14:00:00" reads like a stack frame to log scanners.
  @IsTimestamp('at must be an ISO-8601 timestamp with a time zone (Z or +09:00)')
  at!: string;

  @ApiProperty({ enum: CONTACT_CHANNELS })
  @IsIn(CONTACT_CHANNELS)
  channel!: ContactChannel;

  @ApiProperty({ description: 'Whether the person was reached' })
  @IsBoolean()
  reached!: boolean;

  @ApiProperty({
    format: 'uuid',
    description: 'The member body that made the contact (agency staff: their own)',
  })
  @IsUUID()
  memberBodyId!: string;

  @ApiPropertyOptional({ maxLength: 10000 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  @Matches(PLAIN_TEXT, TEXT)
  note?: string;

  @ApiPropertyOptional({
    default: false,
    description: 'The note is 要配慮: never shown to limited scope',
  })
  @IsOptional()
  @IsBoolean()
  sensitive?: boolean;
}

export class ContactView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: CONTACT_CHANNELS }) channel!: ContactChannel;
  @ApiProperty() reached!: boolean;
  @ApiProperty({ format: 'uuid' }) memberBodyId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Null when there is none or when withheld (a sensitive note, limited scope)',
  })
  note!: string | null;
  @ApiProperty({ description: 'The note was withheld from the caller' }) noteWithheld!: boolean;
  @ApiProperty() sensitive!: boolean;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class ContactList {
  @ApiProperty({ type: [ContactView] }) items!: ContactView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: null;
}

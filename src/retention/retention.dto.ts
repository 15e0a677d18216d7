import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsCalendarDate } from '../common/http/validators';
import { RECORD_CLASSES, RecordClass } from './retention.repository';

export class UpdateRetentionDto {
  @ApiProperty({
    description:
      '年度 kept after the one in which the record closed (within the installation’s limits)',
    minimum: 1,
    maximum: 100,
  })
  @IsInt()
  @Min(1)
  @Max(100)
  years!: number;
}

export class PlaceHoldDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({
    format: 'date',
    description: 'Last day the hold is in force; none: until released',
  })
  @IsOptional()
  @IsCalendarDate()
  until?: string;
}

export class ReleaseHoldDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class DisposalRunDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  caseIds!: string[];
}

export class RetentionScheduleView {
  @ApiProperty({ enum: RECORD_CLASSES })
  recordClass!: RecordClass;
  @ApiProperty()
  years!: number;
  @ApiProperty({ description: 'True when the council has not chosen: the installation’s default' })
  isDefault!: boolean;
  @ApiProperty()
  minYears!: number;
  @ApiProperty()
  maxYears!: number;
}

export class RetentionSchedulesView {
  @ApiProperty({ type: [RetentionScheduleView] })
  items!: RetentionScheduleView[];
}

export class LegalHoldView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty()
  reason!: string;
  @ApiProperty({ format: 'date', nullable: true, type: String })
  until!: string | null;
  @ApiProperty({ format: 'uuid' })
  placedBy!: string;
  @ApiProperty({ format: 'date-time' })
  placedAt!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  releasedBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  releasedAt!: string | null;
  @ApiProperty({ nullable: true, type: String })
  releaseReason!: string | null;
  @ApiProperty()
  inForce!: boolean;
}

export class LegalHoldsView {
  @ApiProperty({ type: [LegalHoldView] })
  items!: LegalHoldView[];
}

export class DisposalCertificateView {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty()
  caseNumber!: string;
  @ApiProperty({ format: 'date' })
  closedOn!: string;
  @ApiProperty({ description: 'The rule applied, e.g. closed_cases:5' })
  rule!: string;
  @ApiProperty({ format: 'date', description: 'First day the case could be disposed of' })
  retentionEndedOn!: string;
  @ApiProperty({ format: 'date-time' })
  disposedAt!: string;
  @ApiProperty({ format: 'uuid' })
  disposedBy!: string;
  @ApiProperty({ description: 'The case’s data key was destroyed (crypto-shredding)' })
  keyDestroyed!: boolean;
}

export class AttachmentsDisposalCertificateView {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty()
  caseNumber!: string;
  @ApiProperty({ format: 'date' })
  closedOn!: string;
  @ApiProperty({ description: 'The rule applied, e.g. attachments:3' })
  rule!: string;
  @ApiProperty({ format: 'date', description: 'First day the files could be disposed of' })
  retentionEndedOn!: string;
  @ApiProperty({ format: 'date-time' })
  disposedAt!: string;
  @ApiProperty({ format: 'uuid' })
  disposedBy!: string;
  @ApiProperty({ description: 'How many files had their stored bytes destroyed' })
  filesDestroyed!: number;
}

export class DisposalOutcomeView {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty({ enum: ['disposed', 'held', 'not_due', 'already_disposed', 'not_found'] })
  outcome!: 'disposed' | 'held' | 'not_due' | 'already_disposed' | 'not_found';
  @ApiPropertyOptional({ type: DisposalCertificateView })
  certificate?: DisposalCertificateView;
}

export class DisposalRunView {
  @ApiProperty({ type: [DisposalOutcomeView] })
  items!: DisposalOutcomeView[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MEMBER_BODY_KINDS } from '../councils/council.types';

export class AnnualReportQueryDto {
  @ApiProperty({
    description: '年度 by its first year: 2025 is April 1st 2025 to March 31st 2026 (令和7年度)',
    example: 2025,
    minimum: 2000,
    maximum: 2100,
  })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear!: number;
}

export const LEDGER_STATUSES = ['open', 'closed', 'all'] as const;

export class LedgerQueryDto {
  @ApiPropertyOptional({ enum: LEDGER_STATUSES, default: 'open' })
  @IsOptional()
  @IsIn(LEDGER_STATUSES)
  status?: (typeof LEDGER_STATUSES)[number];
}

export class CountedDto {
  @ApiProperty({ description: 'The category (concern code, member-body kind or meeting tier)' })
  key!: string;

  @ApiProperty({ type: 'integer' })
  count!: number;
}

export class AnnualReportDto {
  @ApiProperty({ type: 'integer', example: 2025 })
  fiscalYear!: number;

  @ApiProperty({ example: '令和7年度' })
  fiscalYearWareki!: string;

  @ApiProperty({ format: 'date', example: '2025-04-01' })
  from!: string;

  @ApiProperty({ format: 'date', example: '2026-03-31' })
  to!: string;

  @ApiProperty({ example: 'Asia/Tokyo', description: 'The calendar the days were counted in' })
  timeZone!: string;

  @ApiProperty({ type: 'integer' })
  casesOpened!: number;

  @ApiProperty({ type: 'integer' })
  casesClosed!: number;

  @ApiProperty({ type: 'integer', description: 'Open at the end of the year (March 31st)' })
  casesOpenAtYearEnd!: number;

  @ApiProperty({ type: [CountedDto], description: 'Cases opened in the year, by concern code' })
  casesOpenedByConcern!: CountedDto[];

  @ApiProperty({
    type: [CountedDto],
    description: `Cases a body of each kind was assigned to during the year (${MEMBER_BODY_KINDS.join(', ')})`,
  })
  casesSupportedByMemberBodyKind!: CountedDto[];

  @ApiProperty({ type: [CountedDto], description: 'Meetings held, by tier' })
  meetingsHeldByTier!: CountedDto[];

  @ApiProperty({ type: 'integer' })
  infoRequestsMade!: number;

  @ApiProperty({ type: 'integer' })
  infoRequestsAnswered!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Cases opened in the year: average calendar days from opening to the first note (there is no separate contact log)',
  })
  averageDaysToFirstContact!: number | null;

  @ApiProperty({ type: 'integer', description: 'How many cases that average is over' })
  casesWithFirstContact!: number;

  @ApiProperty({ enum: ['first_note'], description: 'What counts as the first contact' })
  firstContactBasis!: 'first_note';

  @ApiProperty({ type: 'integer' })
  consentsWithdrawn!: number;
}

export class LedgerRowDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty()
  caseNumber!: string;

  @ApiProperty({ enum: ['open', 'closed'] })
  status!: 'open' | 'closed';

  @ApiProperty({ format: 'date' })
  openedOn!: string;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  closedOn!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The member body with the current lead assignment',
  })
  leadBodyName!: string | null;

  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'The last practitioners’ meeting or case conference held that discussed the case',
  })
  lastReviewOn!: string | null;

  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'The case’s review date',
  })
  nextReviewOn!: string | null;
}

export class LedgerDto {
  @ApiProperty({ format: 'date', description: 'Today in the council’s calendar' })
  asOf!: string;

  @ApiProperty({ example: 'Asia/Tokyo' })
  timeZone!: string;

  @ApiProperty({ type: [LedgerRowDto] })
  items!: LedgerRowDto[];
}

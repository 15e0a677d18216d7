import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { PLAIN_TEXT } from '../../common/http/validators';
import { MONTH_PATTERN, PERIOD_PATTERN } from '../../platform/period';
import { StatisticsCellDto, StatisticsPeriodDto } from '../../platform/dto/statistics.dto';

export class CouncilStatisticsQueryDto {
  @ApiProperty({
    example: '2025-Q1',
    description:
      'A calendar month YYYY-MM, a 年度 quarter YYYY-Qn (Q1 = April–June of fiscal year YYYY) or a ' +
      '年度 year FYYYYY (April YYYY to March YYYY+1) that has begun; it may still be open.',
  })
  @Matches(PERIOD_PATTERN, { message: 'period must be YYYY-MM, YYYY-Qn or FYYYYY' })
  period!: string;
}

export class CreateHoldDto {
  @ApiProperty({ example: '2025-04', description: 'The month (YYYY-MM) to keep from publication' })
  @Matches(MONTH_PATTERN, { message: 'period must be a month, YYYY-MM' })
  period!: string;

  @ApiPropertyOptional({
    maxLength: 500,
    description: 'Why, for the council (never published; do not name people)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  @Matches(PLAIN_TEXT)
  reason?: string;
}

export class HoldDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2025-04' }) month!: string;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) heldAt!: string;
  @ApiProperty({ format: 'uuid' }) heldBy!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) releasedAt!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) releasedBy!: string | null;
}

export const MONTH_STATUSES = ['open', 'pending', 'held', 'published'] as const;
export type MonthStatus = (typeof MONTH_STATUSES)[number];

export class MonthStateDto {
  @ApiProperty({ example: '2025-04' }) month!: string;
  @ApiProperty({
    enum: MONTH_STATUSES,
    description:
      'open: not closed yet; pending: closed, to be published by the job; held: a coordinator ' +
      'holds it; published: its snapshot is stored and is what the platform receives',
  })
  status!: MonthStatus;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) publishedAt!: string | null;
  @ApiProperty({ type: HoldDto, nullable: true }) hold!: HoldDto | null;
}

export class FigureDto {
  @ApiProperty() dimension!: string;
  @ApiProperty() value!: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Unsuppressed; the median is null when no case of the period has a plan yet',
  })
  count!: number | null;
}

export class PublishedDto {
  @ApiProperty() k!: number;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty({ type: [StatisticsCellDto] }) cells!: StatisticsCellDto[];
}

export class CouncilStatisticsDto {
  @ApiProperty({ format: 'uuid' }) councilId!: string;
  @ApiProperty({ type: StatisticsPeriodDto }) period!: StatisticsPeriodDto;
  @ApiProperty({
    enum: MONTH_STATUSES,
    description:
      'published when every month is; otherwise open, held or pending (first that applies)',
  })
  status!: MonthStatus;
  @ApiProperty({ type: [MonthStateDto] }) months!: MonthStateDto[];
  @ApiProperty({
    type: [FigureDto],
    description: 'The council’s own figures for the period, computed now and not suppressed',
  })
  figures!: FigureDto[];
  @ApiProperty({
    type: PublishedDto,
    nullable: true,
    description: 'What the platform receives for this period (null until it is published)',
  })
  published!: PublishedDto | null;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsUUID, Matches } from 'class-validator';
import { PERIOD_PATTERN } from '../period';
import { DIMENSIONS } from '../statistics-vocabulary';

export const PERIOD_DESCRIPTION =
  'A closed, published period: a calendar month YYYY-MM, a 年度 quarter YYYY-Qn (Q1 = April–June ' +
  'of fiscal year YYYY, Q4 = January–March of YYYY+1) or a 年度 year FYYYYY (April YYYY to March ' +
  'YYYY+1). Any other period, or one not (yet) published, is answered 400.';

export class StatisticsQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  councilId!: string;

  @ApiProperty({ example: '2025-04', description: PERIOD_DESCRIPTION })
  @Matches(PERIOD_PATTERN, { message: 'period must be YYYY-MM, YYYY-Qn or FYYYYY' })
  period!: string;
}

export class StatisticsPeriodDto {
  @ApiProperty({ example: '2025-Q1' })
  id!: string;

  @ApiProperty({ enum: ['month', 'quarter', 'year'] })
  kind!: 'month' | 'quarter' | 'year';

  @ApiProperty({ format: 'date', description: 'First day (included)' })
  from!: string;

  @ApiProperty({ format: 'date', description: 'Last day (included)' })
  to!: string;
}

export class StatisticsCellDto {
  @ApiProperty({
    enum: DIMENSIONS,
    description:
      'cases_opened, cases_closed, cases_open (at the end of the period); concern and age_band ' +
      '(of the cases opened; age at registration); lead_body_kind (of the cases open at the end, ' +
      '"none" without a lead); meetings_by_tier; median_days_to_first_plan (value "days": ' +
      '`count` holds the median number of days from registration to the first support plan; ' +
      'months only — withheld for quarters and years, which are built from published months)',
  })
  dimension!: string;

  @ApiProperty({ example: '65_plus' })
  value!: string;

  @ApiProperty({ nullable: true, type: Number, description: 'null when suppressed' })
  count!: number | null;

  @ApiProperty({ description: 'Below k, or withheld so that another cell cannot be recovered' })
  suppressed!: boolean;
}

export class StatisticsDto {
  @ApiProperty({ format: 'uuid' })
  councilId!: string;

  @ApiProperty({ type: StatisticsPeriodDto })
  period!: StatisticsPeriodDto;

  @ApiProperty({ description: 'Counts below k are suppressed' })
  k!: number;

  @ApiProperty({
    format: 'date-time',
    description: 'When the snapshot was published (a quarter or year: its last month)',
  })
  publishedAt!: string;

  @ApiProperty({ type: [StatisticsCellDto] })
  cells!: StatisticsCellDto[];
}

import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IsCalendarDate } from '../../common/http/validators';
import { DIMENSIONS } from '../statistics-vocabulary';

export class StatisticsQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  councilId!: string;

  @ApiProperty({ format: 'date', example: '2025-04-01', description: 'First day (included)' })
  @IsCalendarDate()
  from!: string;

  @ApiProperty({
    format: 'date',
    example: '2026-03-31',
    description: 'Last day (included); the period must cover at least one calendar month',
  })
  @IsCalendarDate()
  to!: string;
}

export class PeriodDto {
  @ApiProperty({ format: 'date' })
  from!: string;

  @ApiProperty({ format: 'date' })
  to!: string;
}

export class StatisticsCellDto {
  @ApiProperty({
    enum: DIMENSIONS,
    description:
      'cases_opened, cases_closed, cases_open (at the end of the period); concern and age_band ' +
      '(of the cases opened; age at registration); lead_body_kind (of the cases open at the end, ' +
      '"none" without a lead); meetings_by_tier; median_days_to_first_plan (value "days": ' +
      '`count` holds the median number of days from registration to the first support plan)',
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

  @ApiProperty({ type: PeriodDto })
  period!: PeriodDto;

  @ApiProperty({ description: 'Counts below k are suppressed' })
  k!: number;

  @ApiProperty({ type: [StatisticsCellDto] })
  cells!: StatisticsCellDto[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { WORKLIST_KINDS, WorklistKind } from './worklist.repository';

export class WorklistQueryDto {
  @ApiPropertyOptional({
    enum: WORKLIST_KINDS,
    isArray: true,
    description: 'Only these kinds (comma-separated or repeated); counts still cover every kind',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',') : value,
  )
  @IsArray()
  @ArrayMaxSize(WORKLIST_KINDS.length)
  @IsIn(WORKLIST_KINDS, { each: true })
  kind?: WorklistKind[];

  @ApiPropertyOptional({
    description:
      'Items due within this many days from today (in the council’s calendar), overdue ones included',
    default: 14,
    minimum: 0,
    maximum: 365,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(365)
  dueWithin?: number;

  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class WorklistItemDto {
  @ApiProperty({ enum: WORKLIST_KINDS }) kind!: WorklistKind;
  @ApiProperty({
    format: 'uuid',
    description:
      'The record the item is about: consent, case, request, action, item, staff record, meeting or referral',
  })
  refId!: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) caseId!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) caseNumber!: string | null;
  @ApiProperty({
    type: 'string',
    format: 'date',
    nullable: true,
    description: 'In the council’s calendar; null for undated items (pledges, referrals)',
  })
  dueOn!: string | null;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({
    type: 'string',
    enum: ['low', 'medium', 'high', 'urgent'],
    nullable: true,
    description:
      'The case’s current risk level where the caller may read it; null when unassessed, when the item is about no case, or when the caller sees the item but not the case. Orders items due the same day, urgent first.',
  })
  riskLevel!: 'low' | 'medium' | 'high' | 'urgent' | null;
}

/** How many items of each kind are due in the window, before `kind` and `limit`. */
export class WorklistCountsDto {}
for (const kind of WORKLIST_KINDS)
  ApiProperty({ type: 'integer', minimum: 0 })(WorklistCountsDto.prototype, kind);

export class WorklistDto {
  @ApiProperty({
    type: [WorklistItemDto],
    description: 'Overdue first, then by due date, then by case risk (urgent first)',
  })
  items!: WorklistItemDto[];
  @ApiProperty({ type: WorklistCountsDto }) counts!: WorklistCountsDto;
  @ApiProperty({ type: 'string', nullable: true, description: 'Always null: one page' })
  nextCursor!: string | null;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
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

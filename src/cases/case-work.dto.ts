import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../common/http/validators';

export class CreateNoteDto {
  @ApiProperty({ maxLength: 20000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20000)
  body!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The note this one corrects (notes are never edited)',
  })
  @IsOptional()
  @IsUUID()
  correctsNoteId?: string;

  @ApiPropertyOptional({
    description:
      'The note holds 要配慮個人情報 (health, disability, abuse, criminal record…): only bodies with full scope read it. A coordinator can raise it later, never lower it.',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  sensitive?: boolean;
}

export class PlanGoalDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  text!: string;
}

export class PlanActionDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  text!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  memberBodyId!: string;

  @ApiProperty({ format: 'date' })
  @IsCalendarDate()
  dueOn!: string;
}

export class CreatePlanDto {
  @ApiProperty({ type: [PlanGoalDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PlanGoalDto)
  goals!: PlanGoalDto[];

  @ApiProperty({ type: [PlanActionDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PlanActionDto)
  actions!: PlanActionDto[];
}

export class UpdateActionDto {
  @ApiProperty({ enum: ['open', 'in_progress', 'done'] })
  @IsIn(['open', 'in_progress', 'done'])
  status!: 'open' | 'in_progress' | 'done';
}

export class CreateInfoRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  memberBodyId!: string;

  @ApiProperty({ maxLength: 5000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  question!: string;

  @ApiProperty({ format: 'date' })
  @IsCalendarDate()
  dueOn!: string;
}

export class RespondDto {
  @ApiProperty({ maxLength: 20000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20000)
  answer!: string;
}

export class CloseCaseDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The meeting that decided the closure' })
  @IsOptional()
  @IsUUID()
  meetingId?: string;
}

export class ReopenCaseDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class InfoRequestQueryDto {
  @ApiPropertyOptional({ description: 'Only unanswered requests past their due date' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { Action, ACTIONS, SubjectType, SUBJECTS } from '../access/policy-catalog';

export class ExplainQueryDto {
  @ApiProperty({ enum: ACTIONS })
  @IsIn(ACTIONS)
  action!: Action;

  @ApiProperty({ enum: SUBJECTS })
  @IsIn(SUBJECTS)
  subject!: SubjectType;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A specific record: decided on its current facts, exactly as the API would',
  })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The case a new record would belong to (e.g. `create` a `Note`): it must be visible first',
  })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({
    description: 'A field of the record (e.g. `address` of a `Case`): may it be acted on?',
    example: 'address',
  })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @Matches(/^[A-Za-z]+$/)
  field?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Explain for this staff member instead of the caller',
  })
  @IsOptional()
  @IsUUID()
  staffId?: string;
}

export interface Explanation {
  allowed: boolean;
  /** The status the API would answer this person with: 200, 403, 404 or 409. */
  status: number | null;
  ruleId: string | null;
  /**
   * `permitted`, `not_visible` (404), `forbidden` / `no_rule_permits` / a rule's own code such as
   * `own_record` (403), `pledge_required`, `case_closed` (409), `field_not_permitted`,
   * `staff_not_found`, `staff_not_active`.
   */
  reason: string;
  action: Action;
  subject: SubjectType;
  id: string | null;
  field: string | null;
  principal: {
    staffId: string | null;
    role: string;
    memberBodyId: string | null;
    active: boolean;
    pledged: boolean;
  };
}

export class ExplanationPrincipalDto {
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) staffId!: string | null;
  @ApiProperty({ example: 'agency_staff', description: '`unknown` for a staff id not found' })
  role!: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) memberBodyId!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ description: 'Has accepted the council’s current pledge' }) pledged!: boolean;
}

/** The decision and the rule that made it, for the caller or another staff member. */
export class ExplanationDto {
  @ApiProperty() allowed!: boolean;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      'The status the API would answer this person with (200, 403, 404, 409); null when the staff member is not found or not active',
  })
  status!: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'The policy rule that decided' })
  ruleId!: string | null;
  @ApiProperty({
    example: 'permitted',
    description:
      '`permitted`, `not_visible` (404), `forbidden` / `no_rule_permits` / a rule’s own code such as `own_record` (403), `pledge_required`, `case_closed` (409), `field_not_permitted`, `staff_not_found`, `staff_not_active`',
  })
  reason!: string;
  @ApiProperty({ enum: ACTIONS }) action!: string;
  @ApiProperty({ enum: SUBJECTS }) subject!: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) id!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) field!: string | null;
  @ApiProperty({ type: ExplanationPrincipalDto }) principal!: ExplanationPrincipalDto;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONCERNS, GENDERS } from './case.dto';
import { RISK_LEVELS } from './case-intake.dto';

/**
 * What the cases routes answer (issue 16). Which fields appear depends on the caller's
 * policy (field projection, DESIGN.md §4): only `id`, `caseNumber`, `status` and `subject`
 * are always there; restricted and sensitive fields only when a rule grants them (§3.9).
 */
export class CaseSubjectViewDto {
  @ApiPropertyOptional() familyName?: string;
  @ApiPropertyOptional() givenName?: string;
  @ApiPropertyOptional({ type: 'string', nullable: true }) familyNameKana?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) givenNameKana?: string | null;
  @ApiPropertyOptional({ type: 'string', format: 'date', nullable: true }) birthDate?:
    string | null;
  @ApiPropertyOptional({ enum: GENDERS, nullable: true }) gender?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'Restricted field' })
  address?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'Restricted field' })
  phone?: string | null;
}

export class AssignmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) memberBodyId!: string;
  @ApiProperty({ enum: ['lead', 'support'] }) role!: string;
  @ApiProperty({ enum: ['full', 'limited'] }) scope!: string;
  @ApiProperty({ enum: ['consent', 'statutory'] }) basis!: string;
  @ApiProperty({ type: 'string', nullable: true }) basisNote!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) endedAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) endReason!: string | null;
  @ApiProperty({
    description:
      'False when access has lapsed: ended, body left, or its consent withdrawn or expired',
  })
  active!: boolean;
  @ApiProperty({
    type: 'string',
    nullable: true,
    enum: [
      'assignment_ended',
      'member_body_left',
      'consent_withdrawn',
      'consent_expired',
      'statutory_basis_lapsed',
    ],
  })
  accessEndedReason!: string | null;
}

export class ConsentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: [String], format: 'uuid' }) memberBodyIds!: string[];
  @ApiProperty({ enum: ['written', 'verbal'] }) method!: string;
  @ApiProperty({ format: 'date' }) obtainedOn!: string;
  @ApiProperty({ type: 'string', format: 'date', nullable: true }) expiresOn!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) note!: string | null;
  @ApiProperty({ type: 'string', format: 'date', nullable: true }) withdrawnOn!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) withdrawnReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() active!: boolean;
}

export class CaseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2026-0001' }) caseNumber!: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: string;
  @ApiProperty({ type: CaseSubjectViewDto }) subject!: CaseSubjectViewDto;
  @ApiPropertyOptional() summary?: string;
  @ApiPropertyOptional({ enum: CONCERNS, isArray: true }) concerns?: string[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: '要配慮個人情報: coordinators and full-scope bodies only (DESIGN.md §3.9)',
  })
  sensitive?: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: 'string', format: 'date', nullable: true })
  reviewDueOn?: string | null;
  @ApiPropertyOptional({
    type: 'string',
    enum: RISK_LEVELS,
    nullable: true,
    description: 'The latest risk assessment; null until assessed',
  })
  riskLevel?: string | null;
  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true })
  lastContactAt?: string | null;
  @ApiPropertyOptional({ format: 'date-time' }) createdAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) updatedAt?: string;
  @ApiPropertyOptional({ type: [AssignmentDto] }) assignments?: AssignmentDto[];
  @ApiPropertyOptional({ type: [ConsentDto] }) activeConsents?: ConsentDto[];
}

export class CaseRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() caseNumber!: string;
}

export class CreatedCaseDto extends CaseDto {
  @ApiProperty({
    type: [CaseRefDto],
    description: 'Cases that may be the same person (see POST …/cases/match)',
  })
  possibleDuplicates!: CaseRefDto[];
}

const MATCHED_FIELDS = ['caseNumber', 'name', 'kana', 'familyName', 'givenName', 'birthDate'];

/** A case found by search or match: projected like any case, with how well it matched. */
export class ScoredCaseDto extends CaseDto {
  @ApiProperty({ type: 'integer', description: 'Higher is a closer match' }) score!: number;
  @ApiProperty({ enum: MATCHED_FIELDS, isArray: true }) matched!: string[];
}

/** POST …/cases/match: cases that may be the same person, best first. */
export class MatchCandidatesDto {
  @ApiProperty({ type: [ScoredCaseDto] }) candidates!: ScoredCaseDto[];
}

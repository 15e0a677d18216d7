import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * What the auditor's routes answer (issue 16): identifiers, codes and hashes only, never case
 * content (DESIGN.md §3.10). Shapes as built in audit-reports.service.ts and verify-council.ts.
 */

const nullableUuid = (description?: string) =>
  ApiProperty({ type: 'string', format: 'uuid', nullable: true, description });
const nullableString = (description?: string) =>
  ApiProperty({ type: 'string', nullable: true, description });

/** One audit event (`eventView`), as listed and as written to the JSONL export. */
export class AuditEventDto {
  @ApiProperty({ type: 'integer', description: 'Position in the council’s chain' })
  seq!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @nullableUuid('Null for the installation’s own work') actorUserId!: string | null;
  @nullableString() actorRole!: string | null;
  @nullableUuid() memberBodyId!: string | null;
  @ApiProperty({ example: 'case.read' }) action!: string;
  @nullableString() resourceType!: string | null;
  @nullableString('An id, or another key of the resource (e.g. a month)')
  resourceId!: string | null;
  @ApiProperty({ type: [String], nullable: true, description: 'Every record a list disclosed' })
  resourceIds!: string[] | null;
  @nullableUuid() caseId!: string | null;
  @ApiProperty({ enum: ['allowed', 'denied'] }) outcome!: string;
  @nullableString() reason!: string | null;
  @nullableString('The policy rule that decided') ruleId!: string | null;
  @nullableString('consent, statutory, coordinator…') basis!: string | null;
  @nullableString() requestId!: string | null;
  @ApiProperty({
    format: 'date-time',
    description: '`at` exactly as hashed (microseconds, UTC): enough to re-verify the chain',
  })
  atExact!: string;
  @ApiProperty({ description: 'Hex SHA-256 of the previous event' }) prevHash!: string;
  @ApiProperty({ description: 'Hex SHA-256 of this event' }) hash!: string;
}

/** A signed checkpoint of the chain (`checkpointView`). */
export class AuditCheckpointDto {
  @ApiProperty({ format: 'uuid' }) councilId!: string;
  @ApiProperty({ type: 'integer' }) seq!: number;
  @ApiProperty({ description: 'Hex hash of the event at `seq`' }) hash!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'Base64 Ed25519 signature over `{councilId, seq, hash, at}`' })
  signature!: string;
  @ApiProperty({ description: 'PEM (SPKI) of the key that signed it' }) publicKey!: string;
}

export class AuditCheckpointListDto {
  @ApiProperty({ type: [AuditCheckpointDto] }) items!: AuditCheckpointDto[];
  @ApiProperty({ type: 'string', nullable: true, description: 'Always null: one page' })
  nextCursor!: string | null;
  @ApiProperty({ description: 'PEM (SPKI) of this server’s current signing key' })
  publicKey!: string;
}

export class ChainCheckDto {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) firstBrokenSeq!: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'gap, prev_hash, hash or head' })
  problem!: string | null;
}

export class CheckpointCheckDto {
  @ApiProperty({ type: 'integer' }) checked!: number;
  @ApiProperty() valid!: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) firstInvalidSeq!: number | null;
  @ApiProperty({
    type: 'string',
    nullable: true,
    enum: ['hash_mismatch', 'untrusted_signature', 'beyond_chain'],
  })
  problem!: string | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The highest checkpoint below the first failure that holds',
  })
  lastValidSeq!: number | null;
}

export class WitnessCheckDto extends CheckpointCheckDto {
  @ApiProperty({ example: 'AUDIT_WITNESS_DIR' }) source!: string;
  @ApiProperty({ type: 'array', items: { type: 'integer' } }) malformedLines!: number[];
}

/** GET …/audit/verify: the chain, the stored checkpoints and the witness, each checked. */
export class VerificationReportDto {
  @ApiProperty({ description: 'True only if the chain, every checkpoint and the witness hold' })
  valid!: boolean;
  @ApiProperty({ type: 'integer' }) checked!: number;
  @ApiProperty({ type: 'integer' }) lastSeq!: number;
  @ApiProperty({ type: 'integer', nullable: true }) firstBrokenSeq!: number | null;
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'A chain problem (gap, prev_hash, hash, head), or checkpoint / witness',
  })
  problem!: string | null;
  @ApiProperty({ enum: ['chain', 'checkpoints', 'witness'], isArray: true }) failed!: string[];
  @ApiProperty({ type: ChainCheckDto }) chain!: ChainCheckDto;
  @ApiProperty({ type: CheckpointCheckDto }) checkpoints!: CheckpointCheckDto;
  @ApiPropertyOptional({ type: WitnessCheckDto, description: 'When a witness is configured' })
  witness?: WitnessCheckDto;
}

export class AccessReportEntryDto {
  @ApiProperty({ type: 'integer' }) seq!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @nullableUuid() actorUserId!: string | null;
  @nullableString() actorRole!: string | null;
  @nullableUuid() memberBodyId!: string | null;
  @ApiProperty() action!: string;
  @ApiProperty({ enum: ['allowed', 'denied'] }) outcome!: string;
  @nullableString('consent, statutory, coordinator…') basis!: string | null;
  @nullableString() ruleId!: string | null;
  @nullableString() reason!: string | null;
}

/** GET …/audit/access-report: who accessed the case. */
export class AccessReportDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ type: [AccessReportEntryDto] }) items!: AccessReportEntryDto[];
}

export class AnomalyThresholdsDto {
  @ApiProperty({ type: 'integer' }) deniedBurst!: number;
  @ApiProperty({ type: 'integer' }) deniedWindowMinutes!: number;
  @ApiProperty() readFactor!: number;
  @ApiProperty({ type: 'integer' }) readMin!: number;
  @ApiProperty({ example: '08:30-18:00' }) officeHours!: string;
}

export class AnomalyFindingDto {
  @ApiProperty({
    enum: [
      'denied_burst',
      'unusual_read_volume',
      'outside_office_hours',
      'access_after_membership_ended',
      'statutory_disclosure',
      'export',
    ],
  })
  kind!: string;
  @nullableUuid() actorUserId!: string | null;
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiPropertyOptional({ format: 'date', description: 'unusual_read_volume: the day' })
  day?: string;
  @ApiPropertyOptional({ description: 'unusual_read_volume: the person’s usual reads per day' })
  usualPerDay?: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'statutory_disclosure: the case' })
  caseId?: string;
  @ApiProperty({ format: 'date-time' }) firstAt!: string;
  @ApiProperty({ format: 'date-time' }) lastAt!: string;
  @ApiProperty({ type: 'array', items: { type: 'integer' } }) eventSeqs!: number[];
}

/** GET …/audit/anomalies. */
export class AnomalyReportDto {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ type: AnomalyThresholdsDto }) thresholds!: AnomalyThresholdsDto;
  @ApiProperty({ type: [AnomalyFindingDto] }) findings!: AnomalyFindingDto[];
}

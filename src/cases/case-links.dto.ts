import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PLAIN_TEXT } from '../common/http/validators';

const TEXT = { message: 'must not contain control characters' };

export class CreateCaseLinkDto {
  @ApiProperty({ format: 'uuid', description: 'The case that is the same person' })
  @IsUUID()
  otherCaseId!: string;

  @ApiProperty({ maxLength: 2000, description: 'Why the two cases are the same person' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  @Matches(PLAIN_TEXT, TEXT)
  reason!: string;
}

export class UnlinkCaseDto {
  @ApiProperty({ maxLength: 2000, description: 'Why the link was wrong' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  @Matches(PLAIN_TEXT, TEXT)
  reason!: string;
}

export class LinkedCaseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() caseNumber!: string;
}

/** A link between two cases as one of them sees it: the other case, never merged. */
export class CaseLinkDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The case the link is listed on' })
  caseId!: string;
  @ApiProperty({ type: LinkedCaseDto, description: 'The case it is linked to' })
  otherCase!: LinkedCaseDto;
  @ApiProperty({ type: String, nullable: true, description: 'Coordinators only; null otherwise' })
  reason!: string | null;
  @ApiProperty({ format: 'date-time' }) linkedAt!: string;
  @ApiProperty({ format: 'uuid' }) linkedBy!: string;
  @ApiProperty({ enum: ['active', 'undone'] }) state!: 'active' | 'undone';
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) unlinkedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) unlinkedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Coordinators only; null otherwise' })
  unlinkReason!: string | null;
}

export class CaseLinkListDto {
  @ApiProperty({ type: [CaseLinkDto] }) items!: CaseLinkDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ALLOWED_TYPES } from './sniff';

export class UploadQueryDto {
  @ApiProperty({
    maxLength: 200,
    example: '同意書.pdf',
    description: 'The name the file is downloaded under (no path, no control characters)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  @Matches(/^[^\u0000-\u001F\u007F/\\]+$/, {
    message: 'fileName must not contain path separators or control characters',
  })
  fileName!: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Files on a case: 要配慮 (sensitive) — only full scope may read it',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  sensitive?: boolean;
}

export class AttachmentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  fileName!: string;

  @ApiProperty({ enum: ALLOWED_TYPES, description: 'Sniffed from the content' })
  contentType!: string;

  @ApiProperty({ type: 'integer' })
  sizeBytes!: number;

  @ApiProperty({ description: 'SHA-256 of the content, hex' })
  sha256!: string;

  @ApiProperty()
  sensitive!: boolean;

  @ApiProperty({ format: 'date-time' })
  uploadedAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Consent forms: when a coordinator confirmed it (null: unconfirmed)',
  })
  confirmedAt!: string | null;
}

export class AttachmentListDto {
  @ApiProperty({ type: [AttachmentDto] })
  items!: AttachmentDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: null;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { PLAIN_TEXT } from '../../common/http/validators';

export class CreatePlatformClientDto {
  @ApiProperty({ example: '孤独・孤立対策官民連携プラットフォーム 集計連携', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PLAIN_TEXT, { message: 'must not contain control characters' })
  name!: string;
}

export class PlatformClientDto {
  @ApiProperty({ format: 'uuid' })
  clientId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt!: string | null;
}

export class PlatformClientSecretDto extends PlatformClientDto {
  @ApiProperty({ description: 'Shown once; only its argon2id hash is stored' })
  clientSecret!: string;
}

export class PlatformTokenRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  clientId!: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  clientSecret!: string;
}

export class PlatformTokenDto {
  @ApiProperty({ description: 'Accepted only by the platform statistics (and ignored elsewhere)' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires' })
  expiresIn!: number;
}

import { IsBoolean } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';

export class MembershipDto {
  @ApiProperty({ format: 'uuid' }) staffId!: string;
  @ApiProperty({ format: 'uuid' }) councilId!: string;
  @ApiProperty({ format: 'uuid' }) memberBodyId!: string;
  @ApiProperty({ enum: ['coordinator', 'agency_staff', 'auditor'] }) role!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) pledgedAt!: string | null;
  @ApiProperty() active!: boolean;
}

export class MeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty() isSystemAdmin!: boolean;
  @ApiProperty({ description: 'Whether a second factor (TOTP) is enabled' }) mfaEnabled!: boolean;
  @ApiProperty({
    description: 'An operator set the password: change it (POST /me/password) before anything else',
  })
  passwordChangeRequired!: boolean;
  @ApiProperty({
    type: [MembershipDto],
    description: 'Accepted staff records; open invitations are at GET /me/invitations',
  })
  memberships!: MembershipDto[];
}

export class NotificationsDto {
  @ApiProperty({
    description:
      'A daily e-mail with the counts of your worklist per council (never names or case content); true unless turned off',
  })
  @IsBoolean()
  dailyDigest!: boolean;
}

import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsCalendarDate, PLAIN_TEXT } from '../../common/http/validators';
import { MEMBER_BODY_KINDS, MemberBodyKind, STAFF_ROLES, StaffRole } from '../council.types';

const NAME = { message: 'must not contain control characters' };

export class CreateCouncilDto {
  @ApiProperty({ example: '桜ヶ丘市孤独・孤立対策地域協議会', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PLAIN_TEXT, NAME)
  name!: string;

  @ApiProperty({
    type: [String],
    example: ['桜ヶ丘市'],
    description: 'One or more (joint councils, Art. 15(1))',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  @Matches(PLAIN_TEXT, { each: true, ...NAME })
  municipalities!: string[];

  @ApiProperty({ example: '2024-04-01', format: 'date' })
  @IsCalendarDate()
  establishedOn!: string;
}

export class UpdateCouncilDto extends PartialType(CreateCouncilDto) {}

export class CreateMemberBodyDto {
  @ApiProperty({ example: 'NPO法人 つながりの灯', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PLAIN_TEXT, NAME)
  name!: string;

  @ApiProperty({ enum: MEMBER_BODY_KINDS })
  @IsIn(MEMBER_BODY_KINDS)
  kind!: MemberBodyKind;

  @ApiProperty({ example: '2024-04-01', format: 'date' })
  @IsCalendarDate()
  joinedOn!: string;
}

export class UpdateMemberBodyDto extends PartialType(CreateMemberBodyDto) {}

export class LeaveDto {
  @ApiProperty({ example: '2026-03-31', format: 'date' })
  @IsCalendarDate()
  leftOn!: string;
}

export class DesignateCoordinatingBodyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  memberBodyId!: string;
}

export class CreateStaffDto {
  @ApiProperty({ example: 'hanako@example.jp' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: '調整 花子', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PLAIN_TEXT, NAME)
  displayName!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  memberBodyId!: string;

  @ApiProperty({
    enum: STAFF_ROLES,
    description: 'system_admin is not a staff role and cannot be granted here',
  })
  @IsIn(STAFF_ROLES)
  role!: StaffRole;

  @ApiProperty({
    minLength: 12,
    maxLength: 256,
    description: 'Ignored when the e-mail already has a login',
  })
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  initialPassword!: string;
}

export class UpdateStaffDto {
  @ApiPropertyOptional({ enum: STAFF_ROLES })
  @IsOptional()
  @IsIn(STAFF_ROLES)
  role?: StaffRole;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  memberBodyId?: string;
}

export class EndStaffDto {
  @ApiProperty({ example: '2026-11-22', format: 'date' })
  @IsCalendarDate()
  endedOn!: string;
}

export class AcceptPledgeDto {
  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiProperty({ enum: [true] })
  @IsIn([true], { message: 'accepted must be true' })
  accepted!: true;
}

export class PublishPledgeDto {
  @ApiProperty({ maxLength: 20000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20000)
  text!: string;
}

// ---- responses ------------------------------------------------------------------------

export class BodyRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class CouncilDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) municipalities!: string[];
  @ApiProperty({ format: 'date' }) establishedOn!: string;
  @ApiProperty({ type: BodyRefDto, nullable: true }) coordinatingBody!: BodyRefDto | null;
}

export class MemberBodyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: MEMBER_BODY_KINDS }) kind!: MemberBodyKind;
  @ApiProperty({ format: 'date' }) joinedOn!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) leftOn!: string | null;
  @ApiProperty() isCoordinatingBody!: boolean;
}

export class StaffDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ format: 'uuid' }) memberBodyId!: string;
  @ApiProperty({ enum: STAFF_ROLES }) role!: StaffRole;
  @ApiProperty({ format: 'date' }) startedOn!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) endedOn!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) pledgedAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) pledgeVersion!: number | null;
  @ApiProperty() active!: boolean;
}

export class PledgeDto {
  @ApiProperty() version!: number;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the caller accepted this version',
  })
  acceptedAt!: string | null;
}

export class PledgeAcceptanceDto {
  @ApiProperty({ format: 'uuid' }) staffId!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) acceptedAt!: string;
}

export class PublicCouncilDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) municipalities!: string[];
  @ApiProperty({ format: 'date' }) establishedOn!: string;
  @ApiProperty({ type: BodyRefDto, nullable: true }) coordinatingBody!: BodyRefDto | null;
  @ApiProperty({ type: [BodyRefDto] }) memberBodies!: BodyRefDto[];
}

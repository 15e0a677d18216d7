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
} from 'class-validator';
import { IsCalendarDate, PLAIN_TEXT } from '../../common/http/validators';
import { MEMBER_BODY_KINDS, MemberBodyKind, STAFF_ROLES, StaffRole } from '../council.types';
import type { StaffStatus } from '../councils.repository';

const STAFF_STATUSES: StaffStatus[] = [
  'invited',
  'invitation_expired',
  'invitation_revoked',
  'declined',
  'active',
  'ended',
];

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

export class FoundCouncilDto extends CreateCouncilDto {
  @ApiPropertyOptional({
    enum: STAFF_ROLES,
    isArray: true,
    description:
      'Staff roles that need a second factor (TOTP) in this council; default coordinator and auditor',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsIn(STAFF_ROLES, { each: true })
  mfaRequiredRoles?: StaffRole[];
}

export class UpdateCouncilDto extends PartialType(CreateCouncilDto) {}

export class CouncilSecurityDto {
  @ApiProperty({
    enum: STAFF_ROLES,
    isArray: true,
    description:
      'Staff roles that need a second factor: until enrolled, their every route of the council answers 403 MFA_REQUIRED',
  })
  @IsArray()
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsIn(STAFF_ROLES, { each: true })
  mfaRequiredRoles!: StaffRole[];
}

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
  @ApiProperty({ enum: STAFF_ROLES, isArray: true, description: 'Roles that need a second factor' })
  mfaRequiredRoles!: StaffRole[];
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
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null until the invitation is accepted: a pending record names no account',
  })
  userId!: string | null;
  @ApiProperty({ description: 'The account’s once accepted; until then the address invited' })
  email!: string;
  @ApiProperty({ description: 'The account’s once accepted; until then the name invited' })
  displayName!: string;
  @ApiProperty({ format: 'uuid' }) memberBodyId!: string;
  @ApiProperty({ enum: STAFF_ROLES }) role!: StaffRole;
  @ApiProperty({ format: 'date' }) startedOn!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) endedOn!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) pledgedAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) pledgeVersion!: number | null;
  @ApiProperty({ description: 'Accepted and in force (a pending record grants nothing)' })
  active!: boolean;
  @ApiProperty({ enum: STAFF_STATUSES }) status!: StaffStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) acceptedAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['ended', 'member_body_left', 'declined', 'invitation_revoked'],
  })
  endReason!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Once an accepted record has ended: the continuing duty of confidentiality (Art. 18, penalty under Art. 28)',
  })
  continuingDuty!: string | null;
}

export class IssuedInvitationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiPropertyOptional({
    description:
      'Only when mail delivery is not configured (always in the embedded demo): pass it on to the invitee',
  })
  token?: string;
  @ApiPropertyOptional({ description: 'Same condition as token: the link to accept' })
  url?: string;
}

/** The answer to creating a staff record: the same whether or not the address has an account. */
export class CreatedStaffDto extends StaffDto {
  @ApiProperty({ type: IssuedInvitationDto }) invitation!: IssuedInvitationDto;
}

export class MyInvitationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) councilId!: string;
  @ApiProperty() councilName!: string;
  @ApiProperty({ enum: STAFF_ROLES }) role!: StaffRole;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class MyInvitationsDto {
  @ApiProperty({ type: [MyInvitationDto] }) items!: MyInvitationDto[];
}

export class DeclinedInvitationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['declined'] }) status!: 'declined';
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

/** One published version of the public notice (公示): what was published, when, by whom. */
export class PublishedNoticeDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty({ format: 'uuid' }) publishedBy!: string;
  @ApiProperty({ type: PublicCouncilDto, description: 'The notice exactly as published' })
  content!: PublicCouncilDto;
}

export class NoticeHistoryDto {
  @ApiProperty({ type: [PublishedNoticeDto], description: 'Newest first' })
  items!: PublishedNoticeDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: null;
}

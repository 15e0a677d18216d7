import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PLAIN_TEXT } from '../../common/http/validators';

export class LoginDto {
  @ApiProperty({ example: 'coordinator@demo.example', maxLength: 254 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ maxLength: 256 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  refreshToken!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: 256 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  currentPassword!: string;

  /** Length is the policy that matters (NIST SP 800-63B); the cap bounds hashing cost. */
  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  newPassword!: string;
}

export class TokenPairDto {
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Access token lifetime in seconds' }) expiresIn!: number;
  @ApiPropertyOptional({
    enum: [true],
    description:
      'Present when an operator set the password: every route but GET /me, POST /me/password and logout answers 403 PASSWORD_CHANGE_REQUIRED until it is changed',
  })
  passwordChangeRequired?: true;
}

/** The answer to a correct password when the account has a second factor. */
export class MfaChallengeDto {
  @ApiProperty({ enum: [true] }) mfaRequired!: true;
  @ApiProperty({ description: 'Present it with a code at POST /api/auth/mfa' }) mfaToken!: string;
  @ApiProperty({ description: 'Seconds the challenge stays valid' }) expiresIn!: number;
}

/** A TOTP code (6 digits) or a recovery code (xxxxx-xxxxx). */
const CODE = { minLength: 6, maxLength: 32, example: '123456' } as const;

export class MfaLoginDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  mfaToken!: string;

  @ApiProperty({
    ...CODE,
    description: 'A TOTP code, or one of the recovery codes (each works once)',
  })
  @IsString()
  @MinLength(6)
  @MaxLength(32)
  code!: string;
}

export class MfaCodeDto {
  @ApiProperty({ ...CODE, description: 'A current TOTP code (or, to disable, a recovery code)' })
  @IsString()
  @MinLength(6)
  @MaxLength(32)
  code!: string;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'Base32 secret for the authenticator app' }) secret!: string;
  @ApiProperty({ description: 'otpauth:// URI (render as a QR code)' }) otpauthUrl!: string;
}

export class RecoveryCodesDto {
  @ApiProperty({
    type: [String],
    description: 'Ten single-use codes, shown only now: keep them somewhere safe',
  })
  recoveryCodes!: string[];
}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'coordinator@demo.example', maxLength: 254 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  email!: string;
}

export class PasswordResetDto {
  @ApiProperty({ minLength: 20, maxLength: 200 })
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  token!: string;

  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  newPassword!: string;
}

export class AcceptInvitationDto {
  @ApiProperty({ minLength: 20, maxLength: 200, description: 'From the invitation link' })
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  token!: string;

  @ApiProperty({ minLength: 12, maxLength: 256, description: 'The password of the new account' })
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  password!: string;

  @ApiProperty({ example: '社協 太郎', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PLAIN_TEXT, { message: 'must not contain control characters' })
  displayName!: string;
}

/** 202 to a reset request: the same words whether or not the address has an account. */
export class PasswordResetRequestedDto {
  @ApiProperty({ example: 'If the address has an account, a reset link has been sent to it' })
  message!: string;
}

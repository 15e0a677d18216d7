import { SetMetadata } from '@nestjs/common';

export const PASSWORD_CHANGE_EXEMPT = 'auth:passwordChangeExempt';

/**
 * Routes a user whose password an operator set may still use (to change it, to see who they
 * are, to sign out). Every other route answers 403 PASSWORD_CHANGE_REQUIRED until the change.
 */
export const PasswordChangeExempt = (): MethodDecorator & ClassDecorator =>
  SetMetadata(PASSWORD_CHANGE_EXEMPT, true);

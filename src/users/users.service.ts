import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { PasswordHasher } from '../auth/password-hasher';
import { UserEntity } from './user.entity';
import { grantSystemAdmin, OWNER_URL_REQUIRED } from './system-admin';
import { UsersRepository } from './users.repository';

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** A password that satisfies the policy, for the CLI and first logins. */
export const generatePassword = (): string => randomBytes(18).toString('base64url');

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  findByEmail(email: string, em?: EntityManager): Promise<UserEntity | null> {
    return this.users.findByEmail(normalizeEmail(email), em);
  }

  /**
   * Creates the user, or returns the existing one with that e-mail (one login per person).
   * Never an administrator: see `ensureSystemAdmin`.
   */
  async findOrCreate(
    input: { email: string; displayName: string; password: string },
    em?: EntityManager,
  ): Promise<{ user: UserEntity; created: boolean }> {
    const email = normalizeEmail(input.email);
    const existing = await this.users.findByEmail(email, em);
    if (existing) return { user: existing, created: false };
    const passwordHash = await this.hasher.hash(input.password);
    const user = await this.users.insert(
      {
        email,
        displayName: input.displayName.trim(),
        passwordHash,
      },
      em,
    );
    return { user, created: true };
  }

  /**
   * The CLI's way to make the first system admin of an installation (there is no API for it:
   * no one can grant system_admin through the API), and the embedded demo seed's. The user is
   * created (or found) as the application role; the grant itself is made as the owner role
   * (`ownerUrl`), the only one that may write `is_system_admin`.
   * no one can grant system_admin through the API). The password it sets — given or generated —
   * was chosen by the operator, so the first sign-in must change it (nobody chooses another
   * person's password, DESIGN.md §3.11). A user who holds or held a staff record is refused: a
   * system admin never holds one (a database trigger says so too).
   */
  async ensureSystemAdmin(
    email: string,
    password: string | null,
    ownerUrl: string | null,
    displayName = 'System administrator',
    /** An operator chose the password: it must be changed at the first sign-in (issue 13). */
    mustChangePassword = true,
  ): Promise<{ user: UserEntity; created: boolean; password: string | null }> {
    if (!ownerUrl) throw new Error(OWNER_URL_REQUIRED);
    try {
      const existing = await this.users.findByEmail(normalizeEmail(email));
      if (existing) {
        await grantSystemAdmin(ownerUrl, existing.id);
        if (password)
          await this.users.setPassword(
            existing.id,
            await this.hasher.hash(password),
            undefined,
            true,
          );
        return { user: { ...existing, isSystemAdmin: true }, created: false, password };
      }
      const chosen = password ?? generatePassword();
      const user = await this.users.insert({
        email: normalizeEmail(email),
        displayName,
        passwordHash: await this.hasher.hash(chosen),
        mustChangePassword,
      });
      await grantSystemAdmin(ownerUrl, user.id);
      return { user: { ...user, isSystemAdmin: true }, created: true, password: chosen };
    } catch (error) {
      const e = (error as { driverError?: { constraint?: string } }).driverError ?? error;
      if ((e as { constraint?: string }).constraint === 'users_admin_holds_no_staff')
        throw new Error(
          `${email} holds or held a staff record: a system admin never does (DESIGN.md §3.11); use a separate operator account`,
        );
      throw error;
    }
  }
}

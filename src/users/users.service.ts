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
   */
  async ensureSystemAdmin(
    email: string,
    password: string | null,
    ownerUrl: string | null,
    displayName = 'System administrator',
  ): Promise<{ user: UserEntity; created: boolean; password: string | null }> {
    if (!ownerUrl) throw new Error(OWNER_URL_REQUIRED);
    const existing = await this.users.findByEmail(normalizeEmail(email));
    if (existing) {
      if (password) await this.users.setPassword(existing.id, await this.hasher.hash(password));
      await grantSystemAdmin(ownerUrl, existing.id);
      return { user: { ...existing, isSystemAdmin: true }, created: false, password };
    }
    const chosen = password ?? generatePassword();
    const { user } = await this.findOrCreate({ email, displayName, password: chosen });
    await grantSystemAdmin(ownerUrl, user.id);
    return { user: { ...user, isSystemAdmin: true }, created: true, password: chosen };
  }
}

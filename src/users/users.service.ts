import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { PasswordHasher } from '../auth/password-hasher';
import { UserEntity } from './user.entity';
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

  /** Creates the user, or returns the existing one with that e-mail (one login per person). */
  async findOrCreate(
    input: { email: string; displayName: string; password: string; isSystemAdmin?: boolean },
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
        isSystemAdmin: input.isSystemAdmin ?? false,
      },
      em,
    );
    return { user, created: true };
  }

  /**
   * The CLI's way to make the first system admin of an installation (there is no API for it:
   * no one can grant system_admin through the API).
   */
  async ensureSystemAdmin(
    email: string,
    password: string | null,
  ): Promise<{ user: UserEntity; created: boolean; password: string | null }> {
    return this.dataSource.transaction(async (em) => {
      const existing = await this.users.findByEmail(normalizeEmail(email), em);
      if (existing) {
        await this.users.setSystemAdmin(existing.id, true, em);
        if (password)
          await this.users.setPassword(existing.id, await this.hasher.hash(password), em);
        return { user: { ...existing, isSystemAdmin: true }, created: false, password };
      }
      const chosen = password ?? generatePassword();
      const { user } = await this.findOrCreate(
        { email, displayName: 'System administrator', password: chosen, isSystemAdmin: true },
        em,
      );
      return { user, created: true, password: chosen };
    });
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UserEntity } from './user.entity';

export interface UserWithHash extends UserEntity {
  passwordHash: string;
}

/** The only place that queries `users`. Users are global: a person can be staff in several councils. */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /** The person's notification settings (issue 18): the daily digest, on unless turned off. */
  async notifications(id: string): Promise<{ dailyDigest: boolean } | null> {
    const rows = (await this.dataSource.query(
      `SELECT daily_digest AS "dailyDigest" FROM users WHERE id = $1`,
      [id],
    )) as { dailyDigest: boolean }[];
    return rows[0] ?? null;
  }

  async setDailyDigest(id: string, on: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE users SET daily_digest = $2, updated_at = now() WHERE id = $1`,
      [id, on],
    );
  }

  findById(id: string, em?: EntityManager): Promise<UserEntity | null> {
    return this.manager(em).findOne(UserEntity, { where: { id } });
  }

  findByEmail(email: string, em?: EntityManager): Promise<UserEntity | null> {
    return this.manager(em).findOne(UserEntity, { where: { email } });
  }

  async findWithHashByEmail(email: string, em?: EntityManager): Promise<UserWithHash | null> {
    return (await this.manager(em)
      .createQueryBuilder(UserEntity, 'u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email })
      .getOne()) as UserWithHash | null;
  }

  async findWithHashById(id: string, em?: EntityManager): Promise<UserWithHash | null> {
    return (await this.manager(em)
      .createQueryBuilder(UserEntity, 'u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id })
      .getOne()) as UserWithHash | null;
  }

  /**
   * A new user; never an administrator (the application role cannot write is_system_admin:
   * migrations/1763780741000-database-hardening.ts — see src/users/system-admin.ts).
   */
  async insert(
    user: {
      email: string;
      displayName: string;
      passwordHash: string;
      mustChangePassword?: boolean;
    },
    em?: EntityManager,
  ): Promise<UserEntity> {
    const rows = (await this.manager(em).query(
      `INSERT INTO users (email, display_name, password_hash, must_change_password)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [user.email, user.displayName, user.passwordHash, user.mustChangePassword ?? false],
    )) as { id: string }[];
    return (await this.findById(rows[0].id, em)) as UserEntity;
  }

  /**
   * Sets a password the person chose themselves (change, reset, invitation); `operatorSet`
   * marks one an operator chose, which must be changed at the first sign-in.
   */
  async setPassword(
    id: string,
    passwordHash: string,
    em?: EntityManager,
    operatorSet = false,
  ): Promise<void> {
    await this.manager(em).query(
      `UPDATE users SET password_hash = $2, password_changed_at = clock_timestamp(), must_change_password = $3, updated_at = now()
        WHERE id = $1`,
      [id, passwordHash, operatorSet],
    );
  }
}

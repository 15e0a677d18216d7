import { QueryFailedError } from 'typeorm';
import { safeErrorForLog } from './safe-log';

describe('safeErrorForLog', () => {
  const sut = safeErrorForLog;

  it('keeps no statement, parameter, detail or message of a database error', () => {
    const driverError = Object.assign(
      new Error('duplicate key value violates unique constraint "users_email_key"'),
      {
        code: '23505',
        constraint: 'users_email_key',
        table: 'users',
        detail: 'Key (email)=(hanako@example.jp) already exists.',
      },
    );
    const error = new QueryFailedError(
      'INSERT INTO users (email) VALUES ($1)',
      ['hanako@example.jp'],
      driverError,
    );
    const logged = JSON.stringify(sut(error));
    expect(logged).not.toContain('hanako');
    expect(logged).not.toContain('INSERT');
    expect(sut(error)).toMatchObject({
      name: 'QueryFailedError',
      code: '23505',
      constraint: 'users_email_key',
      table: 'users',
    });
  });

  it('keeps the name and stack of an ordinary error', () => {
    const logged = sut(new TypeError('x is undefined'));
    expect(logged.name).toBe('TypeError');
    expect(logged.stack).toContain('x is undefined');
  });
});

import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { StaffRole } from '../../src/councils/council.entity';
import { CouncilsService } from '../../src/councils/councils.service';
import { UsersService } from '../../src/users/users.service';
import { TestApp } from './app';

export const PASSWORD = 'correct horse battery staple';

const unique = (): string => randomBytes(4).toString('hex');

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

/** A user with a unique e-mail, created through the service (hashing and all). */
export async function createUser(
  t: TestApp,
  opts: { isSystemAdmin?: boolean; email?: string } = {},
): Promise<TestUser> {
  const email = opts.email ?? `user-${unique()}@test.example`;
  const { user } = await t.app.get(UsersService).findOrCreate({
    email,
    displayName: `Test ${unique()}`,
    password: PASSWORD,
    isSystemAdmin: opts.isSystemAdmin ?? false,
  });
  return { id: user.id, email, password: PASSWORD };
}

export interface TestCouncil {
  councilId: string;
  memberBodyId: string;
  staff: (TestUser & { staffId: string; role: StaffRole })[];
}

/** A fresh council per test (Novu's UserSession idea): tests never share council state. */
export async function createCouncil(
  t: TestApp,
  roles: StaffRole[] = ['coordinator'],
): Promise<TestCouncil> {
  const councils = t.app.get(CouncilsService);
  const council = await councils.createCouncil({
    name: `Test council ${unique()}`,
    municipalities: ['Testville'],
    establishedOn: '2024-04-01',
  });
  const body = await councils.addMemberBody(council.id, {
    name: `Body ${unique()}`,
    kind: 'npo',
    joinedOn: '2024-04-01',
  });
  const staff: TestCouncil['staff'] = [];
  for (const role of roles) {
    const email = `staff-${unique()}@test.example`;
    const record = await councils.addStaff(council.id, {
      email,
      displayName: `Staff ${unique()}`,
      memberBodyId: body.id,
      role,
      initialPassword: PASSWORD,
    });
    staff.push({ id: record.userId, email, password: PASSWORD, staffId: record.id, role });
  }
  return { councilId: council.id, memberBodyId: body.id, staff };
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export async function login(
  t: TestApp,
  user: { email: string; password: string },
): Promise<Tokens> {
  const res = await request(t.server)
    .post('/api/auth/login')
    .send({ email: user.email, password: user.password });
  if (res.status !== 200)
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Tokens;
}

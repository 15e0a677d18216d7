import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { PrincipalResolver } from '../../src/access/principal-resolver';
import { StaffRole } from '../../src/councils/council.types';
import { CouncilsService } from '../../src/councils/councils.service';
import { MemberBodiesService } from '../../src/councils/member-bodies.service';
import { PledgeService } from '../../src/councils/pledge.service';
import { StaffService } from '../../src/councils/staff.service';
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
  const users = t.app.get(UsersService);
  const displayName = `Test ${unique()}`;
  // An administrator is made by the owner role, as create-admin does (the app role cannot).
  const { user } = opts.isSystemAdmin
    ? await users.ensureSystemAdmin(email, PASSWORD, t.config.database.migrationUrl, displayName)
    : await users.findOrCreate({ email, displayName, password: PASSWORD });
  return { id: user.id, email, password: PASSWORD };
}

export interface TestStaff extends TestUser {
  staffId: string;
  role: StaffRole;
  memberBodyId: string;
}

export interface TestCouncil {
  councilId: string;
  /** The body all the factory's staff belong to (designated coordinating body). */
  memberBodyId: string;
  admin: TestUser;
  staff: TestStaff[];
}

/**
 * A fresh council per test (Novu's UserSession idea), set up through the services exactly as
 * the API would — each step as a principal the access layer resolves like the guard does: a
 * system admin creates it and its first coordinator, who adds the rest. Staff accept the pledge
 * unless `pledge: false`.
 */
export async function createCouncil(
  t: TestApp,
  roles: StaffRole[] = ['coordinator'],
  opts: { pledge?: boolean } = {},
): Promise<TestCouncil> {
  const admin = await createUser(t, { isSystemAdmin: true });
  const principals = t.app.get(PrincipalResolver);
  const council = await t.app
    .get(CouncilsService)
    .create((await principals.outsideCouncils(admin.id, null))!, {
      name: `Test council ${unique()}`,
      municipalities: ['Testville'],
      establishedOn: '2024-04-01',
    });
  const operator = await principals.forCouncil(admin.id, council.id, { asSystemAdmin: true });
  const body = await t.app.get(MemberBodiesService).create(operator, {
    name: `Body ${unique()}`,
    kind: 'municipality',
    joinedOn: '2024-04-01',
  });
  const staffService = t.app.get(StaffService);
  const first = await staffService.create(operator, {
    email: `coordinator-${unique()}@test.example`,
    displayName: 'Coordinator',
    memberBodyId: body.id,
    role: 'coordinator',
    initialPassword: PASSWORD,
  });
  const coordinator = await principals.forCouncil(first.userId, council.id);
  const staff: TestStaff[] = [];
  for (const [i, role] of roles.entries()) {
    const record =
      i === 0 && role === 'coordinator'
        ? first
        : await staffService.create(coordinator, {
            email: `staff-${unique()}@test.example`,
            displayName: `Staff ${unique()}`,
            memberBodyId: body.id,
            role,
            initialPassword: PASSWORD,
          });
    if (opts.pledge ?? true) {
      await t.app
        .get(PledgeService)
        .accept(await principals.forCouncil(record.userId, council.id), 1);
    }
    staff.push({
      id: record.userId,
      email: record.email,
      password: PASSWORD,
      staffId: record.id,
      role,
      memberBodyId: body.id,
    });
  }
  return { councilId: council.id, memberBodyId: body.id, admin, staff };
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

export type Method = 'get' | 'post' | 'put' | 'patch';

/**
 * `as(user, method, path, body?)`: a request as that user, logged in once and remembered. Takes
 * a getter because test files create their app in `beforeAll`.
 */
export function actingAs(app: () => TestApp) {
  const tokens = new Map<string, string>();
  return async (
    user: { email: string; password: string },
    method: Method,
    path: string,
    body?: object,
  ) => {
    const t = app();
    if (!tokens.has(user.email)) tokens.set(user.email, (await login(t, user)).accessToken);
    const req = request(t.server)
      [method](path)
      .set('Authorization', `Bearer ${tokens.get(user.email)}`);
    return body ? req.send(body) : req;
  };
}

/**
 * A new member body of the council (added by its coordinator over HTTP) with one pledged
 * agency staff member, returned as that staff member.
 */
export async function memberBodyWithStaff(
  t: TestApp,
  councilId: string,
  coordinator: { email: string; password: string },
  name = 'Body',
): Promise<TestStaff> {
  const as = actingAs(() => t);
  const base = `/api/councils/${councilId}`;
  const body = await as(coordinator, 'post', `${base}/member-bodies`, {
    name: `${name} ${unique()}`,
    kind: 'npo',
    joinedOn: '2024-04-01',
  });
  if (body.status !== 201) throw new Error(`member body: ${body.status}`);
  const email = `staff-${unique()}@test.example`;
  const staff = await as(coordinator, 'post', `${base}/staff`, {
    email,
    displayName: name,
    memberBodyId: body.body.id,
    role: 'agency_staff',
    initialPassword: PASSWORD,
  });
  if (staff.status !== 201) throw new Error(`staff: ${staff.status}`);
  const member: TestStaff = {
    id: staff.body.userId,
    email,
    password: PASSWORD,
    staffId: staff.body.id,
    role: 'agency_staff',
    memberBodyId: body.body.id,
  };
  const pledge = await as(member, 'post', `${base}/pledge`, { version: 1, accepted: true });
  if (pledge.status !== 201) throw new Error(`pledge: ${pledge.status}`);
  return member;
}

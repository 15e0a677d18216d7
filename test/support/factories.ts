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
import { tokenIn } from './mailbox';

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
    ? await users.ensureSystemAdmin(
        email,
        PASSWORD,
        t.config.database.migrationUrl,
        displayName,
        false,
      )
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

/** What creating a staff record answers (POST …/staff, StaffService.create). */
export interface CreatedStaff {
  id: string;
  email: string;
  invitation: { token?: string; url?: string; expiresAt: string };
}

/**
 * The invitation's token: from the 201 body where mail is not delivered, otherwise from the mail
 * the test app's SMTP server received (test/support/mailbox.ts).
 */
export async function invitationToken(t: TestApp, created: CreatedStaff): Promise<string> {
  if (created.invitation.token) return created.invitation.token;
  if (!t.mailbox) throw new Error('the invitation token was not returned and there is no mailbox');
  return tokenIn(
    await t.mailbox.next(created.email, (m) => m.text.includes(created.invitation.expiresAt)),
  );
}

/**
 * The invitee accepts through the API (POST /api/auth/invitations/accept) with a new account
 * and their own password (issue 13): the one place the factories turn an invitation into a
 * login. Returns the new account's id.
 */
export async function acceptInvitation(
  t: TestApp,
  created: CreatedStaff,
  password = PASSWORD,
): Promise<string> {
  const res = await request(t.server)
    .post('/api/auth/invitations/accept')
    .send({ token: await invitationToken(t, created), password, displayName: `Test ${unique()}` });
  if (res.status !== 200)
    throw new Error(`accepting the invitation: ${res.status} ${JSON.stringify(res.body)}`);
  const me = await request(t.server)
    .get('/api/me')
    .set('Authorization', `Bearer ${res.body.accessToken as string}`);
  return me.body.id as string;
}

/**
 * A fresh council per test (Novu's UserSession idea), set up through the services exactly as
 * the API would — each step as a principal the access layer resolves like the guard does: a
 * system admin creates it and invites its first coordinator, who invites the rest; each invitee
 * accepts with a new account through the API. Staff accept the pledge unless `pledge: false`.
 * No role needs a second factor unless `mfaRequiredRoles` says so; the public notice is
 * published (the council appears on GET /api/public/councils) only with `publishNotice`.
 */
export async function createCouncil(
  t: TestApp,
  roles: StaffRole[] = ['coordinator'],
  opts: { pledge?: boolean; mfaRequiredRoles?: StaffRole[]; publishNotice?: boolean } = {},
): Promise<TestCouncil> {
  const admin = await createUser(t, { isSystemAdmin: true });
  const principals = t.app.get(PrincipalResolver);
  const council = await t.app
    .get(CouncilsService)
    .create((await principals.outsideCouncils(admin.id, null))!, {
      name: `Test council ${unique()}`,
      municipalities: ['Testville'],
      establishedOn: '2024-04-01',
      mfaRequiredRoles: opts.mfaRequiredRoles ?? [],
    });
  const operator = await principals.forCouncil(admin.id, council.id, { asSystemAdmin: true });
  const body = await t.app.get(MemberBodiesService).create(operator, {
    name: `Body ${unique()}`,
    kind: 'municipality',
    joinedOn: '2024-04-01',
  });
  const staffService = t.app.get(StaffService);
  const invitedFirst = await staffService.create(operator, {
    email: `coordinator-${unique()}@test.example`,
    displayName: 'Coordinator',
    memberBodyId: body.id,
    role: 'coordinator',
  });
  const first = { ...invitedFirst, userId: await acceptInvitation(t, invitedFirst) };
  const coordinator = await principals.forCouncil(first.userId, council.id);
  const staff: TestStaff[] = [];
  for (const [i, role] of roles.entries()) {
    let record = first;
    if (!(i === 0 && role === 'coordinator')) {
      const invited = await staffService.create(coordinator, {
        email: `staff-${unique()}@test.example`,
        displayName: `Staff ${unique()}`,
        memberBodyId: body.id,
        role,
      });
      record = { ...invited, userId: await acceptInvitation(t, invited) };
    }
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
  // 公示 is an act (issue 17): on the public register only once the coordinator publishes.
  if (opts.publishNotice) await t.app.get(CouncilsService).publishNotice(coordinator);
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
 * A staff member invited by `inviter` over HTTP (POST …/staff) who accepts with a new account
 * (and, unless `pledge: false`, the pledge): how every suite adds people to a council.
 */
export async function inviteStaff(
  t: TestApp,
  councilId: string,
  inviter: { email: string; password: string },
  input: {
    memberBodyId: string;
    role?: StaffRole;
    email?: string;
    displayName?: string;
    pledge?: boolean;
  },
): Promise<TestStaff> {
  const as = actingAs(() => t);
  const base = `/api/councils/${councilId}`;
  const email = input.email ?? `staff-${unique()}@test.example`;
  const role = input.role ?? 'agency_staff';
  const created = await as(inviter, 'post', `${base}/staff`, {
    email,
    displayName: input.displayName ?? `Staff ${unique()}`,
    memberBodyId: input.memberBodyId,
    role,
  });
  if (created.status !== 201)
    throw new Error(`staff: ${created.status} ${JSON.stringify(created.body)}`);
  const member: TestStaff = {
    id: await acceptInvitation(t, created.body as CreatedStaff),
    email,
    password: PASSWORD,
    staffId: created.body.id as string,
    role,
    memberBodyId: input.memberBodyId,
  };
  if (input.pledge ?? true) {
    const pledge = await as(member, 'post', `${base}/pledge`, { version: 1, accepted: true });
    if (pledge.status !== 201) throw new Error(`pledge: ${pledge.status}`);
  }
  return member;
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
  const body = await as(coordinator, 'post', `/api/councils/${councilId}/member-bodies`, {
    name: `${name} ${unique()}`,
    kind: 'npo',
    joinedOn: '2024-04-01',
  });
  if (body.status !== 201) throw new Error(`member body: ${body.status}`);
  return inviteStaff(t, councilId, coordinator, {
    memberBodyId: body.body.id as string,
    displayName: name,
  });
}

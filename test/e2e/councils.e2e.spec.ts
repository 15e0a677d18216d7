import request from 'supertest';
import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  createUser,
  inviteStaff,
  login,
  TestCouncil,
} from '../support/factories';

describe('councils, member bodies, staff and the pledge (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const as = actingAs(() => t);

  const today = (): string => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10); // Asia/Tokyo

  describe('setting a council up', () => {
    it('lets a system admin create a council with joint municipalities, its first body and its first coordinator', async () => {
      const admin = await createUser(t, { isSystemAdmin: true });
      const created = await as(admin, 'post', '/api/councils', {
        name: '東西市・南北町孤独・孤立対策地域協議会',
        municipalities: ['東西市', '南北町'],
        establishedOn: '2024-06-01',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        municipalities: ['東西市', '南北町'],
        establishedOn: '2024-06-01',
        coordinatingBody: null,
      });
      const councilId = created.body.id as string;

      const body = await as(admin, 'post', `/api/councils/${councilId}/member-bodies`, {
        name: '東西市 福祉課',
        kind: 'municipality',
        joinedOn: '2024-06-01',
      });
      expect(body.status).toBe(201);
      expect(body.body).toEqual({
        id: expect.any(String),
        name: '東西市 福祉課',
        kind: 'municipality',
        joinedOn: '2024-06-01',
        leftOn: null,
        isCoordinatingBody: false,
      });

      const staff = await as(admin, 'post', `/api/councils/${councilId}/staff`, {
        email: 'first-coordinator@test.example',
        displayName: '最初 の調整役',
        memberBodyId: body.body.id,
        role: 'coordinator',
      });
      expect(staff.status).toBe(201);
      expect(staff.body).toMatchObject({
        userId: null,
        memberBodyId: body.body.id,
        role: 'coordinator',
        pledgedAt: null,
        active: false,
        status: 'invited',
        invitation: {
          id: expect.any(String),
          token: expect.any(String),
          url: expect.stringContaining('/invitations/accept?token='),
          expiresAt: expect.any(String),
        },
      });

      // Once the council has been staffed, the operator steps back: coordinators manage it.
      const second = await as(admin, 'post', `/api/councils/${councilId}/staff`, {
        email: 'second@test.example',
        displayName: 'Second',
        memberBodyId: body.body.id,
        role: 'coordinator',
      });
      expect(second.status).toBe(403);
      const moreBodies = await as(admin, 'post', `/api/councils/${councilId}/member-bodies`, {
        name: 'Later body',
        kind: 'npo',
        joinedOn: '2024-06-01',
      });
      expect(moreBodies.status).toBe(403);
    });

    it('refuses council creation by anyone but a system admin', async () => {
      const c = await createCouncil(t);
      const res = await as(c.staff[0], 'post', '/api/councils', {
        name: 'x',
        municipalities: ['y'],
        establishedOn: '2024-04-01',
      });
      expect(res.status).toBe(403);
    });

    it('lets a system admin create only a coordinator as the first staff member', async () => {
      const admin = await createUser(t, { isSystemAdmin: true });
      const council = await as(admin, 'post', '/api/councils', {
        name: `C ${Date.now()}`,
        municipalities: ['m'],
        establishedOn: '2024-04-01',
      });
      const body = await as(admin, 'post', `/api/councils/${council.body.id}/member-bodies`, {
        name: 'B',
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      const res = await as(admin, 'post', `/api/councils/${council.body.id}/staff`, {
        email: 'agency@test.example',
        displayName: 'A',
        memberBodyId: body.body.id,
        role: 'agency_staff',
      });
      expect(res.status).toBe(403);
    });

    it.each([
      [{ name: 'x', municipalities: [], establishedOn: '2024-04-01' }, 'municipalities'],
      [{ name: 'x', municipalities: ['m'], establishedOn: '2024-02-30' }, 'establishedOn'],
      [{ name: '', municipalities: ['m'], establishedOn: '2024-04-01' }, 'name'],
      [{ name: 'x\u0000y', municipalities: ['m'], establishedOn: '2024-04-01' }, 'name'],
    ])(
      'rejects a bad council %j with 400 naming %s and creates nothing',
      async (payload, field) => {
        const admin = await createUser(t, { isSystemAdmin: true });
        const before = await t.db.superuser.query('SELECT count(*)::int AS n FROM councils');
        const res = await as(admin, 'post', '/api/councils', payload);
        expect(res.status).toBe(400);
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
        const after = await t.db.superuser.query('SELECT count(*)::int AS n FROM councils');
        expect(after.rows[0].n).toBe(before.rows[0].n);
      },
    );
  });

  describe('visibility', () => {
    let a: TestCouncil;
    let b: TestCouncil;
    beforeAll(async () => {
      a = await createCouncil(t, ['coordinator', 'agency_staff', 'auditor']);
      b = await createCouncil(t, ['coordinator']);
    });

    it('answers 404, never 403, for a council the caller is not part of', async () => {
      const res = await as(a.staff[0], 'get', `/api/councils/${b.councilId}`);
      expect(res.status).toBe(404);
      const missing = await as(
        a.staff[0],
        'get',
        '/api/councils/00000000-0000-4000-8000-000000000000',
      );
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ ...res.body, requestId: missing.body.requestId });
    });

    it('answers 404 for ids from another council, even for a coordinator', async () => {
      const coordinator = a.staff[0];
      expect(
        (
          await as(
            coordinator,
            'get',
            `/api/councils/${a.councilId}/member-bodies/${b.memberBodyId}`,
          )
        ).status,
      ).toBe(404);
      expect(
        (await as(coordinator, 'get', `/api/councils/${a.councilId}/staff/${b.staff[0].staffId}`))
          .status,
      ).toBe(404);
      expect(
        (
          await as(
            coordinator,
            'post',
            `/api/councils/${a.councilId}/staff/${b.staff[0].staffId}/end`,
            { endedOn: today() },
          )
        ).status,
      ).toBe(404);
      expect(
        (
          await as(coordinator, 'put', `/api/councils/${a.councilId}/coordinating-body`, {
            memberBodyId: b.memberBodyId,
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await as(coordinator, 'post', `/api/councils/${a.councilId}/staff`, {
            email: 'x@test.example',
            displayName: 'X',
            memberBodyId: b.memberBodyId,
            role: 'agency_staff',
          })
        ).status,
      ).toBe(404);
    });

    it('answers 404 for a malformed id rather than a validation error', async () => {
      expect((await as(a.staff[0], 'get', `/api/councils/not-a-uuid`)).status).toBe(404);
      expect(
        (await as(a.staff[0], 'get', `/api/councils/${a.councilId}/member-bodies/42`)).status,
      ).toBe(404);
    });

    it('answers 403 where the council is visible but the role may not act', async () => {
      const agency = a.staff[1];
      expect((await as(agency, 'get', `/api/councils/${a.councilId}`)).status).toBe(200);
      expect((await as(agency, 'get', `/api/councils/${a.councilId}/staff`)).status).toBe(403);
      expect(
        (
          await as(agency, 'post', `/api/councils/${a.councilId}/member-bodies`, {
            name: 'Mine',
            kind: 'npo',
            joinedOn: '2024-04-01',
          })
        ).status,
      ).toBe(403);
      const auditor = a.staff[2];
      expect((await as(auditor, 'get', `/api/councils/${a.councilId}/staff`)).status).toBe(200);
      expect(
        (await as(auditor, 'patch', `/api/councils/${a.councilId}`, { name: 'renamed' })).status,
      ).toBe(403);
    });

    it('lists only the councils the caller belongs to', async () => {
      const res = await as(a.staff[0], 'get', '/api/councils');
      const ids = res.body.items.map((c: { id: string }) => c.id);
      expect(ids).toContain(a.councilId);
      expect(ids).not.toContain(b.councilId);
    });
  });

  describe('member bodies', () => {
    let c: TestCouncil;
    beforeAll(async () => {
      c = await createCouncil(t, ['coordinator']);
    });
    const path = () => `/api/councils/${c.councilId}/member-bodies`;

    it('rejects an unknown kind with 400', async () => {
      const res = await as(c.staff[0], 'post', path(), {
        name: 'Unknown kind',
        kind: 'cult',
        joinedOn: '2024-04-01',
      });
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe('kind');
    });

    it('rejects a duplicate name in the council with 409', async () => {
      expect(
        (
          await as(c.staff[0], 'post', path(), {
            name: 'Same name',
            kind: 'npo',
            joinedOn: '2024-04-01',
          })
        ).status,
      ).toBe(201);
      const dup = await as(c.staff[0], 'post', path(), {
        name: 'Same name',
        kind: 'medical',
        joinedOn: '2024-05-01',
      });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('MEMBER_BODY_NAME_TAKEN');
    });

    it('allows the same name in another council', async () => {
      const other = await createCouncil(t, ['coordinator']);
      expect(
        (
          await as(c.staff[0], 'post', path(), {
            name: 'Shared name',
            kind: 'npo',
            joinedOn: '2024-04-01',
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await as(other.staff[0], 'post', `/api/councils/${other.councilId}/member-bodies`, {
            name: 'Shared name',
            kind: 'npo',
            joinedOn: '2024-04-01',
          })
        ).status,
      ).toBe(201);
    });

    it('edits a body', async () => {
      const body = await as(c.staff[0], 'post', path(), {
        name: 'Old name',
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      const res = await as(c.staff[0], 'patch', `${path()}/${body.body.id}`, {
        name: 'New name',
        kind: 'housing',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'New name', kind: 'housing', joinedOn: '2024-04-01' });
    });

    it('refuses leftOn before joinedOn with 400 and changes nothing', async () => {
      const body = await as(c.staff[0], 'post', path(), {
        name: 'Early leaver',
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      const res = await as(c.staff[0], 'post', `${path()}/${body.body.id}/leave`, {
        leftOn: '2024-03-31',
      });
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe('leftOn');
      const after = await as(c.staff[0], 'get', `${path()}/${body.body.id}`);
      expect(after.body.leftOn).toBeNull();
    });

    it('keeps a body that left on record, ends its staff at once, and drops it from the default list', async () => {
      const body = await as(c.staff[0], 'post', path(), {
        name: 'Leaving NPO',
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      const worker = await inviteStaff(t, c.councilId, c.staff[0], {
        memberBodyId: body.body.id as string,
        email: `leaver-${Date.now()}@test.example`,
        displayName: 'Leaver',
        pledge: false,
      });
      const tokens = await login(t, worker);
      await request(t.server)
        .get(`/api/councils/${c.councilId}`)
        .set('Authorization', `Bearer ${tokens.accessToken}`)
        .expect(200);

      const left = await as(c.staff[0], 'post', `${path()}/${body.body.id}/leave`, {
        leftOn: today(),
      });
      expect(left.status).toBe(200);
      expect(left.body.leftOn).toBe(today());

      // The live token of its staff no longer opens anything in the council.
      const after = await request(t.server)
        .get(`/api/councils/${c.councilId}`)
        .set('Authorization', `Bearer ${tokens.accessToken}`);
      expect(after.status).toBe(401); // sessions revoked on leaving
      const staff = await as(
        c.staff[0],
        'get',
        `/api/councils/${c.councilId}/staff/${worker.staffId}`,
      );
      expect(staff.body).toMatchObject({
        active: false,
        endedOn: today(),
        status: 'ended',
        endReason: 'member_body_left',
        continuingDuty: expect.stringContaining('第18条'),
      });
      const active = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM staff WHERE member_body_id = $1 AND (ended_on IS NULL OR ended_on > current_date)`,
        [body.body.id],
      );
      expect(active.rows[0].n).toBe(0);

      const list = await as(c.staff[0], 'get', path());
      expect(list.body.items.map((b: { id: string }) => b.id)).not.toContain(body.body.id);
      const all = await as(c.staff[0], 'get', `${path()}?includeLeft=true`);
      expect(all.body.items.map((b: { id: string }) => b.id)).toContain(body.body.id);

      const again = await as(c.staff[0], 'post', `${path()}/${body.body.id}/leave`, {
        leftOn: today(),
      });
      expect(again.status).toBe(409);
      const addToLeft = await as(c.staff[0], 'post', `/api/councils/${c.councilId}/staff`, {
        email: 'late@test.example',
        displayName: 'Late',
        memberBodyId: body.body.id,
        role: 'agency_staff',
      });
      expect(addToLeft.status).toBe(422);
    });

    it('pages through the list with a cursor', async () => {
      const p = await createCouncil(t, ['coordinator']);
      for (let i = 0; i < 4; i++) {
        await as(p.staff[0], 'post', `/api/councils/${p.councilId}/member-bodies`, {
          name: `Paged ${i}`,
          kind: 'npo',
          joinedOn: '2024-04-01',
        });
      }
      const first = await as(
        p.staff[0],
        'get',
        `/api/councils/${p.councilId}/member-bodies?limit=3`,
      );
      expect(first.body.items).toHaveLength(3);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await as(
        p.staff[0],
        'get',
        `/api/councils/${p.councilId}/member-bodies?limit=3&cursor=${first.body.nextCursor}`,
      );
      expect(second.body.items).toHaveLength(2); // 4 + the factory's body
      expect(second.body.nextCursor).toBeNull();
      const bad = await as(
        p.staff[0],
        'get',
        `/api/councils/${p.councilId}/member-bodies?cursor=garbage`,
      );
      expect(bad.status).toBe(400);
      expect(
        (await as(p.staff[0], 'get', `/api/councils/${p.councilId}/member-bodies?limit=500`))
          .status,
      ).toBe(400);
    });
  });

  describe('the coordinating body', () => {
    it('keeps exactly one: a second designation replaces the first, and the history is kept', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const path = `/api/councils/${c.councilId}`;
      const first = await as(c.staff[0], 'post', `${path}/member-bodies`, {
        name: 'First',
        kind: 'municipality',
        joinedOn: '2024-04-01',
      });
      const second = await as(c.staff[0], 'post', `${path}/member-bodies`, {
        name: 'Second',
        kind: 'social_welfare_council',
        joinedOn: '2024-04-01',
      });
      const one = await as(c.staff[0], 'put', `${path}/coordinating-body`, {
        memberBodyId: first.body.id,
      });
      expect(one.status).toBe(200);
      expect(one.body.coordinatingBody).toEqual({ id: first.body.id, name: 'First' });
      const two = await as(c.staff[0], 'put', `${path}/coordinating-body`, {
        memberBodyId: second.body.id,
      });
      expect(two.body.coordinatingBody).toEqual({ id: second.body.id, name: 'Second' });

      const current = await t.db.superuser.query(
        `SELECT member_body_id FROM coordinating_body_designations WHERE council_id = $1 AND ended_at IS NULL`,
        [c.councilId],
      );
      expect(current.rows).toEqual([{ member_body_id: second.body.id }]);
      const history = await t.db.superuser.query(
        `SELECT member_body_id, end_reason FROM coordinating_body_designations WHERE council_id = $1 ORDER BY designated_at`,
        [c.councilId],
      );
      expect(history.rows).toEqual([
        { member_body_id: first.body.id, end_reason: 'replaced' },
        { member_body_id: second.body.id, end_reason: null },
      ]);
    });

    it('is enforced by the database too: a second current designation cannot be inserted', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const body = await as(c.staff[0], 'post', `/api/councils/${c.councilId}/member-bodies`, {
        name: 'Another',
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      expect(
        (
          await as(c.staff[0], 'put', `/api/councils/${c.councilId}/coordinating-body`, {
            memberBodyId: c.memberBodyId,
          })
        ).status,
      ).toBe(200);
      await expect(
        t.db.superuser.query(
          `INSERT INTO coordinating_body_designations (council_id, member_body_id, designated_by) VALUES ($1, $2, $3)`,
          [c.councilId, body.body.id, c.staff[0].id],
        ),
      ).rejects.toThrow(/coordinating_body_one_current/);
    });

    it('refuses a body that has left with 422', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const body = await as(c.staff[0], 'post', `/api/councils/${c.councilId}/member-bodies`, {
        name: 'Gone',
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      expect(
        (
          await as(
            c.staff[0],
            'post',
            `/api/councils/${c.councilId}/member-bodies/${body.body.id}/leave`,
            { leftOn: today() },
          )
        ).status,
      ).toBe(200);
      const res = await as(c.staff[0], 'put', `/api/councils/${c.councilId}/coordinating-body`, {
        memberBodyId: body.body.id,
      });
      expect(res.status).toBe(422);
    });
  });

  describe('staff', () => {
    let c: TestCouncil;
    beforeAll(async () => {
      c = await createCouncil(t, ['coordinator', 'coordinator', 'agency_staff']);
    });
    const path = () => `/api/councils/${c.councilId}/staff`;

    it('links an existing login only when its owner accepts, signed in, and leaves its password alone', async () => {
      const other = await createCouncil(t, ['coordinator', 'agency_staff']);
      const person = other.staff[1];
      const res = await as(c.staff[0], 'post', path(), {
        email: person.email.toUpperCase(),
        displayName: 'Someone else entirely',
        memberBodyId: c.memberBodyId,
        role: 'agency_staff',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ userId: null, active: false, status: 'invited' });
      const mine = await as(person, 'get', '/api/me/invitations');
      const invitation = mine.body.items.find(
        (i: { councilId: string }) => i.councilId === c.councilId,
      );
      expect(invitation).toMatchObject({ role: 'agency_staff', id: res.body.invitation.id });
      const accepted = await as(person, 'post', `/api/me/invitations/${invitation.id}/accept`);
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ councilId: c.councilId, staffId: res.body.id });
      await login(t, person); // the original password still works
      const me = await as(person, 'get', '/api/me');
      expect(me.body.memberships.map((m: { councilId: string }) => m.councilId).sort()).toEqual(
        [c.councilId, other.councilId].sort(),
      );
      const record = await as(c.staff[0], 'get', `${path()}/${res.body.id}`);
      expect(record.body).toMatchObject({ userId: person.id, active: true, status: 'active' });
    });

    it('refuses a second open invitation to the same address with 409', async () => {
      const email = `twice-${Date.now()}@test.example`;
      const first = await as(c.staff[0], 'post', path(), {
        email,
        displayName: 'Once',
        memberBodyId: c.memberBodyId,
        role: 'auditor',
      });
      expect(first.status).toBe(201);
      const res = await as(c.staff[0], 'post', path(), {
        email: email.toUpperCase(),
        displayName: 'Twice',
        memberBodyId: c.memberBodyId,
        role: 'auditor',
      });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('INVITATION_PENDING');
    });

    it('refuses a second current record for the same person with 409 when they accept', async () => {
      const res = await as(c.staff[0], 'post', path(), {
        email: c.staff[2].email,
        displayName: 'Dup',
        memberBodyId: c.memberBodyId,
        role: 'auditor',
      });
      expect(res.status).toBe(201);
      const accepted = await as(
        c.staff[2],
        'post',
        `/api/me/invitations/${res.body.invitation.id}/accept`,
      );
      expect(accepted.status).toBe(409);
      expect(accepted.body.code).toBe('STAFF_EXISTS');
    });

    it('cannot grant system_admin: it is not a staff role', async () => {
      const res = await as(c.staff[0], 'post', path(), {
        email: 'root@test.example',
        displayName: 'Root',
        memberBodyId: c.memberBodyId,
        role: 'system_admin',
      });
      expect(res.status).toBe(400);
      const patch = await as(c.staff[0], 'patch', `${path()}/${c.staff[2].staffId}`, {
        role: 'system_admin',
      });
      expect(patch.status).toBe(400);
      const sneaky = await as(c.staff[0], 'patch', `${path()}/${c.staff[2].staffId}`, {
        isSystemAdmin: true,
      });
      expect(sneaky.status).toBe(400);
    });

    it('lets no one change their own role', async () => {
      const res = await as(c.staff[0], 'patch', `${path()}/${c.staff[0].staffId}`, {
        role: 'auditor',
      });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('OWN_RECORD');
    });

    it('lets a coordinator change another person’s role', async () => {
      const res = await as(c.staff[0], 'patch', `${path()}/${c.staff[1].staffId}`, {
        role: 'auditor',
      });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe('auditor');
    });

    it('ends a staff record: a live token loses access on the next request, and the record stays', async () => {
      const e = await createCouncil(t, ['coordinator', 'agency_staff']);
      const worker = e.staff[1];
      const tokens = await login(t, worker);
      const councilPath = `/api/councils/${e.councilId}`;
      await request(t.server)
        .get(`${councilPath}/cases`)
        .set('Authorization', `Bearer ${tokens.accessToken}`)
        .expect(200);

      const ended = await as(e.staff[0], 'post', `${councilPath}/staff/${worker.staffId}/end`, {
        endedOn: today(),
      });
      expect(ended.status).toBe(200);
      expect(ended.body).toMatchObject({ active: false, endedOn: today(), endReason: 'ended' });

      const next = await request(t.server)
        .get(`${councilPath}/cases`)
        .set('Authorization', `Bearer ${tokens.accessToken}`);
      expect([401, 403, 404]).toContain(next.status);
      // Even with a fresh login the council is gone for them.
      const fresh = await login(t, worker);
      const again = await request(t.server)
        .get(`${councilPath}/cases`)
        .set('Authorization', `Bearer ${fresh.accessToken}`);
      expect(again.status).toBe(404);

      const former = await as(e.staff[0], 'get', `${councilPath}/staff?active=false`);
      expect(former.body.items.map((s: { id: string }) => s.id)).toContain(worker.staffId);
      const row = await t.db.superuser.query('SELECT ended_on::text FROM staff WHERE id = $1', [
        worker.staffId,
      ]);
      expect(row.rows).toEqual([{ ended_on: today() }]);
      expect(
        (
          await as(e.staff[0], 'post', `${councilPath}/staff/${worker.staffId}/end`, {
            endedOn: today(),
          })
        ).status,
      ).toBe(409);
    });

    it('refuses an end date before the record started with 400', async () => {
      const res = await as(c.staff[0], 'post', `${path()}/${c.staff[2].staffId}/end`, {
        endedOn: '2000-01-01',
      });
      expect(res.status).toBe(400);
    });
  });

  describe('the confidentiality pledge', () => {
    it('answers case endpoints 403 PLEDGE_REQUIRED until the caller accepts the current version', async () => {
      const c = await createCouncil(t, ['coordinator', 'agency_staff'], { pledge: false });
      const worker = c.staff[1];
      const cases = `/api/councils/${c.councilId}/cases`;
      const blocked = await as(worker, 'get', cases);
      expect(blocked.status).toBe(403);
      expect(blocked.body.code).toBe('PLEDGE_REQUIRED');

      const pledge = await as(worker, 'get', `/api/councils/${c.councilId}/pledge`);
      expect(pledge.status).toBe(200);
      expect(pledge.body).toMatchObject({
        version: 1,
        text: expect.stringContaining('第18条'),
        acceptedAt: null,
      });

      expect(
        (
          await as(worker, 'post', `/api/councils/${c.councilId}/pledge`, {
            version: 1,
            accepted: false,
          })
        ).status,
      ).toBe(400);
      const accepted = await as(worker, 'post', `/api/councils/${c.councilId}/pledge`, {
        version: 1,
        accepted: true,
      });
      expect(accepted.status).toBe(201);
      expect(accepted.body).toMatchObject({ staffId: worker.staffId, version: 1 });
      expect((await as(worker, 'get', cases)).status).toBe(200);

      const me = await as(worker, 'get', '/api/me');
      expect(me.body.memberships[0].pledgedAt).toEqual(expect.any(String));
    });

    it('requires everyone to accept again when a new version is published', async () => {
      const c = await createCouncil(t, ['coordinator', 'agency_staff']);
      const [coordinator, worker] = c.staff;
      const cases = `/api/councils/${c.councilId}/cases`;
      expect((await as(worker, 'get', cases)).status).toBe(200);
      const published = await as(coordinator, 'put', `/api/councils/${c.councilId}/pledge`, {
        text: '改訂版の誓約文 / revised pledge',
      });
      expect(published.status).toBe(200);
      expect(published.body.version).toBe(2);

      expect((await as(worker, 'get', cases)).body.code).toBe('PLEDGE_REQUIRED');
      expect((await as(coordinator, 'get', cases)).body.code).toBe('PLEDGE_REQUIRED');
      const stale = await as(worker, 'post', `/api/councils/${c.councilId}/pledge`, {
        version: 1,
        accepted: true,
      });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('PLEDGE_VERSION_OUTDATED');
      expect(
        (
          await as(worker, 'post', `/api/councils/${c.councilId}/pledge`, {
            version: 2,
            accepted: true,
          })
        ).status,
      ).toBe(201);
      expect((await as(worker, 'get', cases)).status).toBe(200);
    });

    it('keeps every acceptance as an append-only record', async () => {
      const c = await createCouncil(t, ['coordinator']);
      await expect(
        t.db.superuser.query(`DELETE FROM pledge_acceptances WHERE council_id = $1`, [c.councilId]),
      ).rejects.toThrow(/append-only/);
    });

    it('does not let a system admin reach case endpoints', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const res = await as(c.admin, 'get', `/api/councils/${c.councilId}/cases`);
      expect(res.status).toBe(403);
    });
  });

  describe('refusals inside structure use cases are recorded (issue 12)', () => {
    /** The denied events of a council with this action, oldest first. */
    const denied = async (councilId: string, action: string) =>
      (
        await t.db.superuser.query(
          `SELECT actor_user_id, actor_role, resource_id, reason, rule_id FROM audit_events
            WHERE council_id = $1 AND action = $2 AND outcome = 'denied' ORDER BY seq`,
          [councilId, action],
        )
      ).rows;

    it('refuses one’s own staff record by the policy rule and records the denial with that rule', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const me = c.staff[0];
      const res = await as(me, 'patch', `/api/councils/${c.councilId}/staff/${me.staffId}`, {
        memberBodyId: c.memberBodyId,
      });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('OWN_RECORD');
      expect(await denied(c.councilId, 'staff.update')).toEqual([
        {
          actor_user_id: me.id,
          actor_role: 'coordinator',
          resource_id: me.staffId,
          reason: 'own_record',
          rule_id: 'coordinator.staff.not-self',
        },
      ]);
    });

    it('records a system admin’s refused bootstrap steps once the council has a coordinator', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const base = `/api/councils/${c.councilId}`;
      const body = await as(c.admin, 'post', `${base}/member-bodies`, {
        name: 'Too late',
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      expect(body.status).toBe(403);
      const second = await as(c.admin, 'post', `${base}/staff`, {
        email: `second-${Date.now()}@test.example`,
        displayName: 'Second',
        memberBodyId: c.memberBodyId,
        role: 'coordinator',
      });
      expect(second.status).toBe(403);
      for (const action of ['member_body.create', 'staff.create'])
        expect(await denied(c.councilId, action)).toEqual([
          expect.objectContaining({
            actor_user_id: c.admin.id,
            actor_role: 'system_admin',
            reason: 'forbidden',
          }),
        ]);
      const { rows } = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM member_bodies WHERE council_id = $1 AND name = 'Too late'`,
        [c.councilId],
      );
      expect(rows[0].n).toBe(0);
    });

    it('records a system admin’s refused first staff member who is not a coordinator', async () => {
      const admin = await createUser(t, { isSystemAdmin: true });
      const council = await as(admin, 'post', '/api/councils', {
        name: `Bootstrap ${Date.now()}`,
        municipalities: ['m'],
        establishedOn: '2024-04-01',
      });
      const councilId = council.body.id as string;
      const body = await as(admin, 'post', `/api/councils/${councilId}/member-bodies`, {
        name: 'B',
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      const res = await as(admin, 'post', `/api/councils/${councilId}/staff`, {
        email: `agency-${Date.now()}@test.example`,
        displayName: 'A',
        memberBodyId: body.body.id,
        role: 'agency_staff',
      });
      expect(res.status).toBe(403);
      expect(await denied(councilId, 'staff.create')).toEqual([
        expect.objectContaining({ actor_role: 'system_admin', reason: 'forbidden' }),
      ]);
      // Founding the council went through the system admin's policy, and says which rule.
      const created = await t.db.superuser.query(
        `SELECT actor_role, rule_id, reason FROM audit_events WHERE council_id = $1 AND action = 'council.create'`,
        [councilId],
      );
      expect(created.rows).toEqual([
        {
          actor_role: 'system_admin',
          rule_id: 'system-admin.council.create',
          reason: 'pledge_version=1',
        },
      ]);
    });

    it('records a 404 for a member body of another council named in a use case', async () => {
      const a = await createCouncil(t, ['coordinator']);
      const b = await createCouncil(t, ['coordinator']);
      const res = await as(a.staff[0], 'put', `/api/councils/${a.councilId}/coordinating-body`, {
        memberBodyId: b.memberBodyId,
      });
      expect(res.status).toBe(404);
      expect(await denied(a.councilId, 'council.designate')).toEqual([
        expect.objectContaining({ resource_id: b.memberBodyId, reason: 'not_visible' }),
      ]);
    });
  });

  describe('a member body leaving ends its assignments case by case', () => {
    let c: TestCouncil;
    beforeAll(async () => {
      c = await createCouncil(t, ['coordinator', 'auditor']);
    });
    const base = () => `/api/councils/${c.councilId}`;

    async function bodyAssignedTo(n: number): Promise<{ bodyId: string; caseIds: string[] }> {
      const body = await as(c.staff[0], 'post', `${base()}/member-bodies`, {
        name: `Assigned ${Date.now()}-${n}`,
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      const caseIds: string[] = [];
      for (let i = 0; i < n; i++) {
        const created = await as(c.staff[0], 'post', `${base()}/cases`, {
          subject: { familyName: '退会', givenName: `${i}` },
          summary: 's',
          concerns: ['isolation'],
        });
        const assigned = await as(
          c.staff[0],
          'post',
          `${base()}/cases/${created.body.id}/assignments`,
          {
            memberBodyId: body.body.id,
            role: 'lead',
            scope: 'full',
            basis: 'statutory',
            basisNote: '法令に基づく共有',
          },
        );
        expect(assigned.status).toBe(201);
        caseIds.push(created.body.id as string);
      }
      return { bodyId: body.body.id as string, caseIds };
    }

    it('writes one assignment.end per case, with the case, the body and member_body_left', async () => {
      const { bodyId, caseIds } = await bodyAssignedTo(2);
      const left = await as(c.staff[0], 'post', `${base()}/member-bodies/${bodyId}/leave`, {
        leftOn: today(),
      });
      expect(left.status).toBe(200);
      const ended = await t.db.superuser.query(
        `SELECT id, case_id FROM case_assignments WHERE member_body_id = $1 AND end_reason = 'member_body_left'`,
        [bodyId],
      );
      expect(ended.rows).toHaveLength(2);
      const events = await t.db.superuser.query(
        `SELECT resource_type, resource_id, resource_ids, case_id, reason, outcome, actor_user_id
           FROM audit_events WHERE council_id = $1 AND action = 'assignment.end' AND $2 = ANY(resource_ids)
          ORDER BY case_id`,
        [c.councilId, bodyId],
      );
      expect(events.rows).toEqual(
        ended.rows
          .sort((x, y) => (x.case_id < y.case_id ? -1 : 1))
          .map((a: { id: string; case_id: string }) => ({
            resource_type: 'assignment',
            resource_id: a.id,
            resource_ids: [bodyId],
            case_id: a.case_id,
            reason: 'member_body_left',
            outcome: 'allowed',
            actor_user_id: c.staff[0].id,
          })),
      );
      // So each case's access report shows it.
      const report = await as(
        c.staff[1],
        'get',
        `${base()}/audit/access-report?caseId=${caseIds[0]}`,
      );
      expect(report.body.items.map((e: { action: string }) => e.action)).toContain(
        'assignment.end',
      );
      const leave = await t.db.superuser.query(
        `SELECT reason FROM audit_events WHERE council_id = $1 AND action = 'member_body.leave' AND resource_id = $2`,
        [c.councilId, bodyId],
      );
      expect(leave.rows).toEqual([{ reason: 'staff_ended=0' }]);
    });

    it('leaves assignments open for a later date, and ends one (recorded) when a new lead is named after it', async () => {
      const { bodyId, caseIds } = await bodyAssignedTo(1);
      const tomorrow = new Date(Date.now() + 9 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
      expect(
        (
          await as(c.staff[0], 'post', `${base()}/member-bodies/${bodyId}/leave`, {
            leftOn: tomorrow,
          })
        ).status,
      ).toBe(200);
      const open = await t.db.superuser.query(
        `SELECT count(*)::int AS n FROM case_assignments WHERE member_body_id = $1 AND ended_at IS NULL`,
        [bodyId],
      );
      expect(open.rows[0].n).toBe(1);
      // The date passes (the body's staff records end with it, as leaving set them).
      await t.db.superuser.query(`UPDATE member_bodies SET left_on = $2::date - 2 WHERE id = $1`, [
        bodyId,
        today(),
      ]);
      const next = await as(c.staff[0], 'post', `${base()}/member-bodies`, {
        name: `Successor ${Date.now()}`,
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      const lead = await as(c.staff[0], 'post', `${base()}/cases/${caseIds[0]}/assignments`, {
        memberBodyId: next.body.id,
        role: 'lead',
        scope: 'full',
        basis: 'statutory',
        basisNote: '後任',
      });
      expect(lead.status).toBe(201);
      const events = await t.db.superuser.query(
        `SELECT case_id, reason FROM audit_events
          WHERE council_id = $1 AND action = 'assignment.end' AND $2 = ANY(resource_ids)`,
        [c.councilId, bodyId],
      );
      expect(events.rows).toEqual([{ case_id: caseIds[0], reason: 'member_body_left' }]);
    });
  });

  describe('the public notice (公示)', () => {
    it('lists each council with exactly the allowed fields, current member bodies only, without a token', async () => {
      const c = await createCouncil(t, ['coordinator']);
      const coordinator = c.staff[0];
      const councilPath = `/api/councils/${c.councilId}`;
      expect(
        (
          await as(coordinator, 'put', `${councilPath}/coordinating-body`, {
            memberBodyId: c.memberBodyId,
          })
        ).status,
      ).toBe(200);
      const npo = await as(coordinator, 'post', `${councilPath}/member-bodies`, {
        name: 'Current NPO',
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      const gone = await as(coordinator, 'post', `${councilPath}/member-bodies`, {
        name: 'Former NPO',
        kind: 'npo',
        joinedOn: '2024-04-01',
      });
      expect(
        (
          await as(coordinator, 'post', `${councilPath}/member-bodies/${gone.body.id}/leave`, {
            leftOn: today(),
          })
        ).status,
      ).toBe(200);
      expect((await as(coordinator, 'post', `${councilPath}/public-notice/publish`)).status).toBe(
        201,
      );

      const res = await request(t.server).get('/api/public/councils?limit=200');
      expect(res.status).toBe(200);
      const entry = res.body.items.find((i: { id: string }) => i.id === c.councilId);
      expect(Object.keys(entry).sort()).toEqual([
        'coordinatingBody',
        'establishedOn',
        'id',
        'memberBodies',
        'municipalities',
        'name',
      ]);
      expect(Object.keys(entry.coordinatingBody).sort()).toEqual(['id', 'name']);
      for (const body of entry.memberBodies)
        expect(Object.keys(body).sort()).toEqual(['id', 'name']);
      const names = entry.memberBodies.map((b: { name: string }) => b.name);
      expect(names).toContain('Current NPO');
      expect(names).not.toContain('Former NPO');
      expect(entry.memberBodies.map((b: { id: string }) => b.id)).toContain(npo.body.id);
      expect(JSON.stringify(res.body)).not.toContain(coordinator.email);
    });
  });
});

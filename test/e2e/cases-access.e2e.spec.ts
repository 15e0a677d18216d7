import { SESSION_OPTIONS } from '../support/database';
import request from '../support/http';
import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  inviteStaff,
  login,
  TestCouncil,
  TestStaff,
} from '../support/factories';

/** Need to know, no existence leaks, field projection, audit on every access (DESIGN.md §3.1–3.5). */
describe('cases through the access layer (e2e)', () => {
  let t: TestApp;
  let a: TestCouncil;
  let b: TestCouncil;
  let coordinator: TestStaff;
  let agency: TestStaff;
  let auditor: TestStaff;
  let otherAgency: TestStaff;
  let otherBodyId: string;

  const as = actingAs(() => t);
  const casesPath = () => `/api/councils/${a.councilId}/cases`;
  const today = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);

  async function newCase(extra: object = {}): Promise<string> {
    const res = await as(coordinator, 'post', casesPath(), {
      subject: {
        familyName: '山田',
        givenName: '花子',
        familyNameKana: 'やまだ',
        givenNameKana: 'はなこ',
        birthDate: '1950-05-05',
        address: '桜ヶ丘1-2-3',
        phone: '090-0000-0000',
      },
      summary: '一人暮らし。近所付き合いがない。',
      concerns: ['isolation', 'health'],
      sensitive: { health: '通院中' },
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  async function consentFor(caseId: string, bodyId: string): Promise<string> {
    const res = await as(coordinator, 'post', `${casesPath()}/${caseId}/consents`, {
      memberBodyIds: [bodyId],
      method: 'written',
      obtainedOn: today(),
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  async function assign(
    caseId: string,
    bodyId: string,
    scope: 'full' | 'limited',
    basis: 'consent' | 'statutory' = 'consent',
  ) {
    return as(coordinator, 'post', `${casesPath()}/${caseId}/assignments`, {
      memberBodyId: bodyId,
      role: 'support',
      scope,
      basis,
      ...(basis === 'statutory' ? { basisNote: '児童福祉法第25条' } : {}),
    });
  }
  async function events(
    action: string,
    caseId?: string,
  ): Promise<
    {
      outcome: string;
      actor_user_id: string;
      resource_ids: string[] | null;
      rule_id: string | null;
      basis: string | null;
    }[]
  > {
    const { rows } = await t.db.superuser.query(
      `SELECT outcome, actor_user_id, resource_ids, rule_id, basis FROM audit_events
        WHERE council_id = $1 AND action = $2 AND ($3::uuid IS NULL OR case_id = $3 OR resource_id = $3) ORDER BY seq`,
      [a.councilId, action, caseId ?? null],
    );
    return rows;
  }

  beforeAll(async () => {
    t = await createTestApp();
    a = await createCouncil(t, ['coordinator', 'agency_staff', 'auditor']);
    b = await createCouncil(t, ['coordinator']);
    [coordinator, agency, auditor] = a.staff;
    // A second agency of council A, with its own body.
    const body = await as(coordinator, 'post', `/api/councils/${a.councilId}/member-bodies`, {
      name: 'Other NPO',
      kind: 'npo',
      joinedOn: '2024-04-01',
    });
    otherBodyId = body.body.id;
    otherAgency = await inviteStaff(t, a.councilId, coordinator, {
      memberBodyId: otherBodyId,
      email: `other-agency-${Date.now()}@test.example`,
      displayName: 'Other',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('registers a case with a readable number and flags a possible duplicate without merging', async () => {
    const first = await as(coordinator, 'post', casesPath(), {
      subject: {
        familyName: '佐藤',
        givenName: '一郎',
        familyNameKana: 'さとう',
        givenNameKana: 'いちろう',
        birthDate: '1960-01-01',
      },
      summary: 's',
      concerns: ['loneliness'],
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      caseNumber: expect.stringMatching(/^\d{4}-\d{4}$/),
      status: 'open',
      possibleDuplicates: [],
    });
    const second = await as(coordinator, 'post', casesPath(), {
      subject: {
        familyName: '佐藤',
        givenName: '一朗',
        familyNameKana: 'さとう',
        givenNameKana: 'いちろう',
        birthDate: '1960-01-01',
      },
      summary: 's',
      concerns: ['loneliness'],
    });
    expect(second.body.possibleDuplicates).toEqual([
      { id: first.body.id, caseNumber: first.body.caseNumber },
    ]);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('shows agency staff only the cases assigned to their body, in lists and lookups', async () => {
    const mine = await newCase();
    const notMine = await newCase();
    const someoneElses = await newCase();
    await consentFor(mine, agency.memberBodyId);
    expect((await assign(mine, agency.memberBodyId, 'full')).status).toBe(201);
    expect((await assign(someoneElses, otherBodyId, 'full', 'statutory')).status).toBe(201);

    const list = await as(agency, 'get', `${casesPath()}?limit=200`);
    expect(list.status).toBe(200);
    const ids = list.body.items.map((c: { id: string }) => c.id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(notMine);
    expect(ids).not.toContain(someoneElses);
    expect((await as(agency, 'get', `${casesPath()}/${mine}`)).status).toBe(200);

    const unassigned = await as(agency, 'get', `${casesPath()}/${notMine}`);
    const otherCouncil = await as(agency, 'get', `/api/councils/${b.councilId}/cases/${notMine}`);
    const nonexistent = await as(
      agency,
      'get',
      `${casesPath()}/00000000-0000-4000-8000-000000000000`,
    );
    for (const res of [unassigned, otherCouncil, nonexistent]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    expect({ ...unassigned.body, requestId: 0 }).toEqual({ ...nonexistent.body, requestId: 0 });
    // The coordinator sees them all.
    const all = await as(coordinator, 'get', `${casesPath()}?limit=200`);
    expect(all.body.items.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining([mine, notMine, someoneElses]),
    );
  });

  it('answers a case of another council 404 even to that council’s id space', async () => {
    const caseB = await as(b.staff[0], 'post', `/api/councils/${b.councilId}/cases`, {
      subject: { familyName: 'B', givenName: 'B' },
      summary: 'b',
      concerns: ['other'],
    });
    expect(caseB.status).toBe(201);
    expect((await as(coordinator, 'get', `${casesPath()}/${caseB.body.id}`)).status).toBe(404);
    expect(
      (await as(coordinator, 'patch', `${casesPath()}/${caseB.body.id}`, { summary: 'hijack' }))
        .status,
    ).toBe(404);
    const list = await as(coordinator, 'get', `${casesPath()}?limit=200`);
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(caseB.body.id);
  });

  it('hides address, phone and sensitive from a limited-scope assignment and shows them with full scope', async () => {
    const limited = await newCase();
    await assign(limited, agency.memberBodyId, 'limited', 'statutory');
    const seenLimited = await as(agency, 'get', `${casesPath()}/${limited}`);
    expect(seenLimited.status).toBe(200);
    expect(seenLimited.body.subject).toMatchObject({ familyName: '山田', givenName: '花子' });
    expect(seenLimited.body.subject).not.toHaveProperty('address');
    expect(seenLimited.body.subject).not.toHaveProperty('phone');
    expect(seenLimited.body).not.toHaveProperty('sensitive');
    expect(JSON.stringify(seenLimited.body)).not.toContain('桜ヶ丘1-2-3');
    const inList = (await as(agency, 'get', `${casesPath()}?limit=200`)).body.items.find(
      (c: { id: string }) => c.id === limited,
    );
    expect(JSON.stringify(inList)).not.toContain('090-0000-0000');

    const full = await newCase();
    await assign(full, agency.memberBodyId, 'full', 'statutory');
    const seenFull = await as(agency, 'get', `${casesPath()}/${full}`);
    expect(seenFull.body.subject).toMatchObject({ address: '桜ヶ丘1-2-3', phone: '090-0000-0000' });
    expect(seenFull.body.sensitive).toEqual({ health: '通院中' });
  });

  it('cuts consent-based access on the very next request after consent is withdrawn', async () => {
    const id = await newCase();
    const consentId = await consentFor(id, agency.memberBodyId);
    await assign(id, agency.memberBodyId, 'full');
    expect((await as(agency, 'get', `${casesPath()}/${id}`)).status).toBe(200);
    const withdrawn = await as(
      coordinator,
      'post',
      `${casesPath()}/${id}/consents/${consentId}/withdraw`,
      { withdrawnOn: today(), reason: '本人の申出' },
    );
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.active).toBe(false);
    expect((await as(agency, 'get', `${casesPath()}/${id}`)).status).toBe(404);
    // The coordinator sees that the assignment no longer gives access.
    const seen = await as(coordinator, 'get', `${casesPath()}/${id}`);
    expect(
      seen.body.assignments.find(
        (x: { memberBodyId: string }) => x.memberBodyId === agency.memberBodyId,
      ).active,
    ).toBe(false);
  });

  it('cuts access when the assignment ends', async () => {
    const id = await newCase();
    const assignment = await assign(id, agency.memberBodyId, 'full', 'statutory');
    expect((await as(agency, 'get', `${casesPath()}/${id}`)).status).toBe(200);
    await as(coordinator, 'post', `${casesPath()}/${id}/assignments/${assignment.body.id}/end`);
    expect((await as(agency, 'get', `${casesPath()}/${id}`)).status).toBe(404);
  });

  it('refuses a consent-based assignment without consent (422) and a statutory one without a note (400)', async () => {
    const id = await newCase();
    const noConsent = await assign(id, agency.memberBodyId, 'full', 'consent');
    expect(noConsent.status).toBe(422);
    expect(noConsent.body.code).toBe('CONSENT_REQUIRED');
    const noNote = await as(coordinator, 'post', `${casesPath()}/${id}/assignments`, {
      memberBodyId: agency.memberBodyId,
      role: 'lead',
      scope: 'full',
      basis: 'statutory',
    });
    expect(noNote.status).toBe(400);
    expect(noNote.body.details.map((d: { field: string }) => d.field)).toContain('basisNote');
    const { rows } = await t.db.superuser.query(
      `SELECT count(*)::int AS n FROM case_assignments WHERE case_id = $1`,
      [id],
    );
    expect(rows[0].n).toBe(0);
  });

  it('flags a statutory assignment in the audit log as a statutory disclosure', async () => {
    const id = await newCase();
    await assign(id, agency.memberBodyId, 'limited', 'statutory');
    const { rows } = await t.db.superuser.query(
      `SELECT reason, basis FROM audit_events WHERE case_id = $1 AND action = 'assignment.create'`,
      [id],
    );
    expect(rows).toEqual([{ reason: 'statutory_disclosure', basis: 'statutory' }]);
  });

  it('keeps auditors and system admins out of case content', async () => {
    const id = await newCase();
    expect((await as(auditor, 'get', `${casesPath()}/${id}`)).status).toBe(403);
    expect((await as(auditor, 'get', casesPath())).status).toBe(403);
    expect((await as(a.admin, 'get', `${casesPath()}/${id}`)).status).toBe(403);
  });

  it('does not let agency staff change a case, even one assigned to them', async () => {
    const id = await newCase();
    await assign(id, agency.memberBodyId, 'full', 'statutory');
    expect((await as(agency, 'patch', `${casesPath()}/${id}`, { summary: 'edited' })).status).toBe(
      403,
    );
    expect(
      (
        await as(agency, 'post', casesPath(), {
          subject: { familyName: 'x', givenName: 'y' },
          summary: 's',
          concerns: ['other'],
        })
      ).status,
    ).toBe(403);
  });

  describe('explain', () => {
    it('tells a coordinator or auditor whether a staff member may read a case, and by which rule', async () => {
      const assigned = await newCase();
      await assign(assigned, agency.memberBodyId, 'limited', 'statutory');
      const unassigned = await newCase();
      const explain = (who: TestStaff, id: string) =>
        as(
          who,
          'get',
          `/api/councils/${a.councilId}/access/explain?action=read&subject=Case&id=${id}&staffId=${agency.staffId}`,
        );
      const yes = await explain(coordinator, assigned);
      expect(yes.status).toBe(200);
      expect(yes.body).toMatchObject({
        allowed: true,
        ruleId: 'agency.case.read-assigned',
        principal: { role: 'agency_staff', memberBodyId: agency.memberBodyId },
      });
      const no = await explain(auditor, unassigned);
      expect(no.body).toMatchObject({
        allowed: false,
        ruleId: null,
        reason: 'not_visible',
        status: 404,
      });
      expect((await explain(agency, assigned)).status).toBe(403);
      const self = await as(
        coordinator,
        'get',
        `/api/councils/${a.councilId}/access/explain?action=update&subject=Staff&id=${coordinator.staffId}`,
      );
      // Explain answers what the API does: one's own staff record is refused by the inverted
      // rule (it used to say "allowed" by coordinator.staff.manage while the API said 403).
      expect(self.body).toMatchObject({
        allowed: false,
        ruleId: 'coordinator.staff.not-self',
        reason: 'own_record',
      });
      const enforced = await as(
        coordinator,
        'patch',
        `/api/councils/${a.councilId}/staff/${coordinator.staffId}`,
        { role: 'auditor' },
      );
      expect(enforced.status).toBe(403);
      expect(enforced.body.code).toBe('OWN_RECORD');
      const other = await as(
        coordinator,
        'get',
        `/api/councils/${a.councilId}/access/explain?action=update&subject=Staff&id=${agency.staffId}`,
      );
      expect(other.body).toMatchObject({ allowed: true, ruleId: 'coordinator.staff.manage' });
      const bad = await as(
        coordinator,
        'get',
        `/api/councils/${a.councilId}/access/explain?action=manage&subject=all`,
      );
      expect(bad.status).toBe(400);
    });
  });

  describe('audit', () => {
    it('writes exactly one case.read event per case read, with identifiers only', async () => {
      const id = await newCase();
      await assign(id, agency.memberBodyId, 'full', 'statutory');
      await as(agency, 'get', `${casesPath()}/${id}`);
      await as(coordinator, 'get', `${casesPath()}/${id}`);
      const reads = await events('case.read', id);
      expect(reads).toHaveLength(2);
      expect(reads[0]).toMatchObject({
        outcome: 'allowed',
        actor_user_id: agency.id,
        rule_id: 'agency.case.read-assigned',
        basis: 'statutory',
      });
      expect(reads[1]).toMatchObject({
        outcome: 'allowed',
        actor_user_id: coordinator.id,
        rule_id: 'coordinator.case.manage',
        basis: 'coordinator',
      });
      const { rows } = await t.db.superuser.query(
        `SELECT row_to_json(e)::text AS json FROM audit_events e WHERE case_id = $1`,
        [id],
      );
      for (const { json } of rows) {
        expect(json).not.toContain('山田');
        expect(json).not.toContain('桜ヶ丘');
      }
    });

    it('records logins, successful and failed, in the audit log of each council the user serves', async () => {
      await login(t, agency);
      await request(t.server)
        .post('/api/auth/login')
        .send({ email: agency.email, password: 'wrong password!' })
        .expect(401);
      const { rows } = await t.db.superuser.query(
        `SELECT outcome, reason FROM audit_events WHERE council_id = $1 AND action = 'auth.login' AND actor_user_id = $2 ORDER BY seq`,
        [a.councilId, agency.id],
      );
      expect(rows.slice(-2)).toEqual([
        { outcome: 'allowed', reason: null },
        { outcome: 'denied', reason: 'wrong_password' },
      ]);
    });

    it('records structure changes too (staff, pledge)', async () => {
      const { rows } = await t.db.superuser.query(
        `SELECT action FROM audit_events WHERE council_id = $1 AND action IN ('staff.create', 'pledge.accept', 'member_body.create')`,
        [a.councilId],
      );
      expect(new Set(rows.map((r: { action: string }) => r.action))).toEqual(
        new Set(['staff.create', 'pledge.accept', 'member_body.create']),
      );
    });

    it('records case.list with the returned ids', async () => {
      const id = await newCase();
      await assign(id, agency.memberBodyId, 'full', 'statutory');
      const res = await as(agency, 'get', `${casesPath()}?limit=200`);
      const lists = (await events('case.list')).filter((e) => e.actor_user_id === agency.id);
      expect(lists[lists.length - 1].resource_ids?.sort()).toEqual(
        res.body.items.map((c: { id: string }) => c.id).sort(),
      );
    });

    it('records a denial when a case outside visibility is asked for', async () => {
      const id = await newCase();
      await as(otherAgency, 'get', `${casesPath()}/${id}`).then((r) => expect(r.status).toBe(404));
      const { rows } = await t.db.superuser.query(
        `SELECT outcome, reason FROM audit_events WHERE council_id = $1 AND action = 'case.read' AND resource_id = $2 AND actor_user_id = $3`,
        [a.councilId, id, otherAgency.id],
      );
      expect(rows).toEqual([{ outcome: 'denied', reason: 'not_visible' }]);
    });

    it('cannot be updated, deleted or truncated by the application role', async () => {
      const { Pool } = await import('pg');
      const app = new Pool({ connectionString: t.db.appUrl, max: 1, options: SESSION_OPTIONS });
      const client = await app.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.council_id', $1, true)`, [a.councilId]);
        await expect(client.query(`UPDATE audit_events SET reason = 'x'`)).rejects.toThrow(
          /permission denied/,
        );
        await client.query('ROLLBACK');
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.council_id', $1, true)`, [a.councilId]);
        await expect(client.query(`DELETE FROM audit_events`)).rejects.toThrow(/permission denied/);
        await client.query('ROLLBACK');
        await expect(client.query(`TRUNCATE audit_events`)).rejects.toThrow(
          /permission denied|append-only/,
        );
      } finally {
        client.release();
        await app.end();
      }
      // Not even the owner or a superuser: the trigger refuses.
      await expect(
        t.db.superuser.query(`DELETE FROM audit_events WHERE council_id = $1`, [a.councilId]),
      ).rejects.toThrow(/append-only/);
    });

    it('fails the request and changes nothing when its audit event cannot be written', async () => {
      const su = t.db.superuser;
      await su.query(`
        CREATE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.action = 'case.create' THEN RAISE EXCEPTION 'audit store unavailable'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_fail_audit();`);
      try {
        const before = await su.query(
          `SELECT count(*)::int AS n FROM cases WHERE council_id = $1`,
          [a.councilId],
        );
        const res = await as(coordinator, 'post', casesPath(), {
          subject: { familyName: '失敗', givenName: '太郎' },
          summary: 'x',
          concerns: ['other'],
        });
        expect(res.status).toBe(500);
        expect(JSON.stringify(res.body)).not.toContain('audit store');
        const after = await su.query(`SELECT count(*)::int AS n FROM cases WHERE council_id = $1`, [
          a.councilId,
        ]);
        expect(after.rows[0].n).toBe(before.rows[0].n);
      } finally {
        await su.query(
          `DROP TRIGGER test_fail_audit ON audit_events; DROP FUNCTION test_fail_audit();`,
        );
      }
    });
  });
});

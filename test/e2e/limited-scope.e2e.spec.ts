import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  memberBodyWithStaff,
  TestCouncil,
  TestStaff,
} from '../support/factories';

interface NoteView {
  id: string;
  body: string;
  sensitive: boolean;
}

/**
 * Limited scope never receives 要配慮個人情報 (DESIGN.md §3.9): not the sensitive concern codes,
 * not sensitive notes, not the `sensitive` object — while a full-scope body on the same case
 * does. A coordinator can raise a note's sensitivity, never lower it, and nobody can edit a note.
 */
describe('limited scope and sensitive content (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let limited: TestStaff;
  let full: TestStaff;
  let caseId: string;

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;
  const notesOf = async (who: TestStaff): Promise<NoteView[]> => {
    const res = await as(who, 'get', `${base()}/cases/${caseId}/notes`);
    expect(res.status).toBe(200);
    return res.body.items as NoteView[];
  };

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator']);
    [coordinator] = c.staff;
    limited = await memberBodyWithStaff(t, c.councilId, coordinator, 'Limited NPO');
    full = await memberBodyWithStaff(t, c.councilId, coordinator, 'Public health');
    const created = await as(coordinator, 'post', `${base()}/cases`, {
      subject: { familyName: '配慮', givenName: '花子', address: '桜ヶ丘1-1' },
      summary: '見守り',
      concerns: ['isolation', 'mental_health', 'abuse_violence', 'poverty', 'disability', 'health'],
      sensitive: { diagnosis: '通院中' },
    });
    expect(created.status).toBe(201);
    caseId = created.body.id;
    for (const [who, scope] of [
      [limited, 'limited'],
      [full, 'full'],
    ] as const) {
      const res = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
        memberBodyId: who.memberBodyId,
        role: 'support',
        scope,
        basis: 'statutory',
        basisNote: '法令に基づく',
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('withholds the sensitive concern codes from limited scope, in the case and in the list', async () => {
    const one = await as(limited, 'get', `${base()}/cases/${caseId}`);
    expect(one.status).toBe(200);
    expect(one.body.concerns.sort()).toEqual(['isolation', 'poverty']);
    expect(one.body.sensitive).toBeUndefined();
    const list = await as(limited, 'get', `${base()}/cases`);
    const item = list.body.items.find((x: { id: string }) => x.id === caseId);
    expect(item.concerns.sort()).toEqual(['isolation', 'poverty']);
  });

  it('gives full scope and the coordinator every concern code', async () => {
    for (const who of [full, coordinator]) {
      const res = await as(who, 'get', `${base()}/cases/${caseId}`);
      expect(res.body.concerns).toHaveLength(6);
      expect(res.body.sensitive).toEqual({ diagnosis: '通院中' });
    }
  });

  it('shows sensitive notes only to full scope and the coordinator', async () => {
    const plain = await as(limited, 'post', `${base()}/cases/${caseId}/notes`, {
      body: '訪問した',
    });
    expect(plain.status).toBe(201);
    expect(plain.body.sensitive).toBe(false);
    const secret = await as(full, 'post', `${base()}/cases/${caseId}/notes`, {
      body: '服薬の状況',
      sensitive: true,
    });
    expect(secret.status).toBe(201);
    expect(secret.body.sensitive).toBe(true);

    expect((await notesOf(limited)).map((n) => n.id)).toEqual([plain.body.id]);
    expect((await notesOf(full)).map((n) => n.id)).toEqual([plain.body.id, secret.body.id]);
    expect((await notesOf(coordinator)).map((n) => n.id)).toEqual([plain.body.id, secret.body.id]);
  });

  it('lets a coordinator raise a note’s sensitivity (audited), after which limited scope no longer sees it', async () => {
    const note = await as(limited, 'post', `${base()}/cases/${caseId}/notes`, {
      body: '家族から暴力の相談',
    });
    expect((await notesOf(limited)).map((n) => n.id)).toContain(note.body.id);

    const sut = await as(
      coordinator,
      'post',
      `${base()}/cases/${caseId}/notes/${note.body.id}/sensitive`,
    );
    expect(sut.status).toBe(200);
    expect(sut.body.sensitive).toBe(true);
    expect((await notesOf(limited)).map((n) => n.id)).not.toContain(note.body.id);
    expect((await notesOf(full)).map((n) => n.id)).toContain(note.body.id);

    const events = await t.db.superuser.query(
      `SELECT outcome, case_id, reason FROM audit_events WHERE council_id = $1 AND action = 'note.update' AND resource_id = $2`,
      [c.councilId, note.body.id],
    );
    expect(events.rows).toEqual([
      { outcome: 'allowed', case_id: caseId, reason: 'sensitive=true' },
    ]);
  });

  it('refuses agency staff raising sensitivity (403, recorded) and a note of another case (404)', async () => {
    const note = await as(full, 'post', `${base()}/cases/${caseId}/notes`, { body: 'n' });
    const refused = await as(
      full,
      'post',
      `${base()}/cases/${caseId}/notes/${note.body.id}/sensitive`,
    );
    expect(refused.status).toBe(403);
    const denied = await t.db.superuser.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE council_id = $1 AND action = 'note.update' AND outcome = 'denied'`,
      [c.councilId],
    );
    expect(denied.rows[0].n).toBeGreaterThan(0);

    const other = await as(coordinator, 'post', `${base()}/cases`, {
      subject: { familyName: '別', givenName: '件' },
      summary: 's',
      concerns: ['other'],
    });
    const wrongCase = await as(
      coordinator,
      'post',
      `${base()}/cases/${other.body.id}/notes/${note.body.id}/sensitive`,
    );
    expect(wrongCase.status).toBe(404);
  });

  it('keeps notes append-only in the database: sensitivity cannot be lowered, nothing else changed', async () => {
    const note = await as(coordinator, 'post', `${base()}/cases/${caseId}/notes`, {
      body: '記録',
      sensitive: true,
    });
    const su = t.db.superuser;
    const stored = `SELECT body, encode(body_sealed, 'hex') AS sealed, sensitive FROM case_notes WHERE id = $1`;
    const before = (await su.query(stored, [note.body.id])).rows;
    await expect(
      su.query(`UPDATE case_notes SET sensitive = false WHERE id = $1`, [note.body.id]),
    ).rejects.toThrow(/append-only/);
    await expect(
      su.query(`UPDATE case_notes SET body = 'x', sensitive = true WHERE id = $1`, [note.body.id]),
    ).rejects.toThrow(/append-only/);
    await expect(su.query(`DELETE FROM case_notes WHERE id = $1`, [note.body.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(su.query(`TRUNCATE case_notes CASCADE`)).rejects.toThrow(/append-only/);
    // The text is sealed under the case's data key (issue 19): the stored row is what it was.
    const { rows } = await su.query(stored, [note.body.id]);
    expect(rows).toEqual(before);
    expect(rows).toEqual([{ body: null, sealed: expect.stringMatching(/^01/), sensitive: true }]);
  });
});

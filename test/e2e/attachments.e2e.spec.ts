import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from '../support/http';
import { binaryBody } from '../support/files';
import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  login,
  memberBodyWithStaff,
  TestCouncil,
  TestStaff,
} from '../support/factories';

const LIMIT = 4096;
const pdf = (text = 'form') => Buffer.from(`%PDF-1.4\n% ${text}\n${'x'.repeat(200)}\n%%EOF\n`);
const exe = Buffer.concat([
  Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00'),
  Buffer.alloc(300, 1),
]);

/**
 * Attachments (issue 18 item 3): a file is visible exactly when its parent is — also after the
 * consent behind an assignment is withdrawn or the assignment ends (DESIGN.md §3.1, §3.9);
 * 要配慮 files only to full scope; every download audited with its case (§3.10); the type is
 * sniffed from the bytes; uploads are limited; a consent's signed form is confirmed by a
 * coordinator and shown unconfirmed until then.
 */
describe('attachments (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let other: TestCouncil;
  let coordinator: TestStaff;
  let full: TestStaff;
  let limited: TestStaff;
  const ids: Record<string, string> = {};
  const tokens = new Map<string, string>();

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;

  async function token(user: TestStaff): Promise<string> {
    if (!tokens.has(user.email)) tokens.set(user.email, (await login(t, user)).accessToken);
    return tokens.get(user.email)!;
  }

  async function ok(user: TestStaff, method: 'get' | 'post', path: string, body?: object) {
    const res = await as(user, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body as Record<string, unknown> & { id: string };
  }

  async function upload(
    user: TestStaff,
    path: string,
    bytes: Buffer,
    query: Record<string, string> = {},
    contentType = 'application/octet-stream',
  ) {
    return request(t.server)
      .post(path)
      .query({ fileName: 'file.pdf', ...query })
      .set('Authorization', `Bearer ${await token(user)}`)
      .set('Content-Type', contentType)
      .send(bytes);
  }

  async function download(user: TestStaff, path: string) {
    return request(t.server)
      .get(path)
      .set('Authorization', `Bearer ${await token(user)}`)
      .buffer(true)
      .parse(binaryBody);
  }

  async function uploaded(user: TestStaff, path: string, bytes = pdf(), query = {}) {
    const res = await upload(user, path, bytes, query);
    if (res.status !== 201) throw new Error(`upload ${path}: ${res.status} ${res.text}`);
    return res.body as { id: string; contentType: string; sha256: string; sizeBytes: number };
  }

  /** A case with consent for both bodies, the full-scope body as lead, the other limited. */
  async function coveredCase(): Promise<{
    caseId: string;
    consentId: string;
    assignmentId: string;
  }> {
    const made = await ok(coordinator, 'post', `${base()}/cases`, {
      subject: { familyName: '添付', givenName: '太郎' },
      summary: 's',
      concerns: ['isolation'],
    });
    const consent = await ok(coordinator, 'post', `${base()}/cases/${made.id}/consents`, {
      memberBodyIds: [full.memberBodyId, limited.memberBodyId],
      method: 'written',
      obtainedOn: '2025-04-01',
    });
    const assignment = await ok(coordinator, 'post', `${base()}/cases/${made.id}/assignments`, {
      memberBodyId: full.memberBodyId,
      role: 'lead',
      scope: 'full',
      basis: 'consent',
    });
    await ok(coordinator, 'post', `${base()}/cases/${made.id}/assignments`, {
      memberBodyId: limited.memberBodyId,
      role: 'support',
      scope: 'limited',
      basis: 'consent',
    });
    return { caseId: made.id, consentId: consent.id, assignmentId: assignment.id };
  }

  const storedFiles = (): string[] => {
    const dir = join(t.config.files.storageDir, c.councilId);
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };

  beforeAll(async () => {
    t = await createTestApp({ ATTACHMENT_MAX_BYTES: String(LIMIT) });
    c = await createCouncil(t, ['coordinator']);
    other = await createCouncil(t, ['coordinator']);
    [coordinator] = c.staff;
    full = await memberBodyWithStaff(t, c.councilId, coordinator, 'Full');
    limited = await memberBodyWithStaff(t, c.councilId, coordinator, 'Limited');
    const x = await coveredCase();
    ids.case = x.caseId;
    ids.consent = x.consentId;
    ids.file = (await uploaded(coordinator, `${base()}/cases/${ids.case}/attachments`)).id;
    ids.sensitiveFile = (
      await uploaded(coordinator, `${base()}/cases/${ids.case}/attachments`, pdf('sensitive'), {
        sensitive: 'true',
      })
    ).id;
  }, 120_000);

  afterAll(() => t.close());

  describe('upload', () => {
    it('stores the file with the type sniffed from its bytes, its size and SHA-256', async () => {
      const bytes = pdf('sniffed');
      const sut = await upload(
        coordinator,
        `${base()}/cases/${ids.case}/attachments`,
        bytes,
        {},
        'image/png',
      );
      expect(sut.status).toBe(201);
      expect(sut.body).toMatchObject({
        fileName: 'file.pdf',
        contentType: 'application/pdf',
        sizeBytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        sensitive: false,
        confirmedAt: null,
      });
    });

    it('refuses an executable named .pdf with 415 FILE_TYPE_NOT_ALLOWED and keeps nothing', async () => {
      const before = storedFiles().length;
      const sut = await upload(coordinator, `${base()}/cases/${ids.case}/attachments`, exe, {
        fileName: 'invoice.pdf',
      });
      expect([sut.status, sut.body.code]).toEqual([415, 'FILE_TYPE_NOT_ALLOWED']);
      expect(storedFiles().length).toBe(before);
    });

    it('refuses a file over ATTACHMENT_MAX_BYTES with 413 ATTACHMENT_TOO_LARGE and keeps nothing', async () => {
      const before = storedFiles().length;
      const big = Buffer.concat([pdf(), Buffer.alloc(LIMIT, 0x20)]);
      const sut = await upload(coordinator, `${base()}/cases/${ids.case}/attachments`, big);
      expect([sut.status, sut.body.code]).toEqual([413, 'ATTACHMENT_TOO_LARGE']);
      expect(storedFiles().length).toBe(before);
    });

    it('accepts a file of exactly the limit', async () => {
      const head = pdf();
      const exact = Buffer.concat([head, Buffer.alloc(LIMIT - head.length, 0x20)]);
      const sut = await upload(coordinator, `${base()}/cases/${ids.case}/attachments`, exact);
      expect([sut.status, sut.body.sizeBytes]).toEqual([201, LIMIT]);
    });

    it('refuses an empty file with 400', async () => {
      const sut = await upload(
        coordinator,
        `${base()}/cases/${ids.case}/attachments`,
        Buffer.alloc(0),
      );
      expect([sut.status, sut.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('refuses a file name with a path in it with 400', async () => {
      const sut = await upload(coordinator, `${base()}/cases/${ids.case}/attachments`, pdf(), {
        fileName: '../../etc/passwd',
      });
      expect([sut.status, sut.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('answers 404 to a coordinator of another council, and stores nothing', async () => {
      const before = storedFiles().length;
      const sut = await upload(other.staff[0], `${base()}/cases/${ids.case}/attachments`, pdf());
      expect(sut.status).toBe(404);
      expect(storedFiles().length).toBe(before);
    });
  });

  describe('download', () => {
    it('gives the bytes back as a download, never inline', async () => {
      const sut = await download(full, `${base()}/cases/${ids.case}/attachments/${ids.file}`);
      expect(sut.status).toBe(200);
      expect((sut.body as Buffer).equals(pdf())).toBe(true);
      expect(sut.headers['content-type']).toBe('application/pdf');
      expect(sut.headers['content-disposition']).toMatch(/^attachment; filename="file.pdf"/);
      expect(sut.headers['x-content-type-options']).toBe('nosniff');
    });

    it('is audited with the case id and the file id', async () => {
      await download(limited, `${base()}/cases/${ids.case}/attachments/${ids.file}`);
      const { rows } = await t.db.superuser.query<{ case_id: string; resource_id: string }>(
        `SELECT case_id, resource_id FROM audit_events
          WHERE council_id = $1 AND action = 'attachment.download' AND outcome = 'allowed'
            AND actor_user_id = $2 ORDER BY seq DESC LIMIT 1`,
        [c.councilId, limited.id],
      );
      expect(rows[0]).toEqual({ case_id: ids.case, resource_id: ids.file });
    });

    it('gives a 要配慮 file to full scope', async () => {
      const sut = await download(
        full,
        `${base()}/cases/${ids.case}/attachments/${ids.sensitiveFile}`,
      );
      expect(sut.status).toBe(200);
    });

    it('answers 404 to limited scope for a 要配慮 file, and leaves it out of the list', async () => {
      const sut = await download(
        limited,
        `${base()}/cases/${ids.case}/attachments/${ids.sensitiveFile}`,
      );
      expect(sut.status).toBe(404);
      const list = await ok(limited, 'get', `${base()}/cases/${ids.case}/attachments`);
      const listed = (list.items as { id: string }[]).map((i) => i.id);
      expect([listed.includes(ids.file), listed.includes(ids.sensitiveFile)]).toEqual([
        true,
        false,
      ]);
    });

    it('answers 404 for a file asked for under another case', async () => {
      const y = await coveredCase();
      const sut = await download(
        coordinator,
        `${base()}/cases/${y.caseId}/attachments/${ids.file}`,
      );
      expect(sut.status).toBe(404);
    });

    it('answers 404 to a coordinator of another council', async () => {
      const sut = await download(
        other.staff[0],
        `${base()}/cases/${ids.case}/attachments/${ids.file}`,
      );
      expect(sut.status).toBe(404);
    });
  });

  describe('visibility follows the parent', () => {
    it('ends with the consent: withdrawn → 404 on the next request, and the denial recorded', async () => {
      const y = await coveredCase();
      const file = await uploaded(coordinator, `${base()}/cases/${y.caseId}/attachments`);
      const path = `${base()}/cases/${y.caseId}/attachments/${file.id}`;
      expect((await download(full, path)).status).toBe(200);
      await ok(
        coordinator,
        'post',
        `${base()}/cases/${y.caseId}/consents/${y.consentId}/withdraw`,
        {
          withdrawnOn: '2025-05-01',
        },
      );
      const sut = await download(full, path);
      expect(sut.status).toBe(404);
      const { rows } = await t.db.superuser.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events
          WHERE council_id = $1 AND action = 'attachment.download' AND outcome = 'denied'
            AND case_id = $2 AND actor_user_id = $3`,
        [c.councilId, y.caseId, full.id],
      );
      expect(rows[0].n).toBe(1);
    });

    it('ends with the assignment: ended → 404 for the list and the file', async () => {
      const y = await coveredCase();
      const file = await uploaded(coordinator, `${base()}/cases/${y.caseId}/attachments`);
      await ok(
        coordinator,
        'post',
        `${base()}/cases/${y.caseId}/assignments/${y.assignmentId}/end`,
        {},
      );
      const list = await as(full, 'get', `${base()}/cases/${y.caseId}/attachments`);
      const one = await download(full, `${base()}/cases/${y.caseId}/attachments/${file.id}`);
      expect([list.status, one.status]).toEqual([404, 404]);
    });

    it('lets an agency add a file to a case it is covered on', async () => {
      const sut = await upload(limited, `${base()}/cases/${ids.case}/attachments`, pdf('agency'));
      expect(sut.status).toBe(201);
    });
  });

  describe('consent form (同意書)', () => {
    it('shows a consent with an uploaded form as unconfirmed, then confirmed once a coordinator confirms', async () => {
      const y = await coveredCase();
      const none = await ok(coordinator, 'get', `${base()}/cases/${y.caseId}`);
      const form = await uploaded(
        coordinator,
        `${base()}/cases/${y.caseId}/consents/${y.consentId}/attachments`,
      );
      const unconfirmed = await ok(coordinator, 'get', `${base()}/cases/${y.caseId}`);
      const confirmed = await ok(
        coordinator,
        'post',
        `${base()}/cases/${y.caseId}/consents/${y.consentId}/attachments/${form.id}/confirm`,
      );
      const after = await ok(coordinator, 'get', `${base()}/cases/${y.caseId}`);
      const status = (v: Record<string, unknown>) =>
        (v.activeConsents as { formStatus: string }[])[0].formStatus;
      expect([status(none), status(unconfirmed), status(after)]).toEqual([
        'none',
        'unconfirmed',
        'confirmed',
      ]);
      expect(confirmed.confirmedAt).toEqual(expect.any(String));
    });

    it('refuses a second confirmation with 409 ALREADY_CONFIRMED', async () => {
      const form = await uploaded(
        coordinator,
        `${base()}/cases/${ids.case}/consents/${ids.consent}/attachments`,
      );
      const path = `${base()}/cases/${ids.case}/consents/${ids.consent}/attachments/${form.id}/confirm`;
      await ok(coordinator, 'post', path);
      const sut = await as(coordinator, 'post', path);
      expect([sut.status, sut.body.code]).toEqual([409, 'ALREADY_CONFIRMED']);
    });

    it('is not for agency staff to upload or read (403)', async () => {
      const up = await upload(
        full,
        `${base()}/cases/${ids.case}/consents/${ids.consent}/attachments`,
        pdf(),
      );
      const list = await as(
        full,
        'get',
        `${base()}/cases/${ids.case}/consents/${ids.consent}/attachments`,
      );
      expect([up.status, list.status]).toEqual([403, 403]);
    });

    it('answers 404 for a consent of another case', async () => {
      const y = await coveredCase();
      const sut = await upload(
        coordinator,
        `${base()}/cases/${ids.case}/consents/${y.consentId}/attachments`,
        pdf(),
      );
      expect(sut.status).toBe(404);
    });
  });

  describe('information request documents', () => {
    it('lets the addressed body attach to its answer and the coordinator read it; others get 404', async () => {
      const req = await ok(coordinator, 'post', `${base()}/cases/${ids.case}/info-requests`, {
        memberBodyId: full.memberBodyId,
        question: 'q',
        dueOn: '2030-01-01',
      });
      const path = `${base()}/cases/${ids.case}/info-requests/${req.id}/attachments`;
      const doc = await uploaded(full, path, pdf('answer'));
      const byCoordinator = await download(coordinator, `${path}/${doc.id}`);
      const byOtherBody = await download(limited, `${path}/${doc.id}`);
      expect([byCoordinator.status, byOtherBody.status]).toEqual([200, 404]);
    });
  });

  describe('meeting files', () => {
    it('follow the meeting: attendees covered on its cases read them, others get 404', async () => {
      const meeting = await ok(coordinator, 'post', `${base()}/meetings`, {
        tier: 'case_conference',
        title: 'conference',
        heldAt: '2030-05-01T10:00:00+09:00',
        caseIds: [ids.case],
        attendeeStaffIds: [coordinator.staffId, full.staffId],
      });
      const path = `${base()}/meetings/${meeting.id}/attachments`;
      const file = await uploaded(coordinator, path, pdf('agenda'));
      const attendee = await download(full, `${path}/${file.id}`);
      const notAttending = await download(limited, `${path}/${file.id}`);
      expect([attendee.status, notAttending.status]).toEqual([200, 404]);
    });
  });
});

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataSeal } from '../../src/cli/commands';
import {
  createTestApp,
  TEST_DATA_KEK,
  TEST_JWT_SECRET,
  TEST_MFA_KEY,
  TEST_SIGNING_KEY,
  TestApp,
} from '../support/app';
import { databaseDump } from '../support/dump';
import { actingAs, createCouncil, login, TestCouncil, TestStaff } from '../support/factories';
import request from '../support/http';
import { binaryBody, pdfWith } from '../support/files';

const marker = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;
const pdf = pdfWith;

jest.setTimeout(90_000);

/**
 * Rows and files stored before envelope encryption (issue 19): they stay readable (the plain
 * column is read when the sealed one is empty), and `data:seal` seals them in place — after it,
 * neither the database nor the file storage holds their plain text, and the API answers the same.
 * The legacy state is made the way an old installation has it: content written by the API, then
 * moved back to the plain columns (and a plain file) with the triggers off, as before the change.
 */
describe('data:seal — sealing what was stored before envelope encryption (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;

  const plain = {
    sensitive: marker('DIAGNOSIS'),
    note: marker('NOTE'),
    contactNote: marker('CONTACT'),
    riskReason: marker('RISK'),
    relatedName: marker('RELATED'),
    relatedAddress: marker('RELADDRESS'),
    relatedSensitive: marker('RELDIAGNOSIS'),
    caseFile: marker('CASEFILE'),
    meetingFile: marker('MEETINGFILE'),
  };
  let caseId: string;
  let meetingId: string;
  const files: Record<'case' | 'meeting' | 'destroyed', string> = {
    case: '',
    meeting: '',
    destroyed: '',
  };
  const storageDir = () => join(t.config.files.storageDir, c.councilId);
  const stored = () => (existsSync(storageDir()) ? readdirSync(storageDir()) : []);

  async function upload(path: string, bytes: Buffer): Promise<string> {
    const { accessToken } = await login(t, coordinator);
    const res = await request(t.server)
      .post(path)
      .query({ fileName: 'form.pdf' })
      .set('Authorization', `Bearer ${accessToken}`)
      .set('Content-Type', 'application/octet-stream')
      .send(bytes);
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function download(path: string): Promise<string> {
    const { accessToken } = await login(t, coordinator);
    const res = await request(t.server)
      .get(path)
      .set('Authorization', `Bearer ${accessToken}`)
      .buffer(true)
      .parse(binaryBody);
    expect(res.status).toBe(200);
    return (res.body as Buffer).toString('utf8');
  }

  /** Turns a file sealed by the API back into a plain one, as stored before the change. */
  async function makeFilePlain(attachmentId: string, text: string): Promise<void> {
    const { rows } = await t.db.superuser.query(
      `SELECT storage_key AS "storageKey" FROM attachments WHERE id = $1`,
      [attachmentId],
    );
    const key = `${c.councilId}/${randomUUID()}`;
    const bytes = pdf(text);
    writeFileSync(join(t.config.files.storageDir, key), bytes);
    rmSync(join(t.config.files.storageDir, rows[0].storageKey as string));
    await t.db.superuser.query(
      `UPDATE attachments SET storage_key = $2, content_sealed = false, size_bytes = $3, sha256 = $4
        WHERE id = $1`,
      [attachmentId, key, bytes.length, createHash('sha256').update(bytes).digest()],
    );
  }

  async function readBack() {
    const one = await as(coordinator, 'get', `${base()}/cases/${caseId}`);
    const notes = await as(coordinator, 'get', `${base()}/cases/${caseId}/notes`);
    const contacts = await as(coordinator, 'get', `${base()}/cases/${caseId}/contacts`);
    const risk = await as(coordinator, 'get', `${base()}/cases/${caseId}/risk`);
    const related = await as(coordinator, 'get', `${base()}/cases/${caseId}/related-persons`);
    const person = related.body.items[0] as Record<string, unknown>;
    return {
      sensitive: one.body.sensitive as unknown,
      note: notes.body.items[0].body as unknown,
      contactNote: contacts.body.items[0].note as unknown,
      riskReason: risk.body.current.reason as unknown,
      related: [person.familyName, person.givenName, person.birthDate, person.address],
      relatedSensitive: person.sensitive,
      caseFile: (await download(`${base()}/cases/${caseId}/attachments/${files.case}`)).includes(
        plain.caseFile,
      ),
      meetingFile: (
        await download(`${base()}/meetings/${meetingId}/attachments/${files.meeting}`)
      ).includes(plain.meetingFile),
    };
  }
  const expected = () => ({
    sensitive: { diagnosis: plain.sensitive },
    note: plain.note,
    contactNote: plain.contactNote,
    riskReason: plain.riskReason,
    related: [plain.relatedName, '次郎', '1940-04-04', plain.relatedAddress],
    relatedSensitive: { diagnosis: plain.relatedSensitive },
    caseFile: true,
    meetingFile: true,
  });

  async function runDataSeal(): Promise<string> {
    const saved = { ...process.env };
    const lines: string[] = [];
    try {
      Object.assign(process.env, {
        DATABASE_URL: t.config.database.url,
        PLATFORM_DATABASE_URL: t.config.database.platformUrl,
        JWT_SECRET: TEST_JWT_SECRET,
        AUDIT_SIGNING_KEY: TEST_SIGNING_KEY,
        MFA_ENCRYPTION_KEY: TEST_MFA_KEY,
        DATA_KEK: TEST_DATA_KEK,
        FILE_STORAGE_DIR: t.config.files.storageDir,
      });
      await dataSeal((line) => lines.push(line));
    } finally {
      process.env = saved;
    }
    return lines.join('\n');
  }

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator']);
    [coordinator] = c.staff;
    const made = await as(coordinator, 'post', `${base()}/cases`, {
      subject: { familyName: '旧データ', givenName: '花子' },
      summary: '見守り',
      concerns: ['health'],
      sensitive: { diagnosis: 'sealed-first' },
    });
    expect(made.status).toBe(201);
    caseId = made.body.id;
    const meeting = await as(coordinator, 'post', `${base()}/meetings`, {
      tier: 'case_conference',
      title: '個別ケース検討会議',
      heldAt: '2026-11-20T14:00:00+09:00',
      caseIds: [caseId],
      attendeeStaffIds: [coordinator.staffId],
    });
    expect(meeting.status).toBe(201);
    meetingId = meeting.body.id;
    for (const [path, body] of [
      ['notes', { body: 'sealed-first' }],
      [
        'contacts',
        {
          at: '2026-11-01T10:00:00+09:00',
          channel: 'visit',
          reached: true,
          memberBodyId: coordinator.memberBodyId,
          note: 'sealed-first',
        },
      ],
      ['risk', { level: 'medium', reason: 'sealed-first' }],
      [
        'related-persons',
        { relation: 'child', familyName: 'sealed-first', address: 'sealed-first' },
      ],
    ] as const)
      expect(
        (await as(coordinator, 'post', `${base()}/cases/${caseId}/${path}`, body)).status,
      ).toBe(201);
    files.case = await upload(`${base()}/cases/${caseId}/attachments`, pdf('sealed-first'));
    files.meeting = await upload(
      `${base()}/meetings/${meetingId}/attachments`,
      pdf('sealed-first'),
    );
    files.destroyed = await upload(`${base()}/cases/${caseId}/attachments`, pdf('sealed-first'));

    // Back to the state before envelope encryption: plain columns, no sealed ones, plain files.
    const db = await t.db.superuser.connect();
    try {
      await db.query('BEGIN');
      await db.query(`SET LOCAL session_replication_role = replica`);
      await db.query(`UPDATE cases SET sensitive = $2, sensitive_sealed = NULL WHERE id = $1`, [
        caseId,
        JSON.stringify({ diagnosis: plain.sensitive }),
      ]);
      await db.query(`UPDATE case_notes SET body = $2, body_sealed = NULL WHERE case_id = $1`, [
        caseId,
        plain.note,
      ]);
      await db.query(`UPDATE case_contacts SET note = $2, note_sealed = NULL WHERE case_id = $1`, [
        caseId,
        plain.contactNote,
      ]);
      await db.query(
        `UPDATE case_risk_assessments SET reason = $2, reason_sealed = NULL WHERE case_id = $1`,
        [caseId, plain.riskReason],
      );
      await db.query(
        `UPDATE case_related_persons SET family_name = $2, given_name = '次郎', birth_date = '1940-04-04',
                address = $3, sensitive = $4, family_name_sealed = NULL, given_name_sealed = NULL,
                birth_date_sealed = NULL, address_sealed = NULL, sensitive_sealed = NULL
          WHERE case_id = $1`,
        [
          caseId,
          plain.relatedName,
          plain.relatedAddress,
          JSON.stringify({ diagnosis: plain.relatedSensitive }),
        ],
      );
      await db.query('COMMIT');
    } finally {
      db.release();
    }
    await makeFilePlain(files.case, plain.caseFile);
    await makeFilePlain(files.meeting, plain.meetingFile);
    // A file whose case's disposal committed but whose removal did not happen (a crash).
    await t.db.superuser.query(
      `UPDATE attachments SET content_destroyed_at = now() WHERE id = $1`,
      [files.destroyed],
    );
  }, 120_000);
  afterAll(() => t.close());

  it('reads rows and files stored before envelope encryption, as they are', async () => {
    expect(await readBack()).toEqual(expected());
    // The set-up is real: the dump holds the plain texts before data:seal.
    const dump = await databaseDump(t.db);
    expect(dump.text).toContain(plain.contactNote);
    expect(dump.text).toContain(plain.relatedAddress);
  });

  it('keeps the contact log and the risk history append-only around the sealing', async () => {
    await expect(
      t.db.superuser.query(`UPDATE case_contacts SET channel = 'phone' WHERE case_id = $1`, [
        caseId,
      ]),
    ).rejects.toThrow(/append-only/);
    // Blanking is for a disposed case only; this one is live.
    await expect(
      t.db.superuser.query(
        `UPDATE case_risk_assessments SET reason = NULL, reason_sealed = NULL WHERE case_id = $1`,
        [caseId],
      ),
    ).rejects.toThrow(/append-only/);
  });

  describe('after data:seal', () => {
    let output: string;
    let before: string[];

    beforeAll(async () => {
      before = stored();
      output = await runDataSeal();
    }, 60_000);

    it('reports what it sealed, per field, and the disposed file it removed', () => {
      expect(output).toContain(`council ${c.councilId}: sealed `);
      for (const field of [
        'case.sensitive=1',
        'note.body=1',
        'case_contacts.note=1',
        'case_risk_assessments.reason=1',
        'case_related_persons.family_name=1',
        'case_related_persons.address=1',
        'case_related_persons.sensitive=1',
        'attachments.content=2',
      ])
        expect(output).toContain(field);
      expect(output).toContain(
        `council ${c.councilId}: 1 files of disposed cases gone from the storage`,
      );
    });

    it('leaves none of the plain texts in the database or the file storage', async () => {
      const dump = await databaseDump(t.db);
      const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
      for (const text of Object.values(plain)) {
        expect(dump.text).not.toContain(text);
        expect(dump.text).not.toContain(hex(text));
      }
      const now = stored();
      // Two plain files replaced by sealed copies, the disposed case's file removed.
      expect(now).toHaveLength(before.length - 1);
      for (const name of now) {
        const bytes = readFileSync(join(storageDir(), name));
        expect(bytes.subarray(0, 4).toString('latin1')).not.toBe('%PDF');
      }
    });

    it('answers the same texts and bytes through the API', async () => {
      expect(await readBack()).toEqual(expected());
    });

    it('is audited per batch in the council’s log, by the installation', async () => {
      const { rows } = await t.db.superuser.query(
        `SELECT actor_role AS role, reason FROM audit_events
          WHERE council_id = $1 AND action = 'data.seal' ORDER BY seq`,
        [c.councilId],
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { role: 'system', reason: 'field=case_contacts.note rows=1' },
          { role: 'system', reason: 'field=attachments.content rows=2' },
        ]),
      );
    });

    it('does nothing when run again', async () => {
      const again = await runDataSeal();
      expect(again).not.toContain(': sealed ');
      expect(again).toContain('0 values sealed');
    });
  });
});

import { randomBytes, randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kekRotate } from '../../src/cli/commands';
import { kekFrom } from '../../src/config/app-config';
import { kekIdOf } from '../../src/crypto/keyring';
import {
  createInstanceOn,
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

/** A marker no test data contains by chance. */
const marker = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
/** Markers for fields that accept digits or kana only. */
const digits = () => `0${Array.from({ length: 11 }, () => randomInt(10)).join('')}`;
const kana = () =>
  Array.from({ length: 10 }, () => 'あいうえおかきくけこさしすせそ'[randomInt(15)]).join('');
/** A file the sniffer takes for a PDF, with the marker inside. */
const pdf = pdfWith;

// Several councils' worth of HTTP calls per test: generous under a loaded machine (docs/testing.md).
jest.setTimeout(90_000);

/**
 * Envelope encryption (issue 19): the `sensitive` object, note bodies, minutes text, contact
 * notes, risk reasons, related persons' personal fields and attachment contents are stored only
 * sealed under a per-case (per-meeting) data key wrapped by DATA_KEK, so a database dump — or
 * the file storage — reveals none of them; rotating the KEK keeps everything readable without
 * the old key.
 */
describe('encryption at rest (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let current: () => TestApp;
  const as = actingAs(() => current());
  const base = () => `/api/councils/${c.councilId}`;

  const secrets = {
    sensitive: marker('DIAGNOSIS'),
    note: marker('NOTE'),
    minutes: marker('MINUTES'),
    contactNote: marker('CONTACT'),
    riskReason: marker('RISK'),
    relatedFamilyName: marker('RelFamily'),
    relatedGivenName: marker('RelGiven'),
    relatedKana: kana(),
    relatedAddress: marker('RelAddress'),
    relatedPhone: digits(),
    relatedSensitive: marker('RelDiagnosis'),
    caseFile: marker('CASEFILE'),
    meetingFile: marker('MEETINGFILE'),
  };
  const relatedBirthDate = '1931-03-03';
  const familyName = marker('Family');
  let caseId: string;
  let caseNumber: string;
  let meetingId: string;
  const files: { case?: string; meeting?: string } = {};

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

  /** The bytes of a download (and its status) from the current instance. */
  async function download(path: string): Promise<{ status: number; text: string }> {
    const app = current();
    const { accessToken } = await login(app, coordinator);
    const res = await request(app.server)
      .get(path)
      .set('Authorization', `Bearer ${accessToken}`)
      .buffer(true)
      .parse(binaryBody);
    return { status: res.status, text: (res.body as Buffer).toString('utf8') };
  }

  beforeAll(async () => {
    t = await createTestApp();
    current = () => t;
    c = await createCouncil(t, ['coordinator']);
    [coordinator] = c.staff;
    const created = await as(coordinator, 'post', `${base()}/cases`, {
      subject: { familyName, givenName: '花子' },
      summary: '見守り',
      concerns: ['health'],
      sensitive: { diagnosis: secrets.sensitive },
    });
    expect(created.status).toBe(201);
    caseId = created.body.id;
    caseNumber = created.body.caseNumber;
    const note = await as(coordinator, 'post', `${base()}/cases/${caseId}/notes`, {
      body: secrets.note,
    });
    expect(note.status).toBe(201);
    const meeting = await as(coordinator, 'post', `${base()}/meetings`, {
      tier: 'case_conference',
      title: '個別ケース検討会議',
      heldAt: '2026-11-20T14:00:00+09:00',
      caseIds: [caseId],
      attendeeStaffIds: [coordinator.staffId],
    });
    expect(meeting.status).toBe(201);
    meetingId = meeting.body.id;
    const minutes = await as(coordinator, 'put', `${base()}/meetings/${meetingId}/minutes`, {
      body: secrets.minutes,
      decisions: [],
      actionItems: [],
    });
    expect(minutes.status).toBe(200);

    // The intake facts and files sealed since (issue 19): contact notes, risk reasons, related
    // persons' personal fields, attachment contents (a case's and a meeting's).
    const contact = await as(coordinator, 'post', `${base()}/cases/${caseId}/contacts`, {
      at: '2026-11-01T10:00:00+09:00',
      channel: 'visit',
      reached: true,
      memberBodyId: coordinator.memberBodyId,
      note: secrets.contactNote,
    });
    expect(contact.status).toBe(201);
    const risk = await as(coordinator, 'post', `${base()}/cases/${caseId}/risk`, {
      level: 'high',
      reason: secrets.riskReason,
    });
    expect(risk.status).toBe(201);
    const related = await as(coordinator, 'post', `${base()}/cases/${caseId}/related-persons`, {
      relation: 'sibling',
      familyName: secrets.relatedFamilyName,
      givenName: secrets.relatedGivenName,
      familyNameKana: secrets.relatedKana,
      birthDate: relatedBirthDate,
      address: secrets.relatedAddress,
      phone: secrets.relatedPhone,
      sensitive: { diagnosis: secrets.relatedSensitive },
    });
    expect(related.status).toBe(201);
    files.case = await upload(`${base()}/cases/${caseId}/attachments`, pdf(secrets.caseFile));
    files.meeting = await upload(
      `${base()}/meetings/${meetingId}/attachments`,
      pdf(secrets.meetingFile),
    );
  }, 120_000);
  afterAll(() => t.close());

  /** What the coordinator reads back through the API. */
  async function readBack() {
    const one = await as(coordinator, 'get', `${base()}/cases/${caseId}`);
    const notes = await as(coordinator, 'get', `${base()}/cases/${caseId}/notes`);
    const minutes = await as(coordinator, 'get', `${base()}/meetings/${meetingId}/minutes`);
    const contacts = await as(coordinator, 'get', `${base()}/cases/${caseId}/contacts`);
    const risk = await as(coordinator, 'get', `${base()}/cases/${caseId}/risk`);
    const related = await as(coordinator, 'get', `${base()}/cases/${caseId}/related-persons`);
    const caseFile = await download(`${base()}/cases/${caseId}/attachments/${files.case}`);
    const meetingFile = await download(
      `${base()}/meetings/${meetingId}/attachments/${files.meeting}`,
    );
    const person = (related.body.items as Record<string, unknown>[] | undefined)?.[0];
    return {
      status: [
        one.status,
        notes.status,
        minutes.status,
        contacts.status,
        risk.status,
        related.status,
        caseFile.status,
        meetingFile.status,
      ],
      sensitive: one.body.sensitive as unknown,
      notes: (notes.body.items as { body: string }[] | undefined)?.map((n) => n.body),
      minutes: minutes.body.body as unknown,
      contactNotes: (contacts.body.items as { note: string }[] | undefined)?.map((n) => n.note),
      riskReason: (risk.body.current as { reason: string } | undefined)?.reason,
      related: person && {
        familyName: person.familyName,
        givenName: person.givenName,
        familyNameKana: person.familyNameKana,
        birthDate: person.birthDate,
        address: person.address,
        phone: person.phone,
        sensitive: person.sensitive,
      },
      caseFile: caseFile.status === 200 && caseFile.text.includes(secrets.caseFile),
      meetingFile: meetingFile.status === 200 && meetingFile.text.includes(secrets.meetingFile),
    };
  }

  const plainTexts = () => ({
    status: [200, 200, 200, 200, 200, 200, 200, 200],
    sensitive: { diagnosis: secrets.sensitive },
    notes: [secrets.note],
    minutes: secrets.minutes,
    contactNotes: [secrets.contactNote],
    riskReason: secrets.riskReason,
    related: {
      familyName: secrets.relatedFamilyName,
      givenName: secrets.relatedGivenName,
      familyNameKana: secrets.relatedKana,
      birthDate: relatedBirthDate,
      address: secrets.relatedAddress,
      phone: secrets.relatedPhone,
      sensitive: { diagnosis: secrets.relatedSensitive },
    },
    caseFile: true,
    meetingFile: true,
  });

  it('answers the plain texts (and the files’ bytes) to the coordinator, as before', async () => {
    expect(await readBack()).toEqual(plainTexts());
  });

  it('leaves none of the sealed texts in a database dump, while its searchable fields are there', async () => {
    const sut = await databaseDump(t.db);
    // The dump is real: it holds the case's searchable fields (kept plain, docs/security.md).
    expect(sut.text).toContain(familyName);
    expect(sut.text).toContain(caseNumber);
    for (const secret of [...Object.values(secrets), relatedBirthDate]) {
      expect(sut.text).not.toContain(secret);
      expect(sut.text).not.toContain(hex(secret));
    }
    // The relation stays a plain code beside the sealed fields (nothing to hide in it).
    expect(sut.text).toContain('sibling');
  });

  it('stores the files’ bytes only sealed: the storage holds none of their contents', () => {
    const dir = join(t.config.files.storageDir, c.councilId);
    const stored = readdirSync(dir).map((name) => readFileSync(join(dir, name)));
    expect(stored).toHaveLength(2);
    for (const bytes of stored) {
      expect(bytes.subarray(0, 4).toString('latin1')).not.toBe('%PDF');
      for (const secret of [secrets.caseFile, secrets.meetingFile])
        expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
  });

  it('keeps every case readable after kek:rotate, without the old KEK', async () => {
    const newKek = randomBytes(32).toString('base64');
    // An instance that holds only the new KEK cannot open what the old one wrapped…
    const onlyNew = await createInstanceOn(t, { DATA_KEK: newKek });
    try {
      current = () => onlyNew;
      expect((await readBack()).status).toEqual([500, 500, 500, 500, 500, 500, 500, 500]);
    } finally {
      current = () => t;
    }

    // …until the operator rotates: new key as DATA_KEK, the old one as DATA_KEK_PREVIOUS.
    const saved = { ...process.env };
    const lines: string[] = [];
    try {
      Object.assign(process.env, {
        DATABASE_URL: t.config.database.url,
        PLATFORM_DATABASE_URL: t.config.database.platformUrl,
        JWT_SECRET: TEST_JWT_SECRET,
        AUDIT_SIGNING_KEY: TEST_SIGNING_KEY,
        MFA_ENCRYPTION_KEY: TEST_MFA_KEY,
        DATA_KEK: newKek,
        DATA_KEK_PREVIOUS: TEST_DATA_KEK,
      });
      await kekRotate((line) => lines.push(line));
    } finally {
      process.env = saved;
    }
    expect(lines.join('\n')).toContain(`council ${c.councilId}: 2 data keys re-wrapped`);

    const { rows } = await t.db.superuser.query(
      `SELECT DISTINCT kek_id AS "kekId" FROM data_keys WHERE destroyed_at IS NULL`,
    );
    expect(rows).toEqual([{ kekId: kekIdOf(kekFrom(newKek)) }]);
    try {
      current = () => onlyNew;
      expect(await readBack()).toEqual(plainTexts());
    } finally {
      current = () => t;
      await onlyNew.close();
    }
    const events = await t.db.superuser.query(
      `SELECT actor_role AS role, reason FROM audit_events WHERE council_id = $1 AND action = 'data_keys.rewrap'`,
      [c.councilId],
    );
    expect(events.rows).toEqual([
      { role: 'system', reason: `kek=${kekIdOf(kekFrom(newKek))} keys=2` },
    ]);
  }, 120_000);
});

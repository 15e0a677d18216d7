import { randomBytes } from 'node:crypto';
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
import { actingAs, createCouncil, TestCouncil, TestStaff } from '../support/factories';

/** A marker no test data contains by chance. */
const marker = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

// Several councils' worth of HTTP calls per test: generous under a loaded machine (docs/testing.md).
jest.setTimeout(90_000);

/**
 * Envelope encryption (issue 19): the `sensitive` object, note bodies and minutes text are
 * stored only sealed under a per-case (per-meeting) data key wrapped by DATA_KEK, so a database
 * dump reveals none of them; rotating the KEK keeps everything readable without the old key.
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
  };
  const familyName = marker('Family');
  let caseId: string;
  let caseNumber: string;
  let meetingId: string;

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
  }, 120_000);
  afterAll(() => t.close());

  /** What the coordinator reads back through the API. */
  async function readBack() {
    const one = await as(coordinator, 'get', `${base()}/cases/${caseId}`);
    const notes = await as(coordinator, 'get', `${base()}/cases/${caseId}/notes`);
    const minutes = await as(coordinator, 'get', `${base()}/meetings/${meetingId}/minutes`);
    return {
      status: [one.status, notes.status, minutes.status],
      sensitive: one.body.sensitive as unknown,
      notes: (notes.body.items as { body: string }[] | undefined)?.map((n) => n.body),
      minutes: minutes.body.body as unknown,
    };
  }

  it('answers the plain texts to the coordinator, as before', async () => {
    expect(await readBack()).toEqual({
      status: [200, 200, 200],
      sensitive: { diagnosis: secrets.sensitive },
      notes: [secrets.note],
      minutes: secrets.minutes,
    });
  });

  it('leaves none of the sealed texts in a database dump, while its searchable fields are there', async () => {
    const sut = await databaseDump(t.db);
    // The dump is real: it holds the case's searchable fields (kept plain, docs/security.md).
    expect(sut.text).toContain(familyName);
    expect(sut.text).toContain(caseNumber);
    for (const secret of Object.values(secrets)) {
      expect(sut.text).not.toContain(secret);
      expect(sut.text).not.toContain(hex(secret));
    }
  });

  it('keeps every case readable after kek:rotate, without the old KEK', async () => {
    const newKek = randomBytes(32).toString('base64');
    // An instance that holds only the new KEK cannot open what the old one wrapped…
    const onlyNew = await createInstanceOn(t, { DATA_KEK: newKek });
    try {
      current = () => onlyNew;
      expect((await readBack()).status).toEqual([500, 500, 500]);
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
      expect(await readBack()).toEqual({
        status: [200, 200, 200],
        sensitive: { diagnosis: secrets.sensitive },
        notes: [secrets.note],
        minutes: secrets.minutes,
      });
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

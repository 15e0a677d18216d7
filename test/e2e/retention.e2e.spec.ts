import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, TestApp } from '../support/app';
import { databaseDump } from '../support/dump';
import { actingAs, createCouncil, login, TestCouncil, TestStaff } from '../support/factories';
import request from '../support/http';

const marker = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;

// Several councils' worth of HTTP calls per test: generous under a loaded machine (docs/testing.md).
jest.setTimeout(90_000);

/**
 * Retention, legal holds and disposal (issue 19 items 2–4). Time passing is simulated by moving
 * a case's closure date into the past (docs/testing.md), never by waiting.
 */
describe('retention, legal holds and disposal (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let agency: TestStaff;
  let auditor: TestStaff;
  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;

  /** A case with content, shared with the agency (full scope), read by it, then closed. */
  async function closedCase(closedOn: string | null) {
    const texts = {
      familyName: marker('姓'),
      sensitive: marker('DIAGNOSIS'),
      note: marker('NOTE'),
      address: marker('ADDRESS'),
      contactNote: marker('CONTACT'),
      riskReason: marker('RISK'),
      relatedName: marker('RELATED'),
      relatedAddress: marker('RELADDRESS'),
      fileContent: marker('FILE'),
    };
    const created = await as(coordinator, 'post', `${base()}/cases`, {
      subject: {
        familyName: texts.familyName,
        givenName: '花子',
        address: texts.address,
        birthDate: '1950-01-02',
      },
      summary: '見守り',
      concerns: ['health'],
      sensitive: { diagnosis: texts.sensitive },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(
      (
        await as(coordinator, 'post', `${base()}/cases/${id}/assignments`, {
          memberBodyId: agency.memberBodyId,
          role: 'lead',
          scope: 'full',
          basis: 'statutory',
          basisNote: '法令に基づく',
        })
      ).status,
    ).toBe(201);
    expect(
      (await as(agency, 'post', `${base()}/cases/${id}/notes`, { body: texts.note })).status,
    ).toBe(201);
    expect((await as(agency, 'get', `${base()}/cases/${id}`)).status).toBe(200);
    // The intake facts and a file, sealed under the case's key (issue 19).
    for (const [path, body] of [
      [
        'contacts',
        {
          at: '2019-05-01T10:00:00+09:00',
          channel: 'visit',
          reached: true,
          memberBodyId: agency.memberBodyId,
          note: texts.contactNote,
        },
      ],
      ['risk', { level: 'high', reason: texts.riskReason }],
      [
        'related-persons',
        { relation: 'child', familyName: texts.relatedName, address: texts.relatedAddress },
      ],
    ] as const)
      expect((await as(coordinator, 'post', `${base()}/cases/${id}/${path}`, body)).status).toBe(
        201,
      );
    const { accessToken } = await login(t, coordinator);
    const file = await request(t.server)
      .post(`${base()}/cases/${id}/attachments`)
      .query({ fileName: `${texts.familyName}.pdf` })
      .set('Authorization', `Bearer ${accessToken}`)
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from(`%PDF-1.4\n% ${texts.fileContent}\n${'x'.repeat(100)}\n%%EOF\n`));
    expect(file.status).toBe(201);
    if (closedOn) {
      expect(
        (await as(coordinator, 'post', `${base()}/cases/${id}/close`, { reason: '支援終結' }))
          .status,
      ).toBe(200);
      // Closed long ago: the council's calendar day of closure moved into the past.
      await t.db.superuser.query(
        `UPDATE cases SET closed_at = ($2::date + time '12:00') AT TIME ZONE current_setting('TimeZone') WHERE id = $1`,
        [id, closedOn],
      );
    }
    return {
      id,
      caseNumber: created.body.caseNumber as string,
      texts,
      fileId: file.body.id as string,
    };
  }

  /** The council's stored files (one per upload, under the council's directory). */
  const storedFiles = (): string[] => {
    const dir = join(t.config.files.storageDir, c.councilId);
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator', 'agency_staff', 'auditor']);
    [coordinator, agency, auditor] = c.staff;
  }, 120_000);
  afterAll(() => t.close());

  describe('schedules', () => {
    it('answers every record class, the installation default where the council chose none', async () => {
      const sut = await as(coordinator, 'get', `${base()}/retention/schedules`);
      expect(sut.status).toBe(200);
      expect(sut.body.items).toHaveLength(5);
      expect(sut.body.items[0]).toEqual({
        recordClass: 'closed_cases',
        years: 5,
        isDefault: true,
        minYears: 1,
        maxYears: 30,
      });
    });

    it('refuses a period outside the configured limits (400) and an agency changing one (403)', async () => {
      const far = await as(coordinator, 'put', `${base()}/retention/schedules/minutes`, {
        years: 31,
      });
      expect(far.status).toBe(400);
      expect(far.body.code).toBe('RETENTION_OUT_OF_LIMITS');
      const bad = await as(coordinator, 'put', `${base()}/retention/schedules/nonsense`, {
        years: 3,
      });
      expect(bad.status).toBe(400);
      expect(
        (await as(agency, 'put', `${base()}/retention/schedules/minutes`, { years: 3 })).status,
      ).toBe(403);
    });

    it('lets a coordinator choose a period, recorded', async () => {
      const sut = await as(coordinator, 'put', `${base()}/retention/schedules/minutes`, {
        years: 10,
      });
      expect(sut.status).toBe(200);
      expect(
        sut.body.items.find((i: { recordClass: string }) => i.recordClass === 'minutes'),
      ).toMatchObject({ years: 10, isDefault: false });
      const { rows } = await t.db.superuser.query(
        `SELECT reason FROM audit_events WHERE council_id = $1 AND action = 'retention.update'`,
        [c.councilId],
      );
      expect(rows).toEqual([{ reason: 'class=minutes years=10' }]);
    });

    it('keeps audit events at least AUDIT_RETENTION_YEARS and never shorter than any content class (Art. 18)', async () => {
      const schedule = async () =>
        (await as(coordinator, 'get', `${base()}/retention/schedules`)).body.items.find(
          (i: { recordClass: string }) => i.recordClass === 'audit_events',
        );
      // The installation's audit floor (AUDIT_RETENTION_YEARS, 10) is the default and the minimum.
      expect(await schedule()).toMatchObject({ years: 10, isDefault: true, minYears: 10 });
      const below = await as(coordinator, 'put', `${base()}/retention/schedules/audit_events`, {
        years: 9,
      });
      expect(below.status).toBe(400);
      expect(below.body.code).toBe('RETENTION_OUT_OF_LIMITS');
      // A content class may not outlive the record of who accessed it…
      const longer = await as(coordinator, 'put', `${base()}/retention/schedules/attachments`, {
        years: 11,
      });
      expect(longer.status).toBe(422);
      expect(longer.body.code).toBe('AUDIT_RETENTION_TOO_SHORT');
      expect(
        (await as(coordinator, 'get', `${base()}/retention/schedules`)).body.items.find(
          (i: { recordClass: string }) => i.recordClass === 'attachments',
        ),
      ).toMatchObject({ years: 5, isDefault: true });
      // …nor may audit events be shortened below one (minutes: 10 above; raised to 12 here).
      expect(
        (await as(coordinator, 'put', `${base()}/retention/schedules/audit_events`, { years: 12 }))
          .status,
      ).toBe(200);
      expect(
        (await as(coordinator, 'put', `${base()}/retention/schedules/minutes`, { years: 12 }))
          .status,
      ).toBe(200);
      const shorter = await as(coordinator, 'put', `${base()}/retention/schedules/audit_events`, {
        years: 11,
      });
      expect(shorter.status).toBe(422);
      expect(shorter.body.code).toBe('AUDIT_RETENTION_TOO_SHORT');
      expect(await schedule()).toMatchObject({ years: 12, isDefault: false });
      expect(
        (await as(coordinator, 'put', `${base()}/retention/schedules/minutes`, { years: 10 }))
          .status,
      ).toBe(200);
    });
  });

  describe('review and disposal', () => {
    it('lists a closed case reaching the end of its period in the coordinator’s worklist', async () => {
      const due = await closedCase('2019-06-01');
      const recent = await closedCase('2026-04-01');
      const sut = await as(coordinator, 'get', `${base()}/worklist?kind=retention_due`);
      expect(sut.status).toBe(200);
      const items = sut.body.items as { caseId: string; dueOn: string; overdue: boolean }[];
      // 年度 2019 + 5 年度 → disposable from 2025-04-01.
      expect(items.find((i) => i.caseId === due.id)).toMatchObject({
        dueOn: '2025-04-01',
        overdue: true,
      });
      expect(items.map((i) => i.caseId)).not.toContain(recent.id);
      const forAgency = await as(agency, 'get', `${base()}/worklist?kind=retention_due`);
      expect(forAgency.body.items).toEqual([]);
    });

    it('refuses to dispose of an open case or one whose period has not ended (422)', async () => {
      const open = await closedCase(null);
      const recent = await closedCase('2026-04-01');
      for (const id of [open.id, recent.id]) {
        const sut = await as(coordinator, 'post', `${base()}/cases/${id}/disposal`, {});
        expect(sut.status).toBe(422);
        expect(sut.body.code).toBe('RETENTION_NOT_REACHED');
      }
      const kept = await as(coordinator, 'get', `${base()}/cases/${recent.id}`);
      expect(kept.body.subject.familyName).toBe(recent.texts.familyName);
    });

    it('lets an auditor hold a case (never dispose of it); a hold blocks disposal until released; all recorded', async () => {
      const held = await closedCase('2018-05-01');
      const hold = await as(auditor, 'post', `${base()}/cases/${held.id}/legal-holds`, {
        reason: '訴訟対応',
      });
      expect(hold.status).toBe(201);
      expect(hold.body.inForce).toBe(true);
      expect((await as(auditor, 'post', `${base()}/cases/${held.id}/disposal`, {})).status).toBe(
        403,
      );
      const refused = await as(coordinator, 'post', `${base()}/cases/${held.id}/disposal`, {});
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('LEGAL_HOLD');
      const run = await as(coordinator, 'post', `${base()}/disposal-runs`, { caseIds: [held.id] });
      expect(run.body.items).toEqual([{ caseId: held.id, outcome: 'held' }]);
      expect(
        (await as(coordinator, 'get', `${base()}/cases/${held.id}`)).body.subject.familyName,
      ).toBe(held.texts.familyName);

      const released = await as(
        auditor,
        'post',
        `${base()}/cases/${held.id}/legal-holds/${hold.body.id}/release`,
        { reason: '終結' },
      );
      expect(released.status).toBe(200);
      expect(released.body.inForce).toBe(false);
      const disposed = await as(coordinator, 'post', `${base()}/cases/${held.id}/disposal`, {});
      expect(disposed.status).toBe(200);
      const { rows } = await t.db.superuser.query(
        `SELECT action, actor_role AS role FROM audit_events WHERE council_id = $1 AND case_id = $2
            AND action IN ('legal_hold.place', 'legal_hold.release', 'case.dispose') AND outcome = 'allowed' ORDER BY seq`,
        [c.councilId, held.id],
      );
      expect(rows).toEqual([
        { action: 'legal_hold.place', role: 'auditor' },
        { action: 'legal_hold.release', role: 'auditor' },
        { action: 'case.dispose', role: 'coordinator' },
      ]);
    });

    describe('files past the attachments period', () => {
      beforeAll(async () => {
        // Files kept 3 年度, the case itself 5 (the installation default).
        expect(
          (await as(coordinator, 'put', `${base()}/retention/schedules/attachments`, { years: 3 }))
            .status,
        ).toBe(200);
      });
      afterAll(async () => {
        await as(coordinator, 'put', `${base()}/retention/schedules/attachments`, { years: 5 });
      });

      const download = (caseId: string, fileId: string) =>
        as(coordinator, 'get', `${base()}/cases/${caseId}/attachments/${fileId}`);

      it('are due from 1 April of the 年度 after their period (年度 boundary), not a day before', async () => {
        // Closed 2023-03-31 (年度 2022) + 3 年度 → from 2026-04-01: due now.
        // Closed 2023-04-01 (年度 2023) + 3 年度 → from 2027-04-01: not yet.
        const notDue = await closedCase('2023-04-01');
        const refused = await as(
          coordinator,
          'post',
          `${base()}/cases/${notDue.id}/attachment-disposal`,
          {},
        );
        expect(refused.status).toBe(422);
        expect(refused.body.code).toBe('RETENTION_NOT_REACHED');
        expect((await download(notDue.id, notDue.fileId)).status).toBe(200);

        const due = await closedCase('2023-03-31');
        const listed = async (who: TestStaff) =>
          (
            (await as(who, 'get', `${base()}/worklist?kind=attachments_retention_due`)).body
              .items as { caseId: string; dueOn: string; overdue: boolean }[]
          ).filter((i) => [due.id, notDue.id].includes(i.caseId));
        expect(await listed(coordinator)).toEqual([
          expect.objectContaining({ caseId: due.id, dueOn: '2026-04-01', overdue: true }),
        ]);
        expect(await listed(agency)).toEqual([]);
        const filesBefore = storedFiles().length;
        const sut = await as(
          coordinator,
          'post',
          `${base()}/cases/${due.id}/attachment-disposal`,
          {},
        );
        expect(sut.status).toBe(200);
        expect(sut.body).toMatchObject({
          caseId: due.id,
          caseNumber: due.caseNumber,
          closedOn: '2023-03-31',
          rule: 'attachments:3',
          retentionEndedOn: '2026-04-01',
          disposedBy: coordinator.id,
          filesDestroyed: 1,
        });
        // The bytes are gone from the storage; the record stays without its name.
        expect(storedFiles().length).toBe(filesBefore - 1);
        const { rows: files } = await t.db.superuser.query(
          `SELECT storage_key AS "storageKey", file_name AS "fileName", size_bytes::int AS size,
                  content_destroyed_at IS NOT NULL AS destroyed
             FROM attachments WHERE council_id = $1 AND case_id = $2`,
          [c.councilId, due.id],
        );
        expect(files).toEqual([
          {
            storageKey: expect.any(String),
            fileName: '（廃棄済）',
            size: expect.any(Number),
            destroyed: true,
          },
        ]);
        expect(storedFiles()).not.toContain((files[0].storageKey as string).split('/')[1]);
        const records = await as(coordinator, 'get', `${base()}/cases/${due.id}/attachments`);
        expect(records.body.items).toEqual([
          expect.objectContaining({ id: due.fileId, fileName: '（廃棄済）' }),
        ]);
        // Reviewed and done: no longer listed.
        expect(await listed(coordinator)).toEqual([]);
        const bytes = await download(due.id, due.fileId);
        expect(bytes.status).toBe(409);
        expect(bytes.body.code).toBe('CASE_DISPOSED');
        // The case itself is kept: its period (closed_cases, 5 年度) has not ended.
        const kept = await as(coordinator, 'get', `${base()}/cases/${due.id}`);
        expect(kept.body.subject.familyName).toBe(due.texts.familyName);
        const dump = await databaseDump(t.db);
        expect(dump.text).not.toContain(`${due.texts.familyName}.pdf`);
        // The certificate is an audit event; the chain still verifies.
        const { rows } = await t.db.superuser.query(
          `SELECT actor_user_id AS actor, reason FROM audit_events
            WHERE council_id = $1 AND case_id = $2 AND action = 'case.attachments_dispose' AND outcome = 'allowed'`,
          [c.councilId, due.id],
        );
        expect(rows).toEqual([
          {
            actor: coordinator.id,
            reason: 'rule=attachments:3 closed=2023-03-31 disposable_from=2026-04-01 files=1',
          },
        ]);
        const verify = await as(auditor, 'get', `${base()}/audit/verify`);
        expect(verify.body.valid).toBe(true);
      });

      it('are kept by a legal hold; only a coordinator disposes of them; bad input changes nothing', async () => {
        const held = await closedCase('2022-05-01');
        expect(
          (
            await as(auditor, 'post', `${base()}/cases/${held.id}/legal-holds`, {
              reason: '訴訟対応',
            })
          ).status,
        ).toBe(201);
        const url = `${base()}/cases/${held.id}/attachment-disposal`;
        const refused = await as(coordinator, 'post', url, {});
        expect(refused.status).toBe(409);
        expect(refused.body.code).toBe('LEGAL_HOLD');
        expect((await as(auditor, 'post', url, {})).status).toBe(403);
        // Agency staff hold no `dispose` action at all: the role is refused (audited 403).
        expect((await as(agency, 'post', url, {})).status).toBe(403);
        // A malformed or unknown case id is a case the caller cannot see: 404, nothing changes.
        for (const id of ['not-a-uuid', randomUUID()])
          expect(
            (await as(coordinator, 'post', `${base()}/cases/${id}/attachment-disposal`, {})).status,
          ).toBe(404);
        expect((await download(held.id, held.fileId)).status).toBe(200);
        const { rows } = await t.db.superuser.query(
          `SELECT file_name AS "fileName", content_destroyed_at AS destroyed FROM attachments
            WHERE council_id = $1 AND case_id = $2`,
          [c.councilId, held.id],
        );
        expect(rows).toEqual([{ fileName: `${held.texts.familyName}.pdf`, destroyed: null }]);
      });
    });

    describe('a disposed case', () => {
      let gone: Awaited<ReturnType<typeof closedCase>>;
      let certificate: Record<string, unknown>;
      let eventsBefore: number;
      let filesBefore: number;

      beforeAll(async () => {
        gone = await closedCase('2019-06-01');
        filesBefore = storedFiles().length;
        eventsBefore = Number(
          (
            await t.db.superuser.query(
              `SELECT count(*) AS n FROM audit_events WHERE council_id = $1 AND case_id = $2`,
              [c.councilId, gone.id],
            )
          ).rows[0].n,
        );
        const run = await as(coordinator, 'post', `${base()}/disposal-runs`, {
          caseIds: [gone.id],
        });
        expect(run.status).toBe(200);
        expect(run.body.items[0].outcome).toBe('disposed');
        certificate = run.body.items[0].certificate;
      }, 60_000);

      it('answers a certificate: what, under which rule, by whom, key destroyed', () => {
        expect(certificate).toMatchObject({
          caseId: gone.id,
          caseNumber: gone.caseNumber,
          closedOn: '2019-06-01',
          rule: 'closed_cases:5',
          retentionEndedOn: '2025-04-01',
          disposedBy: coordinator.id,
          keyDestroyed: true,
        });
      });

      it('keeps its skeleton but none of its content, through every API', async () => {
        // The agency lost the case when it closed (its assignment ended): 404 as before.
        expect((await as(agency, 'get', `${base()}/cases/${gone.id}`)).status).toBe(404);
        for (const who of [coordinator]) {
          const one = await as(who, 'get', `${base()}/cases/${gone.id}`);
          expect(one.status).toBe(200);
          expect(one.body).toMatchObject({
            id: gone.id,
            caseNumber: gone.caseNumber,
            status: 'closed',
          });
          expect(one.body.subject).toEqual({
            familyName: '（廃棄済）',
            givenName: '（廃棄済）',
            familyNameKana: null,
            givenNameKana: null,
            birthDate: null,
            gender: null,
            address: null,
            phone: null,
          });
          expect(one.body.sensitive ?? null).toBeNull();
          expect(one.body.summary).toBe('');
          const notes = await as(who, 'get', `${base()}/cases/${gone.id}/notes`);
          expect(notes.body.items.map((n: { body: unknown }) => n.body)).toEqual([null]);
          const history = await as(who, 'get', `${base()}/cases/${gone.id}/status-history`);
          expect(history.status).toBe(200);
          // Intake facts keep their skeleton (when, how, which level, which relation) only.
          const contacts = await as(who, 'get', `${base()}/cases/${gone.id}/contacts`);
          expect(contacts.body.items).toEqual([
            expect.objectContaining({ channel: 'visit', reached: true, note: null }),
          ]);
          const risk = await as(who, 'get', `${base()}/cases/${gone.id}/risk`);
          expect(risk.body.history).toEqual([
            expect.objectContaining({ level: 'high', reason: null }),
          ]);
          const related = await as(who, 'get', `${base()}/cases/${gone.id}/related-persons`);
          expect(related.body.items).toEqual([
            expect.objectContaining({
              relation: 'child',
              familyName: '（廃棄済）',
              givenName: null,
              address: null,
              phone: null,
              sensitive: null,
            }),
          ]);
          const files = await as(who, 'get', `${base()}/cases/${gone.id}/attachments`);
          expect(files.body.items).toEqual([
            expect.objectContaining({ id: gone.fileId, fileName: '（廃棄済）' }),
          ]);
          const bytes = await as(
            who,
            'get',
            `${base()}/cases/${gone.id}/attachments/${gone.fileId}`,
          );
          expect(bytes.status).toBe(409);
          expect(bytes.body.code).toBe('CASE_DISPOSED');
        }
        const search = await as(
          coordinator,
          'get',
          `${base()}/cases/search?q=${encodeURIComponent(gone.texts.familyName)}`,
        );
        expect(search.body.items).toEqual([]);
      });

      it('leaves none of its content in the database: its data key is destroyed', async () => {
        const { rows } = await t.db.superuser.query(
          `SELECT wrapped, kek_id AS "kekId", destroyed_at IS NOT NULL AS destroyed FROM data_keys
            WHERE council_id = $1 AND owner_type = 'case' AND owner_id = $2`,
          [c.councilId, gone.id],
        );
        expect(rows).toEqual([{ wrapped: null, kekId: null, destroyed: true }]);
        const dump = await databaseDump(t.db);
        expect(dump.text).toContain(gone.caseNumber);
        for (const text of Object.values(gone.texts)) expect(dump.text).not.toContain(text);
        // Its file is gone from the storage, not only unreadable.
        expect(storedFiles().length).toBe(filesBefore - 1);
        const { rows: files } = await t.db.superuser.query(
          `SELECT storage_key AS "storageKey", content_destroyed_at IS NOT NULL AS destroyed
             FROM attachments WHERE council_id = $1 AND case_id = $2`,
          [c.councilId, gone.id],
        );
        expect(files).toEqual([{ storageKey: expect.any(String), destroyed: true }]);
        expect(storedFiles()).not.toContain((files[0].storageKey as string).split('/')[1]);
        await expect(
          t.db.superuser.query(
            `UPDATE data_keys SET destroyed_at = NULL, wrapped = '\\x00'::bytea, kek_id = '0000000000000000'
              WHERE council_id = $1 AND owner_id = $2`,
            [c.councilId, gone.id],
          ),
        ).rejects.toThrow(/never restored/);
      });

      it('accepts nothing more (409 CASE_DISPOSED), not even reopening', async () => {
        const reopen = await as(coordinator, 'post', `${base()}/cases/${gone.id}/reopen`, {
          reason: '再開',
        });
        expect(reopen.status).toBe(409);
        expect(reopen.body.code).toBe('CASE_DISPOSED');
        const again = await as(coordinator, 'post', `${base()}/cases/${gone.id}/disposal`, {});
        expect(again.status).toBe(409);
        expect(again.body.code).toBe('CASE_DISPOSED');
      });

      it('keeps every audit event: the chain verifies and the access report lists every access', async () => {
        const verify = await as(auditor, 'get', `${base()}/audit/verify`);
        expect(verify.status).toBe(200);
        expect(verify.body.valid).toBe(true);
        const report = await as(auditor, 'get', `${base()}/audit/access-report?caseId=${gone.id}`);
        expect(report.status).toBe(200);
        const items = report.body.items as {
          action: string;
          actorUserId: string;
          reason: string | null;
        }[];
        expect(items.length).toBeGreaterThanOrEqual(eventsBefore + 1);
        expect(items).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ action: 'case.read', actorUserId: agency.id }),
            expect.objectContaining({ action: 'note.create', actorUserId: agency.id }),
            expect.objectContaining({
              action: 'case.dispose',
              actorUserId: coordinator.id,
              reason:
                'rule=closed_cases:5 closed=2019-06-01 disposable_from=2025-04-01 key_destroyed=true',
            }),
          ]),
        );
      });
    });
  });
});

import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  memberBodyWithStaff,
  TestCouncil,
  TestStaff,
} from '../support/factories';

/**
 * Intake facts about a case (issue 17 items 5–8): related persons under the subject's field
 * restrictions, the risk level and its history, the contact log, the statutory basis with a
 * code that lapses after its review date on every path, and case numbers by 年度.
 */
describe('related persons, risk, contacts, statutory basis, 年度 numbers (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let full: TestStaff;
  let limited: TestStaff;
  let outsider: TestStaff;

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;
  const inDays = (n: number): string =>
    new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString();
  let seq = 0;

  /** A case; `full` assigned with scope full, `limited` with scope limited (both statutory). */
  async function newCase(opts: { assign?: boolean } = {}): Promise<string> {
    seq += 1;
    const created = await as(coordinator, 'post', `${base()}/cases`, {
      subject: {
        familyName: '関係',
        givenName: `者${seq}`,
        birthDate: `1950-01-${String(seq).padStart(2, '0')}`,
      },
      summary: 's',
      concerns: ['isolation'],
    });
    expect(created.status).toBe(201);
    const caseId = created.body.id as string;
    if (opts.assign ?? true) {
      for (const [who, scope] of [
        [full, 'full'],
        [limited, 'limited'],
      ] as const) {
        const res = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
          memberBodyId: who.memberBodyId,
          role: 'support',
          scope,
          basis: 'statutory',
          basisNote: '見守りの依頼',
          basisCode: 'act_art16',
        });
        expect(res.status).toBe(201);
      }
    }
    return caseId;
  }

  const events = async (action: string, outcome = 'allowed') =>
    (
      await t.db.superuser.query(
        `SELECT case_id, resource_id, resource_ids, reason FROM audit_events
          WHERE council_id = $1 AND action = $2 AND outcome = $3 ORDER BY seq`,
        [c.councilId, action, outcome],
      )
    ).rows as { case_id: string; resource_id: string; resource_ids: string[]; reason: string }[];

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator']);
    [coordinator] = c.staff;
    full = await memberBodyWithStaff(t, c.councilId, coordinator, 'Full NPO');
    limited = await memberBodyWithStaff(t, c.councilId, coordinator, 'Limited NPO');
    outsider = await memberBodyWithStaff(t, c.councilId, coordinator, 'Unassigned NPO');
  }, 120_000);
  afterAll(() => t.close());

  describe('related persons', () => {
    let caseId: string;
    let personId: string;

    beforeAll(async () => {
      caseId = await newCase();
      const res = await as(coordinator, 'post', `${base()}/cases/${caseId}/related-persons`, {
        relation: 'parent',
        familyName: '関係',
        givenName: '母',
        familyNameKana: 'かんけい',
        birthDate: '1930-02-02',
        address: '桜ヶ丘2-2',
        phone: '090-0000-0000',
        sensitive: { diagnosis: '認知症' },
        supported: true,
      });
      expect(res.status).toBe(201);
      personId = res.body.id;
    });

    it('shows address, phone and sensitive content to the coordinator and full scope', async () => {
      for (const who of [coordinator, full]) {
        const sut = await as(who, 'get', `${base()}/cases/${caseId}/related-persons`);
        expect(sut.status).toBe(200);
        expect(sut.body.items).toHaveLength(1);
        expect(sut.body.items[0]).toMatchObject({
          id: personId,
          relation: 'parent',
          familyName: '関係',
          address: '桜ヶ丘2-2',
          phone: '090-0000-0000',
          sensitive: { diagnosis: '認知症' },
        });
      }
    });

    it('gives limited scope the person without address, phone or sensitive content', async () => {
      const sut = await as(limited, 'get', `${base()}/cases/${caseId}/related-persons`);
      expect(sut.status).toBe(200);
      const [person] = sut.body.items;
      expect(person).toMatchObject({ id: personId, relation: 'parent', familyName: '関係' });
      expect(person).not.toHaveProperty('address');
      expect(person).not.toHaveProperty('phone');
      expect(person).not.toHaveProperty('sensitive');
      expect(person).not.toHaveProperty('consents');
    });

    it('answers 404 to a body not covered on the case, and records the denial with the case id', async () => {
      const sut = await as(outsider, 'get', `${base()}/cases/${caseId}/related-persons`);
      expect(sut.status).toBe(404);
      expect((await events('related_person.list', 'denied')).map((e) => e.case_id)).toContain(
        caseId,
      );
    });

    it('records each list with the case id and the persons disclosed', async () => {
      await as(full, 'get', `${base()}/cases/${caseId}/related-persons`);
      const listed = (await events('related_person.list')).filter((e) => e.case_id === caseId);
      expect(listed.length).toBeGreaterThan(0);
      expect(listed[listed.length - 1].resource_ids).toEqual([personId]);
    });

    it('lets only coordinators add or correct related persons (403 for agency staff)', async () => {
      const add = await as(full, 'post', `${base()}/cases/${caseId}/related-persons`, {
        relation: 'friend',
        familyName: '友人',
      });
      expect(add.status).toBe(403);
      const patch = await as(
        full,
        'patch',
        `${base()}/cases/${caseId}/related-persons/${personId}`,
        { phone: '0' },
      );
      expect(patch.status).toBe(403);
    });

    it('corrects a related person and reports which fields changed (not their values)', async () => {
      const sut = await as(
        coordinator,
        'patch',
        `${base()}/cases/${caseId}/related-persons/${personId}`,
        { phone: '03-1111-1111' },
      );
      expect(sut.status).toBe(200);
      expect(sut.body.phone).toBe('03-1111-1111');
      const updates = (await events('related_person.update')).filter((e) => e.case_id === caseId);
      expect(updates[updates.length - 1].reason).toBe('fields=phone');
    });

    it('requires the text of relation "other" (400 with details)', async () => {
      const sut = await as(coordinator, 'post', `${base()}/cases/${caseId}/related-persons`, {
        relation: 'other',
        familyName: '誰か',
      });
      expect(sut.status).toBe(400);
      expect(sut.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(sut.body.details)).toContain('relationText');
    });

    it('answers 404 for a related person of another case', async () => {
      const other = await newCase({ assign: false });
      const sut = await as(
        coordinator,
        'patch',
        `${base()}/cases/${other}/related-persons/${personId}`,
        { phone: '0' },
      );
      expect(sut.status).toBe(404);
    });

    it('records a related person’s own consent, which never covers a body on the case', async () => {
      const sut = await as(
        coordinator,
        'post',
        `${base()}/cases/${caseId}/related-persons/${personId}/consents`,
        { memberBodyIds: [outsider.memberBodyId], method: 'written', obtainedOn: inDays(-1) },
      );
      expect(sut.status).toBe(201);
      expect(sut.body.consents).toEqual([
        expect.objectContaining({ memberBodyIds: [outsider.memberBodyId], active: true }),
      ]);
      // The case subject has not consented to the outsider: no consent-based assignment.
      const assign = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
        memberBodyId: outsider.memberBodyId,
        role: 'support',
        scope: 'limited',
        basis: 'consent',
      });
      expect(assign.status).toBe(422);
      expect(assign.body.code).toBe('CONSENT_REQUIRED');
    });
  });

  describe('risk level', () => {
    it('keeps the history, newest first, with who set it, and shows the current level on the case', async () => {
      const caseId = await newCase();
      for (const [level, reason] of [
        ['medium', '連絡が途絶えがち'],
        ['urgent', '室内で倒れている可能性'],
      ]) {
        const res = await as(coordinator, 'post', `${base()}/cases/${caseId}/risk`, {
          level,
          reason,
        });
        expect(res.status).toBe(201);
      }
      const sut = await as(coordinator, 'get', `${base()}/cases/${caseId}/risk`);
      expect(sut.status).toBe(200);
      expect(sut.body.history.map((r: { level: string }) => r.level)).toEqual(['urgent', 'medium']);
      expect(sut.body.current).toMatchObject({
        level: 'urgent',
        reason: '室内で倒れている可能性',
        setBy: coordinator.id,
      });
      const view = await as(full, 'get', `${base()}/cases/${caseId}`);
      expect(view.body.riskLevel).toBe('urgent');
      const set = (await events('risk.set')).filter((e) => e.case_id === caseId);
      expect(set.map((e) => e.reason)).toEqual(['level=none->medium', 'level=medium->urgent']);
    });

    it('refuses agency staff setting a level (403, recorded)', async () => {
      const caseId = await newCase();
      const sut = await as(full, 'post', `${base()}/cases/${caseId}/risk`, {
        level: 'low',
        reason: 'x',
      });
      expect(sut.status).toBe(403);
      expect(await events('risk.create', 'denied')).not.toHaveLength(0);
      const history = await as(coordinator, 'get', `${base()}/cases/${caseId}/risk`);
      expect(history.body.history).toEqual([]);
    });

    it('withholds the reason from limited scope but not from full scope', async () => {
      const caseId = await newCase();
      await as(coordinator, 'post', `${base()}/cases/${caseId}/risk`, {
        level: 'high',
        reason: '服薬中断',
      });
      const lim = await as(limited, 'get', `${base()}/cases/${caseId}/risk`);
      expect(lim.status).toBe(200);
      expect(lim.body.current).toMatchObject({ level: 'high', reason: null });
      const ful = await as(full, 'get', `${base()}/cases/${caseId}/risk`);
      expect(ful.body.current.reason).toBe('服薬中断');
    });

    it('refuses an unknown level (400)', async () => {
      const caseId = await newCase({ assign: false });
      const sut = await as(coordinator, 'post', `${base()}/cases/${caseId}/risk`, {
        level: 'extreme',
        reason: 'x',
      });
      expect(sut.status).toBe(400);
      expect(sut.body.code).toBe('VALIDATION_FAILED');
    });

    describe('lists by risk', () => {
      const ids: Record<string, string> = {};
      /** The ids of this block's cases among `items`, in their order. */
      const ours = (items: { id: string }[]) =>
        items.map((x) => x.id).filter((id) => Object.values(ids).includes(id));
      beforeAll(async () => {
        for (const level of ['low', 'urgent', null, 'high', 'medium', 'urgent2'] as const) {
          const id = await newCase();
          ids[level ?? 'none'] = id;
          if (level)
            await as(coordinator, 'post', `${base()}/cases/${id}/risk`, {
              level: level.replace('2', ''),
              reason: 'r',
            });
        }
        // A case the agency is not assigned to, urgent: never listed for it.
        ids.hidden = await newCase({ assign: false });
        await as(coordinator, 'post', `${base()}/cases/${ids.hidden}/risk`, {
          level: 'urgent',
          reason: 'r',
        });
      }, 120_000);

      it('filters by the current level (?risk=high,urgent) under the read policy', async () => {
        const sut = await as(full, 'get', `${base()}/cases?risk=high,urgent&limit=200`);
        expect(sut.status).toBe(200);
        expect(ours(sut.body.items).sort()).toEqual([ids.urgent, ids.high, ids.urgent2].sort());
        for (const item of sut.body.items as { riskLevel: string }[])
          expect(['high', 'urgent']).toContain(item.riskLevel);
      });

      it('sorts urgent first and unassessed last, page by page with the cursor', async () => {
        const seen: { id: string; riskLevel: string | null }[] = [];
        let cursor: string | null = null;
        do {
          const page = await as(
            coordinator,
            'get',
            `${base()}/cases?sort=risk&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          );
          expect(page.status).toBe(200);
          seen.push(...page.body.items);
          cursor = page.body.nextCursor;
        } while (cursor);
        // Every case once, in rank order across pages.
        expect(new Set(seen.map((x) => x.id)).size).toBe(seen.length);
        const rank = (l: string | null) => ['urgent', 'high', 'medium', 'low', null].indexOf(l);
        const ranks = seen.map((x) => rank(x.riskLevel));
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        expect(ours(seen)).toEqual([
          ids.urgent,
          ids.urgent2,
          ids.hidden,
          ids.high,
          ids.medium,
          ids.low,
          ids.none,
        ]);
      });

      it('keeps the agency’s sorted list to the cases it may read', async () => {
        const sut = await as(full, 'get', `${base()}/cases?sort=risk&limit=200`);
        expect(ours(sut.body.items)).toEqual([
          ids.urgent,
          ids.urgent2,
          ids.high,
          ids.medium,
          ids.low,
          ids.none,
        ]);
      });

      it('refuses a cursor of the other sort order (400)', async () => {
        const first = await as(coordinator, 'get', `${base()}/cases?limit=1`);
        const sut = await as(
          coordinator,
          'get',
          `${base()}/cases?sort=risk&limit=1&cursor=${first.body.nextCursor}`,
        );
        expect(sut.status).toBe(400);
      });
    });
  });

  describe('contact log', () => {
    let caseId: string;
    beforeAll(async () => {
      caseId = await newCase();
    });

    it('lets agency staff record their own body’s contact, not another body’s (403, recorded)', async () => {
      const own = await as(full, 'post', `${base()}/cases/${caseId}/contacts`, {
        at: daysAgo(20),
        channel: 'visit',
        reached: true,
        memberBodyId: full.memberBodyId,
        note: '玄関先で会話',
      });
      expect(own.status).toBe(201);
      const other = await as(full, 'post', `${base()}/cases/${caseId}/contacts`, {
        at: daysAgo(1),
        channel: 'phone',
        reached: true,
        memberBodyId: limited.memberBodyId,
      });
      expect(other.status).toBe(403);
      expect((await events('contact.create', 'denied')).map((e) => e.case_id)).toContain(caseId);
    });

    it('lets the coordinator record a contact of any body', async () => {
      const sut = await as(coordinator, 'post', `${base()}/cases/${caseId}/contacts`, {
        at: daysAgo(19),
        channel: 'meeting',
        reached: false,
        memberBodyId: limited.memberBodyId,
      });
      expect(sut.status).toBe(201);
    });

    it('withholds a sensitive note from limited scope, shows it to full scope', async () => {
      const res = await as(full, 'post', `${base()}/cases/${caseId}/contacts`, {
        at: daysAgo(18),
        channel: 'phone',
        reached: false,
        memberBodyId: full.memberBodyId,
        note: '通院先の相談',
        sensitive: true,
      });
      expect(res.status).toBe(201);
      const lim = await as(limited, 'get', `${base()}/cases/${caseId}/contacts`);
      expect(lim.status).toBe(200);
      const mine = lim.body.items.find((x: { id: string }) => x.id === res.body.id);
      expect(mine).toMatchObject({ note: null, noteWithheld: true, sensitive: true });
      const plain = lim.body.items.find((x: { note: string | null }) => x.note === '玄関先で会話');
      expect(plain).toBeDefined();
      const ful = await as(full, 'get', `${base()}/cases/${caseId}/contacts`);
      expect(ful.body.items.find((x: { id: string }) => x.id === res.body.id).note).toBe(
        '通院先の相談',
      );
    });

    it('shows the last reached contact on the case (an unreached one does not count)', async () => {
      const sut = await as(limited, 'get', `${base()}/cases/${caseId}`);
      expect(sut.status).toBe(200);
      const reached = await as(coordinator, 'get', `${base()}/cases/${caseId}/contacts`);
      const lastReached = reached.body.items.find((x: { reached: boolean }) => x.reached);
      expect(sut.body.lastContactAt).toBe(lastReached.at);
    });

    it('lists cases with no reached contact for N days (?noContactForDays=)', async () => {
      const recent = await newCase();
      await as(full, 'post', `${base()}/cases/${recent}/contacts`, {
        at: daysAgo(2),
        channel: 'visit',
        reached: true,
        memberBodyId: full.memberBodyId,
      });
      const sut = await as(full, 'get', `${base()}/cases?noContactForDays=7&limit=200`);
      expect(sut.status).toBe(200);
      const listed = sut.body.items.map((x: { id: string }) => x.id);
      expect(listed).toContain(caseId);
      expect(listed).not.toContain(recent);
    });

    it('refuses a contact in the future (400) and answers 404 to a body not on the case', async () => {
      const future = await as(full, 'post', `${base()}/cases/${caseId}/contacts`, {
        at: new Date(Date.now() + 3_600_000).toISOString(),
        channel: 'visit',
        reached: true,
        memberBodyId: full.memberBodyId,
      });
      expect(future.status).toBe(400);
      const other = await memberBodyWithStaff(t, c.councilId, coordinator, 'Not on case');
      const hidden = await as(other, 'get', `${base()}/cases/${caseId}/contacts`);
      expect(hidden.status).toBe(404);
    });
  });

  describe('statutory basis', () => {
    it('stores the code, and maps a v1 basisNote-only request to "other" with its note', async () => {
      const caseId = await newCase({ assign: false });
      const v2 = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
        memberBodyId: full.memberBodyId,
        role: 'lead',
        scope: 'full',
        basis: 'statutory',
        basisNote: '生活困窮',
        basisCode: 'scsa_9',
        reviewOn: inDays(30),
      });
      expect(v2.status).toBe(201);
      expect(v2.body).toMatchObject({ basisCode: 'scsa_9', reviewOn: inDays(30) });
      const v1 = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
        memberBodyId: limited.memberBodyId,
        role: 'support',
        scope: 'limited',
        basis: 'statutory',
        basisNote: '児童福祉法に基づく',
      });
      expect(v1.status).toBe(201);
      expect(v1.body).toMatchObject({ basisCode: 'other', basisText: '児童福祉法に基づく' });
      // Without a review date, a statutory basis is reviewed a year from today (the council's calendar).
      const { rows } = await t.db.superuser.query(
        `SELECT (current_date + interval '1 year')::date::text AS day`,
      );
      expect(v1.body.reviewOn).toBe(rows[0].day);
    });

    it('refuses a deciding meeting that did not discuss the case (422)', async () => {
      const caseId = await newCase({ assign: false });
      const otherCase = await newCase({ assign: false });
      const meeting = await as(coordinator, 'post', `${base()}/meetings`, {
        tier: 'case_conference',
        title: '検討会議',
        heldAt: '2025-06-10T10:00:00+09:00',
        caseIds: [otherCase],
        attendeeStaffIds: [coordinator.staffId],
      });
      expect(meeting.status).toBe(201);
      const sut = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
        memberBodyId: full.memberBodyId,
        role: 'support',
        scope: 'full',
        basis: 'statutory',
        basisNote: 'n',
        basisCode: 'act_art16',
        basisMeetingId: meeting.body.id,
      });
      expect(sut.status).toBe(422);
      expect(sut.body.code).toBe('MEETING_NOT_ABOUT_CASE');
      const ok = await as(coordinator, 'post', `${base()}/cases/${otherCase}/assignments`, {
        memberBodyId: full.memberBodyId,
        role: 'support',
        scope: 'full',
        basis: 'statutory',
        basisNote: 'n',
        basisCode: 'act_art16',
        basisMeetingId: meeting.body.id,
      });
      expect(ok.status).toBe(201);
      expect(ok.body.basisMeetingId).toBe(meeting.body.id);
    });

    it('refuses a review date in the past (400) and renewing a consent basis (422)', async () => {
      const caseId = await newCase({ assign: false });
      const past = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
        memberBodyId: full.memberBodyId,
        role: 'support',
        scope: 'full',
        basis: 'statutory',
        basisNote: 'n',
        reviewOn: inDays(-1),
      });
      expect(past.status).toBe(400);
      await as(coordinator, 'post', `${base()}/cases/${caseId}/consents`, {
        memberBodyIds: [full.memberBodyId],
        method: 'written',
        obtainedOn: inDays(-1),
      });
      const consent = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
        memberBodyId: full.memberBodyId,
        role: 'support',
        scope: 'full',
        basis: 'consent',
      });
      const sut = await as(
        coordinator,
        'post',
        `${base()}/cases/${caseId}/assignments/${consent.body.id}/renew`,
        { reviewOn: inDays(30) },
      );
      expect(sut.status).toBe(422);
      expect(sut.body.code).toBe('NOT_STATUTORY');
    });

    describe('a basis past its review date', () => {
      let caseId: string;
      let assignmentId: string;
      let noteId: string;
      const lapse = () =>
        t.db.superuser.query(
          `UPDATE case_assignments SET review_on = current_date - 1 WHERE id = $1`,
          [assignmentId],
        );

      beforeAll(async () => {
        caseId = await newCase({ assign: false });
        const a = await as(coordinator, 'post', `${base()}/cases/${caseId}/assignments`, {
          memberBodyId: outsider.memberBodyId,
          role: 'lead',
          scope: 'full',
          basis: 'statutory',
          basisNote: '孤独・孤立対策推進法第16条',
          basisCode: 'act_art16',
          reviewOn: inDays(5),
        });
        expect(a.status).toBe(201);
        assignmentId = a.body.id;
        const note = await as(outsider, 'post', `${base()}/cases/${caseId}/notes`, {
          body: '訪問',
        });
        expect(note.status).toBe(201);
        noteId = note.body.id;
        const plan = await as(coordinator, 'post', `${base()}/cases/${caseId}/plans`, {
          goals: [{ text: '見守り' }],
          actions: [{ text: '訪問', memberBodyId: outsider.memberBodyId, dueOn: inDays(3) }],
        });
        expect(plan.status).toBe(201);
      });

      it('shows the coordinator the basis as lapsing on the worklist before it lapses', async () => {
        const sut = await as(coordinator, 'get', `${base()}/worklist?kind=statutory_basis_lapsing`);
        expect(sut.status).toBe(200);
        expect(sut.body.items).toContainEqual(
          expect.objectContaining({ refId: assignmentId, caseId, overdue: false }),
        );
      });

      it('covers the body until then: case, notes, search and worklist', async () => {
        expect((await as(outsider, 'get', `${base()}/cases/${caseId}`)).status).toBe(200);
        expect((await as(outsider, 'get', `${base()}/cases/${caseId}/notes`)).status).toBe(200);
        const found = await as(
          outsider,
          'get',
          `${base()}/cases/search?caseNumber=${(await as(coordinator, 'get', `${base()}/cases/${caseId}`)).body.caseNumber}`,
        );
        expect(found.body.items.map((x: { id: string }) => x.id)).toEqual([caseId]);
        const work = await as(outsider, 'get', `${base()}/worklist`);
        expect(work.body.items.map((x: { caseId: string }) => x.caseId)).toContain(caseId);
      });

      it('after the review date covers nothing: case, list, search, notes, contacts and worklist', async () => {
        await lapse();
        const number = (await as(coordinator, 'get', `${base()}/cases/${caseId}`)).body.caseNumber;
        expect((await as(outsider, 'get', `${base()}/cases/${caseId}`)).status).toBe(404);
        const list = await as(outsider, 'get', `${base()}/cases?limit=200`);
        expect(list.body.items.map((x: { id: string }) => x.id)).not.toContain(caseId);
        const found = await as(outsider, 'get', `${base()}/cases/search?caseNumber=${number}`);
        expect(found.body.items).toEqual([]);
        expect((await as(outsider, 'get', `${base()}/cases/${caseId}/notes`)).status).toBe(404);
        expect((await as(outsider, 'get', `${base()}/cases/${caseId}/contacts`)).status).toBe(404);
        const work = await as(outsider, 'get', `${base()}/worklist`);
        expect(work.body.items.map((x: { caseId: string }) => x.caseId)).not.toContain(caseId);
        void noteId;
      });

      it('tells the coordinator why access ended and lists it as overdue', async () => {
        await lapse();
        const view = await as(coordinator, 'get', `${base()}/cases/${caseId}`);
        const a = view.body.assignments.find((x: { id: string }) => x.id === assignmentId);
        expect(a).toMatchObject({ active: false, accessEndedReason: 'statutory_basis_lapsed' });
        const work = await as(
          coordinator,
          'get',
          `${base()}/worklist?kind=statutory_basis_lapsing`,
        );
        expect(work.body.items).toContainEqual(
          expect.objectContaining({ refId: assignmentId, overdue: true }),
        );
      });

      it('covers the body again once renewed (audited with the case id and history kept)', async () => {
        await lapse();
        const sut = await as(
          coordinator,
          'post',
          `${base()}/cases/${caseId}/assignments/${assignmentId}/renew`,
          { reviewOn: inDays(180) },
        );
        expect(sut.status).toBe(200);
        expect(sut.body).toMatchObject({ reviewOn: inDays(180), active: true });
        expect((await as(outsider, 'get', `${base()}/cases/${caseId}`)).status).toBe(200);
        const renewed = (await events('assignment.renew')).filter((e) => e.case_id === caseId);
        expect(renewed).toHaveLength(1);
        const history = await t.db.superuser.query(
          `SELECT review_on::text FROM assignment_basis_reviews WHERE assignment_id = $1`,
          [assignmentId],
        );
        expect(history.rows).toEqual([{ review_on: inDays(180) }]);
      });

      it('refuses renewal by agency staff (403)', async () => {
        const sut = await as(
          outsider,
          'post',
          `${base()}/cases/${caseId}/assignments/${assignmentId}/renew`,
          { reviewOn: inDays(400) },
        );
        expect(sut.status).toBe(403);
      });
    });
  });

  describe('case numbers by 年度', () => {
    const fiscalYear = async (at: string): Promise<number> =>
      (await t.db.superuser.query(`SELECT case_fiscal_year($1::timestamptz) AS y`, [at])).rows[0]
        .y as number;

    it('decides the 年度 in Japan time: 3/31 JST is the old year, 4/1 JST the new one', async () => {
      expect(await fiscalYear('2026-03-31T23:59:59+09:00')).toBe(2025);
      expect(await fiscalYear('2026-04-01T00:00:00+09:00')).toBe(2026);
      // In UTC the 年度 turns at 15:00 on 3/31, not at midnight on 4/1.
      expect(await fiscalYear('2026-03-31T14:59:59Z')).toBe(2025);
      expect(await fiscalYear('2026-03-31T15:00:01Z')).toBe(2026);
      expect(await fiscalYear('2027-01-15T12:00:00Z')).toBe(2026);
    });

    it('numbers cases in the council’s format, restarting each 年度, keeping issued numbers', async () => {
      const own = await createCouncil(t, ['coordinator']);
      const [boss] = own.staff;
      const url = `/api/councils/${own.councilId}`;
      const fy = await fiscalYear(new Date().toISOString());
      const open = async () =>
        (
          await as(boss, 'post', `${url}/cases`, {
            subject: { familyName: '年度', givenName: `${Math.random()}`.slice(2, 8) },
            summary: 's',
            concerns: ['isolation'],
          })
        ).body as { id: string; caseNumber: string };
      const first = await open();
      expect(first.caseNumber).toBe(`${fy}-0001`);

      const set = await as(boss, 'put', `${url}/case-numbering`, { format: 'reiwa' });
      expect(set.status).toBe(200);
      expect((await as(boss, 'get', `${url}/case-numbering`)).body).toEqual({ format: 'reiwa' });
      const second = await open();
      expect(second.caseNumber).toBe(`R${fy - 2018}-0002`);
      // Issued numbers stay as they were.
      expect((await as(boss, 'get', `${url}/cases/${first.id}`)).body.caseNumber).toBe(
        `${fy}-0001`,
      );

      // What was issued so far belongs to the previous 年度: this one starts again at 0001.
      await t.db.superuser.query(
        `UPDATE case_number_counters SET year = year - 1 WHERE council_id = $1`,
        [own.councilId],
      );
      expect((await open()).caseNumber).toBe(`R${fy - 2018}-0001`);
    });

    it('lets only coordinators change the format, and refuses unknown formats (400)', async () => {
      expect((await as(full, 'put', `${base()}/case-numbering`, { format: 'reiwa' })).status).toBe(
        403,
      );
      const bad = await as(coordinator, 'put', `${base()}/case-numbering`, { format: 'heisei' });
      expect(bad.status).toBe(400);
    });
  });
});

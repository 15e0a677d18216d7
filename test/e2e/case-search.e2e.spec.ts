import { createTestApp, TestApp } from '../support/app';
import {
  actingAs,
  createCouncil,
  memberBodyWithStaff,
  TestCouncil,
  TestStaff,
} from '../support/factories';

interface Found {
  id: string;
  caseNumber: string;
  score: number;
  matched: string[];
  subject: Record<string, unknown>;
}

/**
 * "Do we already know this person?" (issue 17): search by normalised name, birth date or case
 * number among the cases the caller may see; matching before registering; possible duplicates
 * flagged across kana spellings; the audit names the cases returned, never the search terms.
 */
describe('case search and matching (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let agency: TestStaff;
  let other: TestStaff;
  const ids: Record<string, string> = {};

  const as = actingAs(() => t);
  const base = () => `/api/councils/${c.councilId}`;

  async function register(subject: object) {
    const res = await as(coordinator, 'post', `${base()}/cases`, {
      subject,
      summary: 's',
      concerns: ['isolation'],
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; caseNumber: string; possibleDuplicates: { id: string }[] };
  }

  async function search(user: TestStaff, query: string): Promise<Found[]> {
    const res = await as(user, 'get', `${base()}/cases/search?${query}`);
    expect(res.status).toBe(200);
    return res.body.items as Found[];
  }

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator']);
    [coordinator] = c.staff;
    agency = await memberBodyWithStaff(t, c.councilId, coordinator, 'Assigned');
    other = await memberBodyWithStaff(t, c.councilId, coordinator, 'Other');
    ids.hanako = (
      await register({
        familyName: '山田',
        givenName: '花子',
        familyNameKana: 'やまだ',
        givenNameKana: 'はなこ',
        birthDate: '1950-04-01',
      })
    ).id;
    ids.taro = (
      await register({
        familyName: '髙橋',
        givenName: '太郎',
        familyNameKana: 'たかはし',
        givenNameKana: 'たろう',
        birthDate: '1948-01-02',
      })
    ).id;
    ids.yamamoto = (await register({ familyName: '山本', givenName: '一郎' })).id;
    const assign = await as(coordinator, 'post', `${base()}/cases/${ids.hanako}/assignments`, {
      memberBodyId: agency.memberBodyId,
      role: 'lead',
      scope: 'limited',
      basis: 'statutory',
      basisNote: '法令',
    });
    expect(assign.status).toBe(201);
  });
  afterAll(() => t.close());

  it.each([['q=ヤマダハナコ'], ['q=ﾔﾏﾀﾞ ﾊﾅｺ'], ['q=やまだ　はなこ'], ['q=山田花子']])(
    'finds 山田花子 by %s, the full name ranked first',
    async (query) => {
      const sut = await search(coordinator, query);
      expect(sut[0].id).toBe(ids.hanako);
    },
  );

  it('finds by a name’s beginning, by variant kanji, by birth date and by case number', async () => {
    expect((await search(coordinator, 'q=やま')).map((f) => f.id).sort()).toEqual(
      [ids.hanako].sort(),
    );
    expect((await search(coordinator, `q=${encodeURIComponent('高橋')}`))[0].id).toBe(ids.taro);
    expect((await search(coordinator, 'birthDate=1948-01-02')).map((f) => f.id)).toEqual([
      ids.taro,
    ]);
    const number = (await as(coordinator, 'get', `${base()}/cases/${ids.yamamoto}`)).body
      .caseNumber as string;
    const byNumber = await search(coordinator, `caseNumber=${number}`);
    expect(byNumber.map((f) => [f.id, f.matched])).toEqual([[ids.yamamoto, ['caseNumber']]]);
  });

  it('ranks the same name with the same birth date above the name alone', async () => {
    const sut = await search(coordinator, 'q=やまだはなこ&birthDate=1950-04-01');
    expect(sut[0]).toMatchObject({ id: ids.hanako, matched: ['kana', 'birthDate'] });
    expect(sut[0].score).toBeGreaterThan((await search(coordinator, 'q=やまだはなこ'))[0].score);
  });

  it('searches only among the cases the caller may see', async () => {
    expect((await search(agency, 'q=やまだ')).map((f) => f.id)).toEqual([ids.hanako]);
    expect(await search(agency, 'q=たかはし')).toEqual([]);
    expect(await search(other, 'q=やまだ')).toEqual([]);
    // Limited scope: the result is projected like any case response.
    const [hit] = await search(agency, 'q=やまだ');
    expect(hit.subject.familyName).toBe('山田');
    expect((hit as unknown as { address?: string }).address).toBeUndefined();
  });

  it('records the cases returned, never what was searched for', async () => {
    await search(agency, `q=${encodeURIComponent('やまだ はなこ')}&birthDate=1950-04-01`);
    const { rows } = await t.db.superuser.query(
      `SELECT resource_ids, reason, to_jsonb(e)::text AS whole FROM audit_events e
        WHERE council_id = $1 AND action = 'case.search' AND actor_user_id = $2 ORDER BY seq DESC LIMIT 1`,
      [c.councilId, agency.id],
    );
    expect(rows[0].resource_ids).toEqual([ids.hanako]);
    expect(rows[0].reason).toBe('results=1');
    for (const term of ['やまだ', 'はなこ', '1950-04-01'])
      expect(rows[0].whole).not.toContain(term);
  });

  it('refuses a search with nothing to search for (400)', async () => {
    expect((await as(coordinator, 'get', `${base()}/cases/search`)).status).toBe(400);
    expect(
      (await as(coordinator, 'get', `${base()}/cases/search?birthDate=1950-13-01`)).status,
    ).toBe(400);
  });

  it('matches before registering, with a score and the fields that agreed (coordinators only)', async () => {
    const sut = await as(coordinator, 'post', `${base()}/cases/match`, {
      subject: {
        familyName: '山田',
        givenName: '花子',
        familyNameKana: 'ヤマダ',
        givenNameKana: 'ハナコ',
        birthDate: '1950-04-01',
      },
    });
    expect(sut.status).toBe(200);
    expect(sut.body.candidates[0]).toMatchObject({
      id: ids.hanako,
      matched: ['kana', 'name', 'birthDate'],
    });
    const refused = await as(agency, 'post', `${base()}/cases/match`, {
      subject: { familyName: '山田', givenName: '花子' },
    });
    expect(refused.status).toBe(403);
  });

  it('flags a registration across kana spellings as a possible duplicate (やまだ / ﾔﾏﾀﾞ)', async () => {
    const sut = await register({
      familyName: '山田',
      givenName: '花子',
      familyNameKana: 'ﾔﾏﾀﾞ',
      givenNameKana: 'ﾊﾅｺ',
      birthDate: '1950-04-01',
    });
    expect(sut.possibleDuplicates.map((d) => d.id)).toEqual([ids.hanako]);
    const unrelated = await register({
      familyName: '山田',
      givenName: '花子',
      familyNameKana: 'やまだ',
      givenNameKana: 'はなこ',
      birthDate: '1990-09-09',
    });
    expect(unrelated.possibleDuplicates.map((d) => d.id)).not.toContain(ids.taro);
  });
});

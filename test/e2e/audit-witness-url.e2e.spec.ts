import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil } from '../support/factories';

/**
 * The optional HTTP witness (AUDIT_WITNESS_URL, DESIGN.md §3.13): every signed checkpoint is
 * POSTed to it, and a checkpoint it does not take is not signed at all. (A file of its own: an
 * app per file, as Passport's strategies are process-wide.)
 */
describe('the HTTP checkpoint witness (e2e)', () => {
  let t: TestApp;
  let server: Server;
  const received: unknown[] = [];
  let answer = 204;
  const as = actingAs(() => t);

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        if (answer < 300) received.push(JSON.parse(body));
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    t = await createTestApp({ AUDIT_WITNESS_URL: `http://127.0.0.1:${port}/witness` });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const checkpointCount = async (councilId: string): Promise<number> =>
    (
      await t.db.superuser.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_checkpoints WHERE council_id = $1`,
        [councilId],
      )
    ).rows[0].n;

  it('POSTs each signed checkpoint to the witness URL, as the API answers it', async () => {
    const c = await createCouncil(t, ['auditor']);
    answer = 204;

    const sut = await as(c.staff[0], 'post', `/api/councils/${c.councilId}/audit/checkpoints`);

    expect(sut.status).toBe(201);
    expect(received).toContainEqual(sut.body);
  });

  it('signs and stores nothing when the witness refuses it (503 WITNESS_UNAVAILABLE)', async () => {
    const c = await createCouncil(t, ['auditor']);
    answer = 500;

    const sut = await as(c.staff[0], 'post', `/api/councils/${c.councilId}/audit/checkpoints`);

    expect({ status: sut.status, code: sut.body.code }).toEqual({
      status: 503,
      code: 'WITNESS_UNAVAILABLE',
    });
    expect(await checkpointCount(c.councilId)).toBe(0);
  });
});

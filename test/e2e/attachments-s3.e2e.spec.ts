import { createHash } from 'node:crypto';
import request from '../support/http';
import { binaryBody, pdfWith } from '../support/files';
import { createTestApp, TestApp } from '../support/app';
import { actingAs, createCouncil, login, TestCouncil, TestStaff } from '../support/factories';
import { FakeS3, startFakeS3 } from '../support/s3';

const pdf = pdfWith;

/**
 * Attachments with FILE_STORAGE=s3 (issue 18 item 3), through the whole application against an
 * S3-compatible server in the process: the bytes go to the bucket under ids only (never the file
 * name a person gave), come back on download, and a refused upload leaves no object behind.
 * The access rules are the directory's (attachments.e2e.spec.ts): the storage is below them.
 */
describe('attachments in S3-compatible storage (e2e)', () => {
  let s3: FakeS3;
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let caseId: string;
  let token: string;
  const as = actingAs(() => t);
  const files = () => `/api/councils/${c.councilId}/cases/${caseId}/attachments`;

  const upload = (bytes: Buffer, fileName: string) =>
    request(t.server)
      .post(files())
      .query({ fileName })
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/octet-stream')
      .send(bytes);

  const ours = async () => (await s3.keys()).filter((k) => k.startsWith(`${c.councilId}/`));

  beforeAll(async () => {
    s3 = await startFakeS3();
    // FILE_STORAGE_DIR '' unsets the test directory: every byte must go to the bucket.
    t = await createTestApp({ ...s3.env, FILE_STORAGE_DIR: '' });
    c = await createCouncil(t, ['coordinator']);
    [coordinator] = c.staff;
    token = (await login(t, coordinator)).accessToken;
    const made = await as(coordinator, 'post', `/api/councils/${c.councilId}/cases`, {
      subject: { familyName: '添付', givenName: '花子' },
      summary: 's',
      concerns: ['isolation'],
    });
    caseId = (made.body as { id: string }).id;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  it('keeps an upload in the bucket under <councilId>/<attachmentId>, never its file name', async () => {
    const bytes = pdf('同意書');
    const sut = await upload(bytes, '山田花子の同意書.pdf');
    expect(sut.status).toBe(201);
    expect(sut.body).toMatchObject({
      fileName: '山田花子の同意書.pdf',
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    const id = (sut.body as { id: string }).id;
    expect(await ours()).toContain(`${c.councilId}/${id}`);
    expect((await s3.keys()).join('\n')).not.toMatch(/山田|同意書|\.pdf/);
  });

  const download = (id: string) =>
    request(t.server)
      .get(`${files()}/${id}`)
      .set('Authorization', `Bearer ${token}`)
      .buffer(true)
      .parse(binaryBody);

  it('gives the same bytes back from the bucket on download', async () => {
    const bytes = pdf('round trip');
    const id = ((await upload(bytes, 'form.pdf')).body as { id: string }).id;
    const sut = await download(id);
    expect(sut.status).toBe(200);
    expect((sut.body as Buffer).equals(bytes)).toBe(true);
    expect(sut.headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('leaves no object behind when an upload is refused (415: an executable named .pdf)', async () => {
    const before = await ours();
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(300, 1)]);
    const sut = await upload(exe, 'invoice.pdf');
    expect([sut.status, sut.body.code]).toEqual([415, 'FILE_TYPE_NOT_ALLOWED']);
    expect(await ours()).toEqual(before);
  });

  it('answers 500, not some other bytes, when a record’s object has gone from the bucket', async () => {
    const id = ((await upload(pdf('lost'), 'lost.pdf')).body as { id: string }).id;
    await s3.drop(`${c.councilId}/${id}`);
    const sut = await download(id);
    expect(sut.status).toBe(500);
    expect(sut.headers['content-disposition']).toBeUndefined();
  });
});

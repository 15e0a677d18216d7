import type { AddressInfo } from 'node:net';
import { runScenario } from '../../examples/client/scenario';
import { createTestApp, TestApp } from '../support/app';
import { createCouncil, memberBodyWithStaff, TestCouncil, TestStaff } from '../support/factories';

/**
 * The typed example client (examples/client, issue 16 item 4) runs its coordinator → agency →
 * auditor scenario against the real server over HTTP, with the types generated from the
 * committed spec: if the spec and the server disagree, the client's view of the answers breaks.
 */
describe('example client (e2e)', () => {
  let t: TestApp;
  let c: TestCouncil;
  let coordinator: TestStaff;
  let auditor: TestStaff;
  let agency: TestStaff;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    c = await createCouncil(t, ['coordinator', 'auditor']);
    [coordinator, auditor] = c.staff;
    agency = await memberBodyWithStaff(t, c.councilId, coordinator, 'A');
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('registers a case, shares it with an agency that reads it, and lets the auditor report on it', async () => {
    const sut = runScenario;

    const result = await sut({
      baseUrl,
      councilId: c.councilId,
      coordinator,
      agency,
      auditor,
    });

    expect(result.agencySaw.familyName).toBe('例示');
    expect(result.caseNumber).toMatch(/^\d{4}-\d+$/);
    expect(result.accessReportStatus).toBe(200);
  }, 60_000);
});

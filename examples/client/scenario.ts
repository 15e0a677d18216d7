/**
 * A typed client of the API (issue 16 item 4): types generated from openapi/openapi.json by
 * openapi-typescript (`npm run openapi` writes schema.d.ts), requests made with openapi-fetch.
 * The scenario is the council's everyday path — a coordinator registers a case and shares it
 * with an agency under consent, the agency reads it, an auditor reads who accessed it — and
 * `test/e2e/example-client.e2e.spec.ts` runs it against the real server.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export interface Account {
  email: string;
  password: string;
}

export interface ScenarioInput {
  baseUrl: string;
  councilId: string;
  coordinator: Account;
  agency: Account & { memberBodyId: string };
  auditor: Account;
}

export interface ScenarioResult {
  caseId: string;
  caseNumber: string;
  /** What the agency read: the subject's name, as its policy projects it. */
  agencySaw: components['schemas']['CaseSubjectViewDto'];
  /** Status of the auditor's access report on the case. */
  accessReportStatus: number;
}

type Client = ReturnType<typeof createClient<paths>>;

/** Signs in (no second factor in this scenario) and returns a client with the bearer token. */
async function signIn(baseUrl: string, account: Account): Promise<Client> {
  const anonymous = createClient<paths>({ baseUrl });
  const { data, error } = await anonymous.POST('/api/auth/login', {
    body: { email: account.email, password: account.password },
  });
  if (error || !data) throw new Error(`login ${account.email}: ${error?.code ?? 'no body'}`);
  if (!('accessToken' in data)) throw new Error(`login ${account.email}: second factor asked`);
  return createClient<paths>({
    baseUrl,
    headers: { Authorization: `Bearer ${data.accessToken}` },
  });
}

export async function runScenario(input: ScenarioInput): Promise<ScenarioResult> {
  const councilId = input.councilId;
  const coordinator = await signIn(input.baseUrl, input.coordinator);

  const created = await coordinator.POST('/api/councils/{councilId}/cases', {
    params: { path: { councilId } },
    body: {
      subject: { familyName: '例示', givenName: '花子', birthDate: '1950-04-01' },
      summary: 'Lives alone since spring; neighbours worried.',
      concerns: ['isolation'],
    },
  });
  if (!created.data) throw new Error(`createCase: ${created.error?.code}`);
  const caseId = created.data.id;

  const today = new Date().toISOString().slice(0, 10);
  const consent = await coordinator.POST('/api/councils/{councilId}/cases/{caseId}/consents', {
    params: { path: { councilId, caseId } },
    body: { memberBodyIds: [input.agency.memberBodyId], method: 'written', obtainedOn: today },
  });
  if (!consent.data) throw new Error(`recordConsent: ${consent.error?.code}`);

  const assignment = await coordinator.POST(
    '/api/councils/{councilId}/cases/{caseId}/assignments',
    {
      params: { path: { councilId, caseId } },
      body: {
        memberBodyId: input.agency.memberBodyId,
        role: 'lead',
        scope: 'full',
        basis: 'consent',
      },
    },
  );
  if (!assignment.data) throw new Error(`assignMemberBody: ${assignment.error?.code}`);

  const agency = await signIn(input.baseUrl, input.agency);
  const read = await agency.GET('/api/councils/{councilId}/cases/{caseId}', {
    params: { path: { councilId, caseId } },
  });
  if (!read.data) throw new Error(`getCase as agency: ${read.error?.code}`);

  const auditor = await signIn(input.baseUrl, input.auditor);
  const report = await auditor.GET('/api/councils/{councilId}/audit/access-report', {
    params: { path: { councilId }, query: { caseId } },
  });

  return {
    caseId,
    caseNumber: created.data.caseNumber,
    agencySaw: read.data.subject,
    accessReportStatus: report.response.status,
  };
}

import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { completeSuccessResponses, ErrorResponseDto, PageDto } from './api-docs';
import { addValidationLimits } from './validation-schema';

/**
 * Tags in the order of the workflow (a council is set up, staffed, pledged; cases are
 * registered, worked and reviewed in meetings; audit and statistics look back).
 */
const TAGS: [string, string][] = [
  ['health', 'Liveness and readiness probes for load balancers and orchestrators'],
  ['auth', 'Sign in (with a second factor where required), refresh, sign out, reset a password'],
  ['me', 'The signed-in account: profile, password, second factor, invitations'],
  ['public', 'What anyone may read: the councils that publish a notice'],
  ['councils', 'Founding a council and its settings (system admins, then coordinators)'],
  ['member-bodies', 'The organisations that are members of a council (構成機関)'],
  ['staff', 'Who acts for which member body in a council, in which role'],
  ['invitations', 'Invitations to act in a council, accepted with an e-mailed token or signed in'],
  ['pledge', 'The confidentiality pledge (守秘義務, Art. 18) every staff member accepts first'],
  [
    'cases',
    'Registering a case, consent or statutory basis, assignments; then working it: status, notes, support plans, information requests',
  ],
  ['referrals', 'Referrals from member bodies, triaged by the coordinator into cases'],
  ['worklist', 'What needs the caller’s attention now'],
  ['meetings', 'Case and representatives’ meetings, minutes, decisions, action items'],
  ['access', 'Why the caller may (or may not) see something: the policy explained'],
  ['audit', 'The tamper-evident audit trail: events, verification, checkpoints, reports'],
  ['statistics', 'A council’s own statistics and their publication'],
  ['platform', 'Platform clients and the cross-council statistics they read'],
];

/**
 * The OpenAPI document: built from the controllers' decorators, served at /api/docs-json and
 * committed as openapi/openapi.json (`npm run openapi`; docs/api.md). Its content lives here so
 * that the served document and the committed one come from the same function.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Regional council case coordination API (孤独・孤立対策地域協議会)')
    .setDescription(
      'Case coordination for regional councils on loneliness and isolation: an API for the ' +
        'clients vendors and municipal IT build on it. Every error has the ErrorResponse shape ' +
        'with a stable `code`; anything outside the caller’s visibility is 404, never 403. ' +
        'See docs/api.md.',
    )
    .setVersion('1')
    .setLicense('UNLICENSED', 'https://example.invalid/unlicensed')
    .addServer('/', 'This server')
    .addBearerAuth()
    // Platform client tokens (POST /api/auth/token): accepted by the platform statistics only.
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'platform')
    // Closed by default (JwtAuthGuard is global): public operations say `security: []`.
    .addSecurityRequirements('bearer');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  completeSuccessResponses();
  const document = SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ErrorResponseDto, PageDto],
  });
  addGlobalErrors(document);
  addValidationLimits(app, document);
  sortParameters(document);
  return document;
}

/**
 * Errors every operation of a kind can answer because of a global component, declared here
 * once rather than on each route: StrictValidationPipe (400 on any input), the body parser (413), JwtAuthGuard (401
 * unless public; 403 PASSWORD_CHANGE_REQUIRED) and the database (503 when it is unavailable).
 */
function addGlobalErrors(document: OpenAPIObject): void {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponseDto) } } },
  });
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item[method];
      if (!op) continue;
      const hasInput = (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined;
      if (hasInput || method !== 'get')
        op.responses['400'] ??= error(
          'VALIDATION_FAILED (with `details`) or MALFORMED_JSON: the input is not acceptable',
        );
      if (method !== 'get')
        op.responses['413'] ??= error('PAYLOAD_TOO_LARGE: the body is too large');
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (!isPublic) {
        op.responses['401'] ??= error('UNAUTHENTICATED: no valid access token');
        op.responses['403'] ??= error(
          'PASSWORD_CHANGE_REQUIRED (after an operator-set password) or FORBIDDEN',
        );
      }
      op.responses['503'] ??= error('DATABASE_UNAVAILABLE: try again shortly');
      // Fail closed (DESIGN.md §3.4): when an access's audit event cannot be written the access
      // does not happen and the answer is INTERNAL_ERROR, with no content.
      op.responses['500'] ??= error('INTERNAL_ERROR: the request did not happen (nothing changed)');
      // Errors are JSON even where the success is not (@ApiProduces on the audit export).
      for (const [status, response] of Object.entries(op.responses)) {
        if (!response || '$ref' in response || Number(status) < 400) continue;
        const schema = response.content ? Object.values(response.content)[0]?.schema : undefined;
        // Every error body is an ErrorResponse, also where a decorator named only the status.
        response.content = {
          'application/json': { schema: schema ?? { $ref: getSchemaPath(ErrorResponseDto) } },
        };
      }
    }
  }
}

/**
 * Parameters in one order whatever the compiler: path parameters as they appear in the path,
 * then the others by location and name. (tsc and SWC apply parameter decorators in different
 * orders; the committed document must equal the served one under both.)
 */
function sortParameters(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item[method];
      if (!op?.parameters) continue;
      const rank = (p: (typeof op.parameters)[number]): string => {
        if ('$ref' in p) return `9|${p.$ref}`;
        if (p.in === 'path') return `0|${String(path.indexOf(`{${p.name}}`)).padStart(6, '0')}`;
        return `${p.in === 'query' ? 1 : 2}|${p.name}`;
      };
      op.parameters.sort((a, b) => rank(a).localeCompare(rank(b)));
    }
  }
}

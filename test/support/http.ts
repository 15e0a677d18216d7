/**
 * supertest, with every response checked against the committed OpenAPI document
 * (openapi/openapi.json; docs/api.md): the status must be documented for the operation, and a
 * JSON body must match the documented schema. Tests import `request` from here (ESLint refuses
 * `supertest` elsewhere), so a new suite checks the contract without thinking about it; the
 * spec then cannot drift from behaviour. A test that means to send what the spec forbids still
 * gets the server's answer checked (errors have the ErrorResponse shape too).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import supertest from 'supertest';
import type { Response } from 'supertest';

interface MediaType {
  schema?: object;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId?: string;
  responses: Record<string, ResponseObject>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

export const SPEC_FILE = join(__dirname, '..', '..', 'openapi', 'openapi.json');

interface Route {
  template: string;
  pattern: RegExp;
  params: number;
  operations: Record<string, Operation>;
}

let loaded: { ajv: Ajv; routes: Route[]; cache: Map<string, ValidateFunction> } | null = null;

function spec(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  const doc = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Document;
  // OpenAPI 3.0 schemas are JSON Schema plus `nullable`, `example`…: Ajv knows `nullable`;
  // strict mode off for the annotation keywords it does not.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', ...(toJsonSchema({ components: doc.components }) as object) });
  const routes = Object.entries(doc.paths)
    .map(([template, operations]) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
      params: (template.match(/\{/g) ?? []).length,
      operations,
    }))
    // `/cases/search` before `/cases/{caseId}`: literal segments win, as in the router.
    .sort((a, b) => a.params - b.params);
  loaded = { ajv, routes, cache: new Map() };
  return loaded;
}

/** Why `res` does not conform to the document, or null. Exported for the helper's own test. */
export function contractViolation(method: string, url: string, res: Response): string | null {
  const { ajv, routes, cache } = spec();
  const path = new URL(url, 'http://localhost').pathname;
  // Swagger UI and the document itself are not operations of the API; nor is anything outside
  // /api (e.g. a probe that /metrics is not served on the API's port).
  if (path.startsWith('/api/docs') || !path.startsWith('/api/')) return null;
  const verb = method.toLowerCase();
  const route = routes.find((r) => r.pattern.test(path) && r.operations[verb]);
  const status = String(res.status);
  const where = `${method.toUpperCase()} ${path} → ${status}`;
  if (!route) {
    // No such operation: the router's 404 (or a body-parser refusal before routing).
    if (!['404', '400', '413', '415'].includes(status))
      return `${where}: no operation in openapi/openapi.json`;
    return bodyViolation(ajv, cache, 'ErrorResponse', errorSchema(), res, where);
  }
  const operation = route.operations[verb];
  const documented = operation.responses[status] ?? operation.responses.default;
  if (!documented) {
    return (
      `${where}: status not documented for ${operation.operationId ?? route.template} ` +
      `(documented: ${Object.keys(operation.responses).join(', ')})`
    );
  }
  const contentType = String(res.headers['content-type'] ?? '').split(';')[0];
  const hasBody = res.text !== undefined && res.text !== '';
  if (!documented.content) {
    if (!hasBody) return null;
    return `${where}: answers a body (${contentType}) but the document declares none`;
  }
  // A download documents `*/*` (its type is sniffed from the bytes, not fixed by the route).
  const media = documented.content[contentType] ?? documented.content['*/*'];
  if (!media) {
    return `${where}: content type ${contentType || '(none)'} not documented (${Object.keys(
      documented.content,
    ).join(', ')})`;
  }
  // JSON bodies are checked; text and binary ones (CSV, JSON Lines, XLSX, files) by media type.
  const isJson = contentType === 'application/json' || contentType.endsWith('+json');
  if (!media.schema || !isJson) return null;
  return bodyViolation(ajv, cache, `${verb} ${route.template} ${status}`, media.schema, res, where);
}

/**
 * OpenAPI 3.0 → JSON Schema where they differ: `nullable: true` means "or null" (for enums and
 * `allOf: [$ref]` too, which Ajv's own `nullable` does not cover); refs point into the document.
 */
function toJsonSchema(schema: unknown): object {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string')
        out[k] = v.replace(/^#\/components\//, 'openapi#/components/');
      else if (k !== 'nullable') out[k] = walk(v);
    }
    return (node as { nullable?: boolean }).nullable ? { anyOf: [out, { type: 'null' }] } : out;
  };
  return walk(schema) as object;
}

function errorSchema(): object {
  return { $ref: 'openapi#/components/schemas/ErrorResponseDto' };
}

function bodyViolation(
  ajv: Ajv,
  cache: Map<string, ValidateFunction>,
  key: string,
  schema: object,
  res: Response,
  where: string,
): string | null {
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile(toJsonSchema(schema));
    cache.set(key, validate);
  }
  // A test that asked for raw bytes (`.buffer().parse(…)`, e.g. a download) gets a JSON error
  // as a Buffer: check what was sent.
  const body: unknown = Buffer.isBuffer(res.body)
    ? (JSON.parse(res.body.toString('utf8')) as unknown)
    : res.body;
  if (validate(body)) return null;
  const problems = (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`)
    .join('; ');
  return `${where}: body does not match the documented schema: ${problems}`;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/** `request(app).get(url)…` as with supertest, plus the contract check on every answer. */
const request: typeof supertest = ((app: Parameters<typeof supertest>[0]) => {
  const agent = supertest(app);
  return new Proxy(agent, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !METHODS.has(prop) || typeof value !== 'function')
        return value;
      return (url: string) => {
        const test = (value as (u: string) => supertest.Test).call(target, url);
        return test.expect((res: Response) => {
          const problem = contractViolation(prop, url, res);
          if (problem) throw new Error(`OpenAPI contract: ${problem} (run npm run openapi?)`);
        });
      };
    },
  });
}) as typeof supertest;

export default request;

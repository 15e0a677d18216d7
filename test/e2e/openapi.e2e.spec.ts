import { readFileSync } from 'node:fs';
import { createTestApp, TestApp } from '../support/app';
import request, { SPEC_FILE } from '../support/http';

/**
 * The committed contract (openapi/openapi.json, issue 16) is the one the server serves: the
 * e2e suites check every answer against the committed file, so it must not lag the code.
 */
/** Where two JSON values first differ, as a JSON pointer. */
function firstDifference(a: unknown, b: unknown, at = ''): string {
  if (JSON.stringify(a) === JSON.stringify(b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${at}/${k}`,
      );
      if (d) return d;
    }
    return `${at} (key order)`;
  }
  return at || '/';
}

describe('OpenAPI document (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves exactly the committed openapi/openapi.json', async () => {
    const res = await request(t.server).get('/api/docs-json').expect(200);
    const committed: unknown = JSON.parse(readFileSync(SPEC_FILE, 'utf8'));
    const served: unknown = JSON.parse(JSON.stringify(res.body));
    if (JSON.stringify(served) !== JSON.stringify(committed)) {
      throw new Error(
        `openapi/openapi.json differs from the served document (${firstDifference(served, committed)}): ` +
          'run `npm run openapi` and commit the file',
      );
    }
  });

  it('declares every path parameter of every operation', () => {
    const doc = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
    };
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        const declared = new Set(
          (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        );
        for (const n of names) if (!declared.has(n)) missing.push(`${method} ${path}: ${n}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('carries the request DTOs’ validation limits (class-validator) into the schemas', () => {
    const doc = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as {
      paths: Record<
        string,
        Record<string, { parameters?: { in: string; name: string; schema: object }[] }>
      >;
      components: { schemas: Record<string, { properties: Record<string, object> }> };
    };
    const schema = (name: string, property: string) =>
      doc.components.schemas[name].properties[property];
    // @IsNotEmpty() @MaxLength(20000): the minimum length is the validator's alone.
    expect(schema('CreateNoteDto', 'body')).toMatchObject({ minLength: 1, maxLength: 20000 });
    // @IsInt() @Min(1): declared `number` to Swagger, an integer to the validator.
    expect(schema('AcceptPledgeDto', 'version')).toMatchObject({ type: 'integer', minimum: 1 });
    expect(schema('CaseSubjectDto', 'familyNameKana')).toHaveProperty('pattern');
    // Every page's `limit`: an integer from 1, at most 200 (search: 100), wherever accepted.
    const limits = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).flatMap((op) =>
        (op.parameters ?? []).filter((p) => p.in === 'query' && p.name === 'limit'),
      ),
    );
    expect(limits.length).toBeGreaterThan(5);
    for (const limit of limits) {
      expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1 });
      expect((limit.schema as { maximum: number }).maximum).toBeLessThanOrEqual(200);
    }
  });
});

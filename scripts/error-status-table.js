#!/usr/bin/env node
/**
 * Prints the Markdown table of docs/api.md "Error codes and HTTP statuses": every error code and
 * the HTTP statuses the server answers it with.
 *
 * There is no single code → status table to read it from: `DomainError` takes its status at
 * each throw (`new DomainError(409, CaseErrorCode.CaseClosed, …)`, or a helper such as
 * `conflict(…)` that fixes it), the exception filter maps framework errors, and an inverted
 * policy rule's `reason: 'CODE: …'` is a 403. So this reads the sources: the code enums, every
 * throw, the helpers, the filter and the policies.
 *
 *   node scripts/error-status-table.js > /tmp/table.md
 */
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const ENUM_FILES = [
  'src/common/errors/error-code.ts',
  'src/cases/case-error-codes.ts',
  'src/councils/council-error-codes.ts',
  'src/meetings/meeting-error-codes.ts',
];

function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return files(path);
      return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
    });
}

/** `Enum.Member` → 'CODE', and every code with the enum that declares it. */
const members = new Map();
const declared = new Map();
for (const file of ENUM_FILES) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  // `export enum X { A = 'A' }`, or `export const X = { A: 'A' } as const`.
  for (const [, name, body] of text.matchAll(/export (?:enum|const) (\w+) =? ?\{([\s\S]*?)\n\}/g)) {
    for (const [, member, code] of body.matchAll(/^\s*(\w+)(?: =|:) '([A-Z0-9_]+)'/gm)) {
      members.set(`${name}.${member}`, code);
      if (!declared.has(code)) declared.set(code, name);
    }
  }
}

/** code → Map(status → Set(where)) */
const uses = new Map();
const unresolved = [];
function use(code, status, file) {
  if (!uses.has(code)) uses.set(code, new Map());
  const byStatus = uses.get(code);
  if (!byStatus.has(status)) byStatus.set(status, new Set());
  byStatus.get(status).add(relative(join(ROOT, 'src'), file).split('/')[0].replace(/\.ts$/, ''));
}
const resolve = (ref, file, status) => {
  const code = members.get(ref);
  if (code) use(code, status, file);
  else unresolved.push(`${relative(ROOT, file)}: ${status} ${ref}`);
};

const REF = '([A-Z]\\w*\\.\\w+)';
const PATTERNS = [
  // new DomainError(409, CaseErrorCode.CaseClosed, …)
  [new RegExp(`new DomainError\\(\\s*(\\d{3}),\\s*${REF}`, 'g'), (m) => [m[1], m[2]]],
  [new RegExp(`\\bconflict\\(\\s*${REF}`, 'g'), (m) => ['409', m[1]]],
  [new RegExp(`\\bunprocessable\\(\\s*${REF}`, 'g'), (m) => ['422', m[1]]],
  [new RegExp(`\\bunauthenticated\\(\\s*${REF}`, 'g'), (m) => ['401', m[1]]],
  // forbidden(message, Code)
  [
    new RegExp(`\\bforbidden\\(\\s*(?:'[^']*'|\`[^\`]*\`|"[^"]*"),\\s*${REF}`, 'g'),
    (m) => ['403', m[1]],
  ],
  // The exception filter: { statusCode: 413, code: ErrorCode.PayloadTooLarge } and its
  // status → code fallback table.
  [new RegExp(`statusCode: (\\d{3}),\\s*code: ${REF}`, 'g'), (m) => [m[1], m[2]]],
  [new RegExp(`^\\s*(\\d{3}): ${REF},`, 'gm'), (m) => [m[1], m[2]]],
  // The filter's last resort: statusCode: HttpStatus.INTERNAL_SERVER_ERROR.
  [
    new RegExp(`statusCode: HttpStatus\\.INTERNAL_SERVER_ERROR,\\s*code: ${REF}`, 'g'),
    (m) => ['500', m[1]],
  ],
];
const DEFAULTS = [
  [/\bnotFound\(/, '404', 'ErrorCode.NotFound'],
  [/\bforbidden\(\s*(?:\)|'[^']*'\s*\)|`[^`]*`\s*\))/, '403', 'ErrorCode.Forbidden'],
  [/\bunauthenticated\(\s*\)/, '401', 'ErrorCode.Unauthenticated'],
  [/\bvalidationFailed\(/, '400', 'ErrorCode.ValidationFailed'],
];

for (const file of files(join(ROOT, 'src'))) {
  const text = readFileSync(file, 'utf8');
  for (const [pattern, pick] of PATTERNS)
    for (const m of text.matchAll(pattern)) {
      const [status, ref] = pick(m);
      resolve(ref, file, status);
    }
  for (const [pattern, status, ref] of DEFAULTS) if (pattern.test(text)) resolve(ref, file, status);
}
// Inverted policy rules: `reason: 'CODE: message'` answers 403 with that code (refusal.ts).
for (const file of readdirSync(join(ROOT, 'policies')).filter((f) => f.endsWith('.yaml'))) {
  const text = readFileSync(join(ROOT, 'policies', file), 'utf8');
  for (const m of text.matchAll(/reason: '([A-Z0-9_]+):/g))
    use(m[1], '403', join(ROOT, 'src', `policies/${file}`));
}

if (unresolved.length) {
  process.stderr.write(`Not a known code (check by hand):\n  ${unresolved.join('\n  ')}\n`);
}

const rows = [...declared.keys()].sort().map((code) => {
  const byStatus = uses.get(code);
  const statuses = byStatus ? [...byStatus.keys()].sort().join(', ') : '— (not answered)';
  const where = byStatus
    ? [...new Set([...byStatus.values()].flatMap((s) => [...s]))].sort().join(', ')
    : '';
  return `| \`${code}\` | ${statuses} | ${declared.get(code)} | ${where} |`;
});
process.stdout.write(
  ['| code | HTTP status | enum | raised in |', '|---|---|---|---|', ...rows, ''].join('\n'),
);

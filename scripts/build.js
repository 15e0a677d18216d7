#!/usr/bin/env node
/**
 * Compiles the server into dist/ (tsc -p tsconfig.build.json) and writes dist/.source-hash: a
 * SHA-256 over everything the compiled output depends on (src/, migrations/, the tsconfigs,
 * package.json and the lockfile). With --if-stale it compiles only when that hash differs from
 * the stored one, so `npm start`, `npm run cli` and `npm test` do not spend 8–20 s recompiling
 * an unchanged tree. A hash rather than mtimes: a git checkout or a copy changes mtimes without
 * changing anything, and restoring an old file can make a stale build look newer.
 *
 *   node scripts/build.js             always compile
 *   node scripts/build.js --if-stale  compile only if the sources changed since the last build
 */
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, readFileSync, writeFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.source-hash');
const OUTPUTS = [join(ROOT, 'dist', 'src', 'main.js'), join(ROOT, 'dist', 'src', 'cli', 'main.js')];
const INPUTS = [
  'src',
  'migrations',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
];

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => files(join(path, entry.name)));
}

/** The hash of every input file's path and content, in a fixed order. */
function sourceHash(root = ROOT) {
  const hash = createHash('sha256');
  // Specs beside the code are not compiled into dist/ (tsconfig.build.json excludes them).
  const inputs = INPUTS.flatMap((input) => files(join(root, input))).filter(
    (f) => !f.endsWith('.spec.ts'),
  );
  for (const file of inputs) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Whether dist/ was built from exactly the current sources. */
function isCurrent(hash = sourceHash()) {
  return (
    OUTPUTS.every((f) => existsSync(f)) &&
    existsSync(STAMP) &&
    readFileSync(STAMP, 'utf8').trim() === hash
  );
}

/** Compiles unless (with ifStale) dist/ is current. Returns true if it compiled. */
function build({ ifStale = false, say = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const hash = sourceHash();
  if (ifStale && isCurrent(hash)) return false;
  if (ifStale) say('dist/ is out of date: compiling (tsc -p tsconfig.build.json)…');
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    say('the build failed (see above)');
    process.exit(result.status ?? 1);
  }
  writeFileSync(STAMP, `${hash}\n`);
  return true;
}

module.exports = { build, isCurrent, sourceHash };

if (require.main === module) build({ ifStale: process.argv.includes('--if-stale') });

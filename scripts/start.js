#!/usr/bin/env node
/**
 * `npm start` (and `npm run cli -- …` with --cli): compiles only if dist/ is out of date
 * (scripts/build.js), then runs the server (or the CLI) **in this same process**.
 *
 * One process, and the npm script starts it with `exec`, so npm's child is this Node process
 * itself: a SIGTERM or SIGINT sent to npm is forwarded to it, and one sent to it directly lands
 * there too — either way main.ts drains the server and stops the embedded PostgreSQL. (Before,
 * `sh -c node …` stood between npm and the server: a SIGTERM to npm left the server and its
 * database running on their own.)
 */
const { join } = require('node:path');
const { build } = require('./build');

const cli = process.argv[2] === '--cli';
const args = process.argv.slice(cli ? 3 : 2);
const entry = join(__dirname, '..', 'dist', 'src', ...(cli ? ['cli', 'main.js'] : ['main.js']));
try {
  build({ ifStale: true });
} catch (error) {
  // No TypeScript (a production install without dev dependencies): run what dist/ holds.
  if (error && error.code !== 'MODULE_NOT_FOUND') throw error;
}
process.argv = [process.argv[0], entry, ...args];
require(entry);

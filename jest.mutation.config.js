/**
 * Jest as StrykerJS runs it (npm run test:mutation): the same suites as `npm test` but for those
 * that start the built server or CLI as child processes (they test dist/, which mutants never
 * reach, and would only slow every run).
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/smoke/', '<rootDir>/test/e2e/cli\\.e2e\\.spec\\.ts$'],
};

/**
 * Jest as StrykerJS runs it, through `npm run test:mutation` (scripts/mutation.ts):
 * - only the test files of the module group under test (KC_MUTATION_TESTS, set by the script);
 * - the database is set up once for the whole run by the script, not once per mutant (Jest runs
 *   globalSetup on every call, and Stryker calls Jest once per mutant), and torn down by it too.
 */
const base = require('./jest.config.js');

const tests = (process.env.KC_MUTATION_TESTS ?? '').split(',').filter(Boolean);

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: tests.length ? tests.map((t) => `<rootDir>/${t}`) : base.testMatch,
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/smoke/',
    '<rootDir>/test/e2e/cli\\.e2e\\.spec\\.ts$',
  ],
  globalSetup: '<rootDir>/test/setup/mutation-global-setup.ts',
  globalTeardown: undefined,
  // Instrumented code on a loaded machine: a suite's beforeAll (an app, councils created through
  // the API) can take minutes. Stryker has its own per-mutant timeout (stryker.config.json).
  testTimeout: 300_000,
};

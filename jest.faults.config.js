/** `npm run test:faults`: the fault-injection suites (kill -9, database loss, fail-closed audit, backup round trip). */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.faults.ts'],
  maxWorkers: 1,
  testTimeout: 120_000,
};

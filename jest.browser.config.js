/**
 * `npm run test:browser`: Swagger UI driven in headless Chromium (Debian's `chromium` package).
 * Not part of `npm test`, which must not need a browser; `.ci/run` runs it when Chromium is
 * installed. The suite starts the built server on its own embedded database, so it needs none of
 * the test database setup.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/browser/**/*.browser.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  maxWorkers: 1,
  testTimeout: 480_000,
};

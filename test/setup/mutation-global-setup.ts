import { existsSync } from 'node:fs';
import { testInfoFile } from './test-env';

/**
 * Global setup under StrykerJS (`jest.mutation.config.js`). Stryker's Jest runner calls Jest
 * once per mutant, and Jest runs its global setup every time; starting and migrating PostgreSQL
 * per mutant would dwarf the tests. `scripts/mutation.ts` runs the real global setup once for
 * the whole run and passes KC_TEST_RUN_ID down, so here we only check that it did.
 */
export default function mutationGlobalSetup(): void {
  if (!process.env.KC_TEST_RUN_ID || !existsSync(testInfoFile()))
    throw new Error(
      'No test database: run mutation testing through `npm run test:mutation` (scripts/mutation.ts), not `stryker run`.',
    );
}

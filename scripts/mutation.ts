/**
 * `npm run test:mutation [-- <group>… | --list] [-- stryker options]`: StrykerJS over the
 * security-critical modules (issue 21), one module group at a time, each with only the test files
 * that exercise it (docs/testing.md, "Mutation testing").
 *
 * Why a driver and not a bare `stryker run`: Stryker's Jest runner calls Jest's `runCLI` once per
 * mutant, and Jest runs `globalSetup` on every `runCLI`. Ours starts PostgreSQL and migrates a
 * template — per mutant, that would cost more than the tests. So this script runs the normal
 * global setup once for the whole run, hands it to every Stryker worker through
 * KC_TEST_RUN_ID (the info file), and tears it down at the end; `jest.mutation.config.js` swaps
 * in a global setup that only checks the database is there.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import globalSetup from '../test/setup/global-setup';
import globalTeardown from '../test/setup/global-teardown';

interface Group {
  /** What the group protects (printed, and the heading in the report). */
  about: string;
  mutate: string[];
  /** Test files that exercise the modules (paths from the repository root). */
  tests: string[];
}

/** Most security-critical first: when time runs out, the important numbers exist. */
export const GROUPS: Record<string, Group> = {
  access: {
    about: 'AccessService.use: policy check, 404 not 403, denial and disclosure audit, fail closed',
    mutate: ['src/access/access.service.ts'],
    tests: [
      'test/e2e/fail-closed.e2e.spec.ts',
      'test/e2e/attributable.e2e.spec.ts',
      'test/e2e/cases-access.e2e.spec.ts',
    ],
  },
  projection: {
    about: 'field projection: limited scope never gets 要配慮 content, need to know inside a case',
    mutate: ['src/cases/case-projection.ts', 'src/meetings/meeting-projection.ts'],
    tests: [
      'src/cases/case-projection.spec.ts',
      'src/meetings/meeting-projection.spec.ts',
      'test/e2e/limited-scope.e2e.spec.ts',
      'test/e2e/need-to-know.e2e.spec.ts',
      'test/e2e/cases-access.e2e.spec.ts',
      'test/e2e/meetings.e2e.spec.ts',
    ],
  },
  audit: {
    about: 'audit chain encoding and verification (tamper evidence)',
    mutate: ['src/audit/audit-chain.ts', 'src/audit/verify-council.ts'],
    tests: [
      'src/audit/audit-chain.spec.ts',
      'src/audit/verify-council.spec.ts',
      'test/e2e/audit-chain.e2e.spec.ts',
      'test/e2e/audit.e2e.spec.ts',
    ],
  },
  policy: {
    about: 'policy loader, CASL abilities, policy → SQL, in-force predicates',
    mutate: [
      'src/access/sql-filter.ts',
      'src/access/policy-loader.ts',
      'src/access/ability.factory.ts',
      'src/access/subject-sql.ts',
      'src/access/in-force.ts',
    ],
    tests: [
      'src/access/sql-filter.spec.ts',
      'src/access/policy-loader.spec.ts',
      'src/access/policy-sql.spec.ts',
      'test/db/policy-tests.db.spec.ts',
      'test/db/in-force.db.spec.ts',
    ],
  },
  suppression: {
    about: 'published statistics: nothing below k leaves (the JS check; the rest is SQL)',
    mutate: ['src/platform/platform-statistics.service.ts'],
    tests: [
      'src/platform/platform-statistics.service.spec.ts',
      'test/e2e/platform-suppression.e2e.spec.ts',
      'test/db/statistics-suppression.db.spec.ts',
    ],
  },
};

/**
 * `<group>` runs every test file of the group; `<group>:unit` only its unit specs (src/**), which
 * need no database and take seconds per mutant instead of minutes: the quick check while
 * writing tests (its score is a lower bound of the group's).
 */
function resolveGroup(arg: string): { name: string; group: Group } {
  const [base, variant] = arg.split(':');
  const group = GROUPS[base];
  if (!group || (variant !== undefined && variant !== 'unit'))
    throw new Error(
      `unknown group ${arg}; groups: ${Object.keys(GROUPS).join(', ')} (or <group>:unit)`,
    );
  if (variant === undefined) return { name: base, group };
  const tests = group.tests.filter((t) => t.startsWith('src/'));
  if (tests.length === 0) throw new Error(`group ${base} has no unit specs`);
  return { name: `${base}-unit`, group: { ...group, tests } };
}

function parseArgs(argv: string[]): {
  groups: { name: string; group: Group }[];
  strykerArgs: string[];
} {
  const names: string[] = [];
  const strykerArgs: string[] = [];
  for (const arg of argv) {
    if (arg === '--no-checker') continue;
    if (arg.startsWith('-') || strykerArgs.length > 0) strykerArgs.push(arg);
    else names.push(arg);
  }
  return { groups: (names.length ? names : Object.keys(GROUPS)).map(resolveGroup), strykerArgs };
}

/** One Stryker config per group, derived from stryker.config.json (reports per group). */
function writeGroupConfig(name: string, group: Group, checker: boolean): string {
  const base = JSON.parse(readFileSync('stryker.config.json', 'utf8')) as Record<string, unknown>;
  const dir = join('reports', 'mutation', name);
  mkdirSync(dir, { recursive: true });
  const config = {
    ...base,
    _comment: `Generated by scripts/mutation.ts for group "${name}": ${group.about}`,
    mutate: group.mutate,
    htmlReporter: { fileName: join(dir, 'mutation.html') },
    jsonReporter: { fileName: join(dir, 'mutation.json') },
    incrementalFile: join(dir, 'incremental.json'),
    // --no-checker: the TypeScript checker type-checks the whole project before the first
    // mutant (2–9 minutes on the shared machine); without it, mutants that do not compile run
    // (SWC strips types) and are mostly killed, so the score is slightly flattered.
    ...(checker ? {} : { checkers: [] }),
  };
  const file = join(dir, 'stryker.config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

function runStryker(configFile: string, tests: string[], extra: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(join('node_modules', '.bin', 'stryker'), ['run', configFile, ...extra], {
      stdio: 'inherit',
      env: { ...process.env, KC_MUTATION_TESTS: tests.join(',') },
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  if (process.argv.includes('--list')) {
    for (const [name, g] of Object.entries(GROUPS))
      process.stdout.write(
        `${name}: ${g.about}\n  mutate: ${g.mutate.join(' ')}\n  tests: ${g.tests.join(' ')}\n`,
      );
    return;
  }
  const { groups, strykerArgs } = parseArgs(process.argv.slice(2));
  await globalSetup();
  let failed = false;
  const timings: string[] = [];
  const stop = (): void => {
    void globalTeardown().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (const { name, group } of groups) {
      process.stdout.write(`\n[mutation] group ${name}: ${group.about}\n`);
      const started = Date.now();
      const code = await runStryker(
        writeGroupConfig(name, group, !process.argv.includes('--no-checker')),
        group.tests,
        strykerArgs,
      );
      const minutes = ((Date.now() - started) / 60_000).toFixed(1);
      timings.push(`${name}: ${minutes} min${code === 0 ? '' : ` (stryker exited ${code})`}`);
      if (code !== 0) failed = true;
    }
  } finally {
    await globalTeardown();
  }
  process.stdout.write(`\n[mutation] run time per group:\n  ${timings.join('\n  ')}\n`);
  process.stdout.write('[mutation] reports: reports/mutation/<group>/mutation.html\n');
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

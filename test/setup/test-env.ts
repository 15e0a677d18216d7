import { join } from 'node:path';
import { tmpdir } from 'node:os';

/** What global setup hands to every test file (through a file: Jest workers share no memory). */
export interface TestServerInfo {
  /** Superuser (or admin) URL of the server's maintenance database. */
  adminUrl: string;
  templateDatabase: string;
  ownerPassword: string;
  appPassword: string;
  platformPassword: string;
  /** Prefix of every database this run creates, so teardown can drop exactly those. */
  runPrefix: string;
  embeddedDir: string | null;
}

export const testInfoFile = (): string =>
  join(tmpdir(), `kodoku-council-test-${process.env.KC_TEST_RUN_ID ?? 'default'}.json`);

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { Client } from 'pg';
import { signingKeyFrom } from '../config/app-config';
import { readWitness } from '../audit/audit-witness';
import { verifyCouncil } from '../audit/verify-council';
import { Print, withRuntime } from './with-runtime';

/**
 * `audit:verify --council <id> [--witness <dir|file>]`: recomputes a council's audit chain and
 * checks its signed checkpoints — the same verification as GET …/audit/verify, on a bare `pg`
 * connection in one read-only snapshot, with no framework loaded, so it stays small on any log.
 * With `--witness`, also every checkpoint kept outside the database (a witness directory, or
 * one file of JSON lines): a rewrite whose checkpoint rows were deleted is still caught.
 * Returns the verdict (the CLI exits 3 when it is false).
 */
export async function auditVerify(
  councilId: string | undefined,
  out: Print,
  witnessPath?: string,
): Promise<boolean> {
  if (!councilId || !/^[0-9a-f-]{36}$/i.test(councilId))
    throw new Error('audit:verify needs --council <uuid>');
  const id = councilId.toLowerCase();
  // Read before connecting: a witness that is not there is an error, not an empty check.
  const witness = witnessPath !== undefined ? readWitness(witnessPath, id) : undefined;
  return withRuntime(async (runtime) => {
    const publicKey = createPublicKey(
      createPrivateKey(
        signingKeyFrom(runtime.config.audit.signingKey).export({ type: 'pkcs8', format: 'pem' }),
      ),
    )
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const client = new Client({ connectionString: runtime.config.database.url });
    await client.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The RLS scope of this transaction (what CouncilTransactions does in the API).
      await client.query(`SELECT set_config('app.council_id', $1, true)`, [id]);
      const report = await verifyCouncil(
        (sql, params) => client.query(sql, params).then((r) => r.rows),
        id,
        [publicKey, ...runtime.config.audit.previousPublicKeys],
        witness,
      );
      await client.query('COMMIT');
      out(JSON.stringify(report));
      return report.valid;
    } finally {
      await client.end();
    }
  });
}

import { PoolClient } from 'pg';
import { batchOnClient } from '../../src/database/prepared';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * Issue 15: several statements travel in one message as EXECUTEs of statements prepared once
 * per connection (src/database/prepared.ts). Values become SQL literals there, so they must
 * arrive exactly as given whatever they contain, and PostgreSQL must stop at the first failing
 * statement so that a COMMIT framing the batch never follows a failed audit insert (§3.4).
 */
describe('batched prepared statements (db)', () => {
  let db: TestDatabase;
  let client: PoolClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = await db.superuser.connect();
    await client.query(`CREATE TABLE batch_probe (v text NOT NULL)`);
  });
  afterAll(async () => {
    client.release();
    await db.drop();
  });

  it('hands every value over unchanged, however hostile its text', async () => {
    const hostile = `it's \\' "x" '); DROP TABLE batch_probe; -- \\\\ E'\\x41' $$ $1 ;`;
    const [sut] = await batchOnClient(client, [
      {
        label: 'echo',
        text: `SELECT $1::text AS s, $2::text[] AS a, $3::int AS n, $4::boolean AS b, $5::uuid AS u`,
        values: [hostile, [hostile, 'a,b{c}', null], 42, false, null],
      },
    ]);
    expect(sut).toEqual([{ s: hostile, a: [hostile, 'a,b{c}', null], n: 42, b: false, u: null }]);
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM batch_probe`);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('answers each statement’s rows in order, after a head that returns rows of its own', async () => {
    const sut = await batchOnClient(
      client,
      [
        { label: 'one', text: `SELECT $1::int AS n`, values: [1] },
        {
          label: 'two',
          text: `SELECT $1::text AS t UNION ALL SELECT $2::text`,
          values: ['a', 'b'],
        },
      ],
      { head: `BEGIN; SELECT 'head' AS h`, tail: 'COMMIT' },
    );
    expect(sut).toEqual([[{ n: 1 }], [{ t: 'a' }, { t: 'b' }]]);
  });

  it('never runs the COMMIT after a statement that failed', async () => {
    await client.query('BEGIN');
    const insert = {
      label: 'probe_in',
      text: `INSERT INTO batch_probe (v) VALUES ($1)`,
      values: ['kept?'],
    };
    const failing = {
      label: 'probe_fail',
      text: `INSERT INTO batch_probe (v) VALUES ($1)`,
      values: [null],
    };
    await expect(batchOnClient(client, [insert, failing], { tail: 'COMMIT' })).rejects.toThrow(
      /null value/,
    );
    await client.query('ROLLBACK');
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM batch_probe`);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('prepares a statement once per connection', async () => {
    const st = { label: 'once', text: `SELECT $1::int + 1 AS n`, values: [1] };
    await batchOnClient(client, [st]);
    await batchOnClient(client, [st]);
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 's_once_%'`,
    );
    expect(rows).toEqual([{ n: 1 }]);
  });
});

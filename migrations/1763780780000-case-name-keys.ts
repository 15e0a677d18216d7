import { MigrationInterface, QueryRunner } from 'typeorm';
import { normaliseName } from '../src/cases/name-normalisation';

/**
 * Search and duplicate matching by name (issue 17): the normalised key of each name and kana
 * reading (src/cases/name-normalisation.ts) stored beside the text as entered, indexed for
 * exact and prefix matches on the full name and on either part. Rows written before this
 * migration get their keys here (per council: row-level security binds the owner too).
 */
export class CaseNameKeys1763780780000 implements MigrationInterface {
  name = 'CaseNameKeys1763780780000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cases
        ADD COLUMN family_name_key text NOT NULL DEFAULT '',
        ADD COLUMN given_name_key text NOT NULL DEFAULT '',
        ADD COLUMN family_kana_key text NOT NULL DEFAULT '',
        ADD COLUMN given_kana_key text NOT NULL DEFAULT '';
      CREATE INDEX cases_kana_key ON cases (council_id, (family_kana_key || given_kana_key) text_pattern_ops);
      CREATE INDEX cases_name_key ON cases (council_id, (family_name_key || given_name_key) text_pattern_ops);
      CREATE INDEX cases_given_kana_key ON cases (council_id, given_kana_key text_pattern_ops);
      CREATE INDEX cases_given_name_key ON cases (council_id, given_name_key text_pattern_ops);
      CREATE INDEX cases_birth_date ON cases (council_id, birth_date);
    `);
    const councils = (await q.query(`SELECT id FROM councils`)) as { id: string }[];
    for (const { id } of councils) {
      await q.query(`SELECT set_config('app.council_id', $1, true)`, [id]);
      const rows = (await q.query(
        `SELECT id, family_name, given_name, family_name_kana, given_name_kana FROM cases WHERE council_id = $1`,
        [id],
      )) as {
        id: string;
        family_name: string;
        given_name: string;
        family_name_kana: string | null;
        given_name_kana: string | null;
      }[];
      for (const r of rows) {
        await q.query(
          `UPDATE cases SET family_name_key = $3, given_name_key = $4, family_kana_key = $5, given_kana_key = $6
            WHERE council_id = $1 AND id = $2`,
          [
            id,
            r.id,
            normaliseName(r.family_name),
            normaliseName(r.given_name),
            normaliseName(r.family_name_kana),
            normaliseName(r.given_name_kana),
          ],
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX cases_kana_key, cases_name_key, cases_given_kana_key, cases_given_name_key, cases_birth_date;
      ALTER TABLE cases DROP COLUMN family_name_key, DROP COLUMN given_name_key,
                        DROP COLUMN family_kana_key, DROP COLUMN given_kana_key;
    `);
  }
}

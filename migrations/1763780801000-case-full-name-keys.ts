import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search that uses its indexes under row-level security (issue 17's benchmark). The full-name
 * keys were expression indexes on `family_… || given_…` searched with LIKE; under RLS the planner
 * may use a condition as an index condition only if every function in it is leakproof, and
 * neither `||` (textcat) nor LIKE (textlike) is, so every name search read the whole council.
 * The full keys are now columns of their own, kept by a trigger (whatever writes the row), and
 * the search compares them with leakproof operators (=, ~>=~, ~<~ of text_pattern_ops).
 */
export class CaseFullNameKeys1763780801000 implements MigrationInterface {
  name = 'CaseFullNameKeys1763780801000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cases
        ADD COLUMN full_kana_key text NOT NULL DEFAULT '',
        ADD COLUMN full_name_key text NOT NULL DEFAULT '';
      CREATE FUNCTION public.cases_full_name_keys() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $fn$
      BEGIN
        NEW.full_kana_key := NEW.family_kana_key || NEW.given_kana_key;
        NEW.full_name_key := NEW.family_name_key || NEW.given_name_key;
        RETURN NEW;
      END $fn$;
      CREATE TRIGGER cases_full_name_keys BEFORE INSERT OR UPDATE ON cases
        FOR EACH ROW EXECUTE FUNCTION public.cases_full_name_keys();
    `);
    // Existing rows, per council: row-level security binds the owner too.
    await q.query(`
      DO $$
      DECLARE
        c uuid;
      BEGIN
        FOR c IN SELECT id FROM councils LOOP
          PERFORM set_config('app.council_id', c::text, true);
          UPDATE cases SET full_kana_key = family_kana_key || given_kana_key,
                           full_name_key = family_name_key || given_name_key
           WHERE council_id = c;
        END LOOP;
        PERFORM set_config('app.council_id', '', true);
      END $$;
    `);
    await q.query(`
      DROP INDEX cases_kana_key, cases_name_key;
      CREATE INDEX cases_full_kana_key ON cases (council_id, full_kana_key text_pattern_ops);
      CREATE INDEX cases_full_name_key ON cases (council_id, full_name_key text_pattern_ops);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX cases_full_kana_key, cases_full_name_key;
      CREATE INDEX cases_kana_key ON cases (council_id, (family_kana_key || given_kana_key) text_pattern_ops);
      CREATE INDEX cases_name_key ON cases (council_id, (family_name_key || given_name_key) text_pattern_ops);
      DROP TRIGGER cases_full_name_keys ON cases;
      DROP FUNCTION public.cases_full_name_keys();
      ALTER TABLE cases DROP COLUMN full_kana_key, DROP COLUMN full_name_key;
    `);
  }
}

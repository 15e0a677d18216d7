import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The accounts migration (1763780760000) and the database hardening (1763780741000) were written
 * side by side: this joins them. The application role writes `users.must_change_password` (an
 * operator-set password must be changed; a chosen one clears it) through column grants like the
 * other columns it writes, and every function the accounts migration added runs on a fixed
 * `search_path`, as every other trigger and SECURITY DEFINER function does.
 */
export class AccountsHardening1763780790000 implements MigrationInterface {
  name = 'AccountsHardening1763780790000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      GRANT INSERT (must_change_password), UPDATE (must_change_password) ON public.users TO council_app;
      DO $$
      DECLARE f record;
      BEGIN
        FOR f IN
          SELECT p.oid::regprocedure AS sig
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname IN ('public', 'statistics', 'platform') AND p.prokind = 'f'
             AND (p.prorettype = 'trigger'::regtype OR p.prosecdef)
             AND NOT (coalesce(p.proconfig, '{}') @> ARRAY['search_path=pg_catalog, public, pg_temp'])
        LOOP
          EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', f.sig);
        END LOOP;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `REVOKE INSERT (must_change_password), UPDATE (must_change_password) ON public.users FROM council_app`,
    );
  }
}

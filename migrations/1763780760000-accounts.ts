import { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_USER_ID = `NULLIF(current_setting('app.user_id', true), '')::uuid`;

/**
 * The standard pledge as it stood until this migration (frozen copy of 1763780100000's text):
 * councils still on it get the corrected text as a new version.
 */
export const OLD_STANDARD_PLEDGE = [
  '私は、孤独・孤立対策推進法第18条に基づき、地域協議会の事務に関して知り得た秘密を漏らしません。',
  'この義務は、地域協議会の事務に従事しなくなった後も続くことを理解しています。',
  '',
  'Under Article 18 of the Act on the Promotion of Loneliness and Isolation Countermeasures, I will not',
  'disclose any secret learned in the course of the regional council’s business. I understand that',
  'this duty continues after I no longer work on council business, and that breaching it is a crime.',
].join('\n');

/**
 * Frozen copy of the corrected standard pledge (src/councils/pledge.service.ts STANDARD_PLEDGE at
 * the time of this migration): the Japanese text now states the penalty too (Art. 28).
 */
const NEW_STANDARD_PLEDGE = [
  '私は、孤独・孤立対策推進法第18条に基づき、地域協議会の事務に関して知り得た秘密を、正当な理由なく漏らしません。',
  'この義務は、地域協議会の事務に従事しなくなった後も続くことを理解しています。',
  'これに違反して秘密を漏らした者は、同法第28条により、1年以下の拘禁刑又は50万円以下の罰金に処せられることを理解しています。',
  '',
  'Under Article 18 of the Act on the Promotion of Loneliness and Isolation Countermeasures, I will not',
  'disclose, without a legitimate reason, any secret learned in the course of the regional council’s',
  'business. I understand that this duty continues after I no longer work on council business, and that',
  'disclosing such a secret is punishable under Article 28 by imprisonment for up to one year or a fine',
  'of up to 500,000 yen.',
].join('\n');

/**
 * Accounts (issue 13, DESIGN.md §3.11 "Nobody is above the council"):
 *
 * - a system admin never holds a staff record: a trigger refuses a staff row for one, and
 *   refuses making a user with staff records a system admin; a council records when it was
 *   first staffed (`bootstrapped_at`, set by a trigger on the first staff row), after which the
 *   operator has no way in but the audited CLI recovery;
 * - staff are invited: a staff record may be pending (no user, not accepted) with a single-use
 *   invitation whose token is stored as a SHA-256; the invitee's own account accepts it. Two
 *   narrow read policies let an invitation be found before its council is known: by its token
 *   (`app.invitation_token`) or by the signed-in user's own e-mail (`app.user_id`);
 * - ending a staff record records why and the continuing duty (Art. 18) it was ended with;
 * - TOTP second factor (secrets encrypted by the application, recovery codes hashed), password
 *   resets (single use), and a forced change after an operator-set password;
 * - councils say which roles need a second factor (none for councils that exist already; new
 *   ones default to coordinators and auditors);
 * - the pledge: councils still on the old standard text get version 2, which states the penalty.
 */
export class Accounts1763780760000 implements MigrationInterface {
  name = 'Accounts1763780760000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE councils
        ADD COLUMN bootstrapped_at timestamptz,
        ADD COLUMN mfa_required_roles text[] NOT NULL DEFAULT '{}'
          CHECK (mfa_required_roles <@ ARRAY['coordinator', 'agency_staff', 'auditor']::text[]);
      -- Councils created from now on require a second factor of coordinators and auditors.
      ALTER TABLE councils ALTER COLUMN mfa_required_roles SET DEFAULT ARRAY['coordinator', 'auditor']::text[];

      ALTER TABLE staff
        ALTER COLUMN user_id DROP NOT NULL,
        ADD COLUMN accepted_at timestamptz,
        ADD COLUMN end_reason text CHECK (end_reason IN ('ended', 'member_body_left', 'declined', 'invitation_revoked')),
        ADD COLUMN continuing_duty text CHECK (length(continuing_duty) <= 2000);
    `);
    // Backfill per council: staff and councils are under FORCEd row-level security.
    await q.query(`
      DO $$
      DECLARE
        c uuid;
      BEGIN
        FOR c IN SELECT id FROM councils LOOP
          PERFORM set_config('app.council_id', c::text, true);
          UPDATE staff SET accepted_at = created_at WHERE council_id = c;
          UPDATE staff SET end_reason = 'ended' WHERE council_id = c AND ended_on IS NOT NULL;
          UPDATE councils SET bootstrapped_at = (SELECT min(created_at) FROM staff WHERE council_id = c) WHERE id = c;
        END LOOP;
        PERFORM set_config('app.council_id', '', true);
      END $$;
    `);
    await q.query(`
      -- A record with a user has been accepted by that user; a pending one has neither, and
      -- cannot have been pledged.
      ALTER TABLE staff
        ALTER COLUMN accepted_at SET DEFAULT now(),
        ADD CONSTRAINT staff_pending_has_no_user CHECK ((user_id IS NULL) = (accepted_at IS NULL)),
        ADD CONSTRAINT staff_pending_not_pledged CHECK (user_id IS NOT NULL OR pledged_at IS NULL);

      -- DESIGN.md §3.11: a system admin never holds a staff record, by any path.
      CREATE FUNCTION staff_no_system_admin() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.user_id IS NOT NULL AND EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.user_id AND u.is_system_admin) THEN
          RAISE EXCEPTION 'a system admin cannot hold a staff record'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'staff_no_system_admin';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER staff_no_system_admin BEFORE INSERT OR UPDATE OF user_id ON staff
        FOR EACH ROW EXECUTE FUNCTION staff_no_system_admin();

      -- ... nor does a user with any staff record (former ones included) become a system admin.
      -- staff is under row-level security: the user's own rows are read through the
      -- own_staff_records policy (app.user_id), set for this one check and put back.
      CREATE FUNCTION users_admin_holds_no_staff() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        previous text := current_setting('app.user_id', true);
        holds boolean;
      BEGIN
        IF NEW.is_system_admin AND NOT OLD.is_system_admin THEN
          PERFORM set_config('app.user_id', NEW.id::text, true);
          SELECT EXISTS (SELECT 1 FROM staff WHERE user_id = NEW.id) INTO holds;
          PERFORM set_config('app.user_id', COALESCE(previous, ''), true);
          IF holds THEN
            RAISE EXCEPTION 'a user who holds or held a staff record cannot become a system admin'
              USING ERRCODE = 'check_violation', CONSTRAINT = 'users_admin_holds_no_staff';
          END IF;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER users_admin_holds_no_staff BEFORE UPDATE OF is_system_admin ON users
        FOR EACH ROW EXECUTE FUNCTION users_admin_holds_no_staff();

      -- The first staff record of a council marks it as set up: from then on the system admin
      -- cannot add staff, even once every coordinator has gone (recovery is a CLI procedure).
      CREATE FUNCTION staff_bootstraps_council() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE councils SET bootstrapped_at = now() WHERE id = NEW.council_id AND bootstrapped_at IS NULL;
        RETURN NEW;
      END $$;
      CREATE TRIGGER staff_bootstraps_council AFTER INSERT ON staff
        FOR EACH ROW EXECUTE FUNCTION staff_bootstraps_council();

      -- Invitations: one per pending staff record. The token is random (32 bytes) and stored only
      -- as its SHA-256; the e-mail is the address invited, never echoed from an account.
      CREATE TABLE staff_invitations (
        council_id uuid NOT NULL REFERENCES councils (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        staff_id uuid NOT NULL,
        email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        -- The role offered, shown to the invitee before they can read the council (a pending
        -- record cannot be changed, so it stays the staff record's role).
        role text NOT NULL CHECK (role IN ('coordinator', 'agency_staff', 'auditor')),
        token_hash bytea NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid REFERENCES users (id),
        accepted_at timestamptz,
        accepted_by uuid REFERENCES users (id),
        declined_at timestamptz,
        revoked_at timestamptz,
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, staff_id) REFERENCES staff (council_id, id),
        CHECK ((accepted_at IS NULL) = (accepted_by IS NULL)),
        CHECK (num_nonnulls(accepted_at, declined_at, revoked_at) <= 1)
      );
      CREATE UNIQUE INDEX staff_invitations_token_key ON staff_invitations (token_hash);
      CREATE UNIQUE INDEX staff_invitations_one_per_staff ON staff_invitations (council_id, staff_id);
      CREATE INDEX staff_invitations_by_email ON staff_invitations (email) WHERE accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL;

      ALTER TABLE staff_invitations ENABLE ROW LEVEL SECURITY;
      ALTER TABLE staff_invitations FORCE ROW LEVEL SECURITY;
      CREATE POLICY council_isolation ON staff_invitations
        USING (council_id = NULLIF(current_setting('app.council_id', true), '')::uuid)
        WITH CHECK (council_id = NULLIF(current_setting('app.council_id', true), '')::uuid);
      -- Found before its council is known: by the token presented (hex of its SHA-256) ...
      CREATE POLICY invitation_by_token ON staff_invitations FOR SELECT
        USING (token_hash = decode(NULLIF(current_setting('app.invitation_token', true), ''), 'hex'));
      -- ... or by the signed-in user's own e-mail address (their invitations across councils).
      CREATE POLICY own_invitations ON staff_invitations FOR SELECT
        USING (email = (SELECT u.email FROM users u WHERE u.id = ${CURRENT_USER_ID}));

      -- TOTP (RFC 6238). The secret is encrypted by the application (AES-256-GCM, key from
      -- MFA_ENCRYPTION_KEY, bound to the user id); last_used_step makes each code single-use.
      -- Never deleted (the app role deletes nothing): disabling sets disabled_at.
      CREATE TABLE mfa_totp (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        secret_ciphertext bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        confirmed_at timestamptz,
        disabled_at timestamptz,
        last_used_step bigint
      );
      CREATE UNIQUE INDEX mfa_totp_one_live ON mfa_totp (user_id) WHERE disabled_at IS NULL;

      CREATE TABLE mfa_recovery_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        totp_id uuid NOT NULL REFERENCES mfa_totp (id),
        code_hash text NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX mfa_recovery_codes_by_totp ON mfa_recovery_codes (totp_id) WHERE used_at IS NULL;

      -- Password reset by e-mail: single use, one hour, token stored as SHA-256.
      CREATE TABLE password_resets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE UNIQUE INDEX password_resets_token_key ON password_resets (token_hash);
      CREATE INDEX password_resets_open_by_user ON password_resets (user_id) WHERE used_at IS NULL;

      -- An operator-set password (CLI create-admin) must be changed at the first sign-in.
      ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

      ALTER TABLE auth_sessions DROP CONSTRAINT auth_sessions_revoked_reason_check;
      ALTER TABLE auth_sessions ADD CONSTRAINT auth_sessions_revoked_reason_check CHECK (revoked_reason IN
        ('logout', 'refresh_reuse', 'password_change', 'staff_ended', 'admin', 'password_reset', 'mfa_enabled'));

      GRANT SELECT, INSERT, UPDATE ON staff_invitations, mfa_totp, mfa_recovery_codes, password_resets TO council_app;
    `);
    await upgradeStandardPledge(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE auth_sessions DROP CONSTRAINT auth_sessions_revoked_reason_check;
      ALTER TABLE auth_sessions ADD CONSTRAINT auth_sessions_revoked_reason_check CHECK (revoked_reason IN
        ('logout', 'refresh_reuse', 'password_change', 'staff_ended', 'admin'));
      ALTER TABLE users DROP COLUMN must_change_password;
      DROP TABLE password_resets, mfa_recovery_codes, mfa_totp, staff_invitations;
      DROP TRIGGER staff_bootstraps_council ON staff;
      DROP TRIGGER users_admin_holds_no_staff ON users;
      DROP TRIGGER staff_no_system_admin ON staff;
      DROP FUNCTION staff_bootstraps_council(), users_admin_holds_no_staff(), staff_no_system_admin();
      ALTER TABLE staff
        DROP CONSTRAINT staff_pending_not_pledged,
        DROP CONSTRAINT staff_pending_has_no_user,
        DROP COLUMN continuing_duty, DROP COLUMN end_reason, DROP COLUMN accepted_at;
      ALTER TABLE councils DROP COLUMN mfa_required_roles, DROP COLUMN bootstrapped_at;
    `);
  }
}

/**
 * The pledge: councils still on the old standard text get the corrected one as a new version
 * (an accepted version's text never changes: it is what people promised). Everyone accepts
 * again, as for any new version; the council's log says why. Exported for its test
 * (test/db/accounts-migration.db.spec.ts); runs as the owner role, under row-level security.
 */
export async function upgradeStandardPledge(q: Pick<QueryRunner, 'query'>): Promise<void> {
  await q.query(`
    DO $$
    DECLARE
      c uuid;
      v integer;
    BEGIN
      FOR c IN SELECT id FROM councils LOOP
        PERFORM set_config('app.council_id', c::text, true);
        SELECT version INTO v FROM pledges WHERE council_id = c ORDER BY version DESC LIMIT 1;
        IF v IS NOT NULL AND (SELECT text FROM pledges WHERE council_id = c AND version = v) = $old$${OLD_STANDARD_PLEDGE}$old$ THEN
          INSERT INTO pledges (council_id, version, text) VALUES (c, v + 1, $new$${NEW_STANDARD_PLEDGE}$new$);
          INSERT INTO audit_events (council_id, actor_user_id, actor_role, action, resource_type, resource_id, outcome, reason, request_id)
          VALUES (c, NULL, 'operator', 'pledge.publish', 'council', c, 'allowed', 'version=' || (v + 1) || ',penalty_stated', 'migration:1763780760000');
        END IF;
      END LOOP;
      PERFORM set_config('app.council_id', '', true);
    END $$;
  `);
}

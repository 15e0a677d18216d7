import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, sessions, the security log, and the minimal council structure (councils, member
 * bodies, staff) that login and /api/me need. Tenant tables lead their keys with council_id
 * (DESIGN.md §4 Scale-out); foreign keys between tenant tables include it, so a row can never
 * point into another council.
 */
export class Foundation1763780000000 implements MigrationInterface {
  name = 'Foundation1763780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION reject_modification() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$;

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        password_hash text NOT NULL,
        is_system_admin boolean NOT NULL DEFAULT false,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_key ON users (email);

      -- Login failures per e-mail address, known or not (keyed by its SHA-256, so unknown
      -- addresses are not stored and lockout answers the same whether an account exists).
      CREATE TABLE login_lockouts (
        email_key bytea PRIMARY KEY,
        failure_count integer NOT NULL DEFAULT 0 CHECK (failure_count >= 0),
        first_failure_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz
      );

      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text CHECK (revoked_reason IN ('logout', 'refresh_reuse', 'password_change', 'staff_ended', 'admin')),
        CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
      );
      CREATE INDEX auth_sessions_live_by_user ON auth_sessions (user_id) WHERE revoked_at IS NULL;

      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES auth_sessions (id),
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz
      );
      CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
      CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

      -- Authentication events that belong to no single council (a login precedes any council
      -- context). Identifiers only; append-only like the audit log.
      CREATE TABLE security_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        action text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied')),
        user_id uuid REFERENCES users (id),
        session_id uuid,
        reason text,
        source_ip text,
        request_id text
      );
      CREATE INDEX security_events_user_at ON security_events (user_id, at);
      CREATE TRIGGER security_events_append_only BEFORE UPDATE OR DELETE ON security_events
        FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER security_events_no_truncate BEFORE TRUNCATE ON security_events
        FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();

      CREATE TABLE councils (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        municipalities text[] NOT NULL CHECK (cardinality(municipalities) >= 1),
        established_on date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE member_bodies (
        council_id uuid NOT NULL REFERENCES councils (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind text NOT NULL CHECK (kind IN ('municipality', 'social_welfare_council', 'npo', 'public_health',
          'welfare_commissioner', 'medical', 'housing', 'employment', 'education', 'police', 'other')),
        joined_on date NOT NULL,
        left_on date,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (council_id, id),
        CHECK (left_on IS NULL OR left_on >= joined_on)
      );
      CREATE UNIQUE INDEX member_bodies_name_key ON member_bodies (council_id, name);

      CREATE TABLE staff (
        council_id uuid NOT NULL REFERENCES councils (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        member_body_id uuid NOT NULL,
        role text NOT NULL CHECK (role IN ('coordinator', 'agency_staff', 'auditor')),
        started_on date NOT NULL DEFAULT current_date,
        ended_on date,
        pledged_at timestamptz,
        pledge_version integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, member_body_id) REFERENCES member_bodies (council_id, id),
        CHECK (ended_on IS NULL OR ended_on >= started_on),
        CHECK ((pledged_at IS NULL) = (pledge_version IS NULL))
      );
      -- Former staff stay on record (Art. 18); a person holds one current record per council.
      CREATE UNIQUE INDEX staff_one_current_per_user ON staff (council_id, user_id) WHERE ended_on IS NULL;
      CREATE INDEX staff_by_user ON staff (user_id);

      -- The application role may read and write, never delete: who had access is never erased.
      GRANT SELECT, INSERT, UPDATE ON users, login_lockouts, auth_sessions, refresh_tokens, councils, member_bodies, staff TO council_app;
      GRANT SELECT, INSERT ON security_events TO council_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE staff, member_bodies, councils, security_events, refresh_tokens, auth_sessions, login_lockouts, users;
      DROP FUNCTION reject_modification();
    `);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables holding one council's data. Each gets the same row-level security (DESIGN.md §3.3). */
const TENANT_TABLES = [
  'member_bodies',
  'staff',
  'coordinating_body_designations',
  'pledges',
  'pledge_acceptances',
  'cases',
  'case_number_counters',
  'consents',
  'consent_bodies',
  'case_assignments',
  'audit_events',
  'audit_chain_heads',
];

/** The council of the current transaction; unset or empty means none, so no rows. */
const CURRENT_COUNCIL = `NULLIF(current_setting('app.council_id', true), '')::uuid`;
const CURRENT_USER_ID = `NULLIF(current_setting('app.user_id', true), '')::uuid`;

/**
 * The access layer's database half: the case core (cases, consent, assignments), the audit log
 * with its per-council hash chain, and row-level security on every tenant table, ENABLEd and
 * FORCEd (so even the owner role is bound; only a superuser or BYPASSRLS role is not).
 */
export class AccessLayer1763780200000 implements MigrationInterface {
  name = 'AccessLayer1763780200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- ケース / 進行管理台帳 -------------------------------------------------------------------
      CREATE TABLE case_number_counters (
        council_id uuid NOT NULL REFERENCES councils (id),
        year integer NOT NULL,
        last integer NOT NULL DEFAULT 0,
        PRIMARY KEY (council_id, year)
      );

      CREATE TABLE cases (
        council_id uuid NOT NULL REFERENCES councils (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_number text NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
        given_name text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
        family_name_kana text CHECK (length(family_name_kana) <= 100),
        given_name_kana text CHECK (length(given_name_kana) <= 100),
        birth_date date,
        gender text CHECK (gender IN ('female', 'male', 'other', 'unknown')),
        address text CHECK (length(address) <= 500),
        phone text CHECK (length(phone) <= 50),
        sensitive jsonb,
        summary text NOT NULL CHECK (length(summary) <= 10000),
        concerns text[] NOT NULL DEFAULT '{}',
        review_due_on date,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL REFERENCES users (id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (council_id, id),
        UNIQUE (council_id, case_number)
      );
      CREATE INDEX cases_by_status ON cases (council_id, status, created_at);

      -- 本人同意: versioned records, never edited in place; withdrawal is recorded, not erased.
      CREATE TABLE consents (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        method text NOT NULL CHECK (method IN ('written', 'verbal')),
        obtained_on date NOT NULL,
        expires_on date,
        note text CHECK (length(note) <= 2000),
        withdrawn_on date,
        withdrawn_reason text CHECK (length(withdrawn_reason) <= 2000),
        recorded_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        CHECK (expires_on IS NULL OR expires_on >= obtained_on),
        CHECK (withdrawn_on IS NULL OR withdrawn_on >= obtained_on)
      );
      CREATE INDEX consents_by_case ON consents (council_id, case_id);

      CREATE TABLE consent_bodies (
        council_id uuid NOT NULL,
        consent_id uuid NOT NULL,
        member_body_id uuid NOT NULL,
        PRIMARY KEY (council_id, consent_id, member_body_id),
        FOREIGN KEY (council_id, consent_id) REFERENCES consents (council_id, id),
        FOREIGN KEY (council_id, member_body_id) REFERENCES member_bodies (council_id, id)
      );
      CREATE INDEX consent_bodies_by_body ON consent_bodies (council_id, member_body_id);

      CREATE TABLE case_assignments (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        member_body_id uuid NOT NULL,
        role text NOT NULL CHECK (role IN ('lead', 'support')),
        scope text NOT NULL CHECK (scope IN ('full', 'limited')),
        basis text NOT NULL CHECK (basis IN ('consent', 'statutory')),
        basis_note text CHECK (length(basis_note) <= 2000),
        started_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL REFERENCES users (id),
        ended_at timestamptz,
        ended_by uuid REFERENCES users (id),
        end_reason text CHECK (end_reason IN ('ended', 'member_body_left', 'case_closed')),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id),
        FOREIGN KEY (council_id, member_body_id) REFERENCES member_bodies (council_id, id),
        CHECK (basis <> 'statutory' OR length(basis_note) > 0),
        CHECK ((ended_at IS NULL) = (end_reason IS NULL))
      );
      -- Lists for an agency scale with what it may see: start from its body's assignments.
      CREATE INDEX case_assignments_by_body ON case_assignments (council_id, member_body_id, case_id) WHERE ended_at IS NULL;
      CREATE INDEX case_assignments_by_case ON case_assignments (council_id, case_id);
      CREATE UNIQUE INDEX case_assignments_one_active_per_body ON case_assignments (council_id, case_id, member_body_id) WHERE ended_at IS NULL;
      CREATE UNIQUE INDEX case_assignments_one_active_lead ON case_assignments (council_id, case_id) WHERE ended_at IS NULL AND role = 'lead';

      -- 監査ログ: append-only, hash-chained per council ----------------------------------------
      CREATE TABLE audit_chain_heads (
        council_id uuid PRIMARY KEY REFERENCES councils (id),
        seq bigint NOT NULL DEFAULT 0,
        hash bytea NOT NULL DEFAULT '\\x0000000000000000000000000000000000000000000000000000000000000000'
      );

      CREATE TABLE audit_events (
        council_id uuid NOT NULL REFERENCES councils (id),
        seq bigint NOT NULL,
        at timestamptz NOT NULL,
        actor_user_id uuid,
        actor_role text,
        member_body_id uuid,
        action text NOT NULL CHECK (action ~ '^[a-z_]+\\.[a-z_.]+$'),
        resource_type text,
        resource_id uuid,
        resource_ids uuid[],
        case_id uuid,
        outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied')),
        reason text,
        rule_id text,
        basis text,
        request_id text,
        prev_hash bytea NOT NULL,
        hash bytea NOT NULL,
        PRIMARY KEY (council_id, seq)
      );
      CREATE INDEX audit_events_by_case ON audit_events (council_id, case_id, seq) WHERE case_id IS NOT NULL;
      CREATE INDEX audit_events_by_actor ON audit_events (council_id, actor_user_id, seq);

      -- The canonical encoding hashed into the chain (docs/audit.md): one field per line (LF) in
      -- this order; each field escaped so the encoding is injective — backslash as \\\\, line
      -- feed as \\n, NULL as \\N; resource_ids comma-joined; times as UTC ISO-8601 with
      -- microseconds. hash = SHA-256(prev_hash || UTF-8 bytes of the encoding).
      CREATE FUNCTION audit_field(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN v IS NULL THEN '\\N' ELSE replace(replace(v, '\\', '\\\\'), E'\\n', '\\n') END
      $$;
      CREATE FUNCTION audit_canonical(e audit_events) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT concat_ws(E'\\n',
          audit_field(e.council_id::text), audit_field(e.seq::text),
          audit_field(to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
          audit_field(e.actor_user_id::text), audit_field(e.actor_role), audit_field(e.member_body_id::text),
          audit_field(e.action), audit_field(e.resource_type), audit_field(e.resource_id::text),
          audit_field(array_to_string(e.resource_ids, ',')), audit_field(e.case_id::text),
          audit_field(e.outcome), audit_field(e.reason), audit_field(e.rule_id), audit_field(e.basis), audit_field(e.request_id))
      $$;

      -- Every insert, by any path, is chained: the head row is locked from here to commit, so an
      -- access's audit insert is the last statement of its transaction (councils never share a head).
      CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE head audit_chain_heads%ROWTYPE;
      BEGIN
        INSERT INTO audit_chain_heads (council_id) VALUES (NEW.council_id) ON CONFLICT (council_id) DO NOTHING;
        SELECT * INTO head FROM audit_chain_heads WHERE council_id = NEW.council_id FOR UPDATE;
        NEW.seq := head.seq + 1;
        NEW.at := clock_timestamp();
        NEW.prev_hash := head.hash;
        NEW.hash := sha256(head.hash || convert_to(audit_canonical(NEW), 'UTF8'));
        UPDATE audit_chain_heads SET seq = NEW.seq, hash = NEW.hash WHERE council_id = NEW.council_id;
        RETURN NEW;
      END $$;
      CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_chain();
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();

      GRANT SELECT, INSERT, UPDATE ON cases, case_number_counters, consents, case_assignments TO council_app;
      GRANT SELECT, INSERT ON consent_bodies TO council_app;
      GRANT SELECT, INSERT ON audit_events TO council_app;
      GRANT SELECT, INSERT, UPDATE ON audit_chain_heads TO council_app;
    `);

    for (const table of TENANT_TABLES) {
      await q.query(`
        ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY council_isolation ON ${table}
          USING (council_id = ${CURRENT_COUNCIL}) WITH CHECK (council_id = ${CURRENT_COUNCIL});
      `);
    }
    await q.query(`
      -- A person's own staff records (and their bodies) are readable across councils, for
      -- /api/me and for resolving which councils they belong to. Read-only, own rows only.
      CREATE POLICY own_staff_records ON staff FOR SELECT USING (user_id = ${CURRENT_USER_ID});
      CREATE POLICY own_member_bodies ON member_bodies FOR SELECT USING (EXISTS (
        SELECT 1 FROM staff s WHERE s.council_id = member_bodies.council_id AND s.member_body_id = member_bodies.id
          AND s.user_id = ${CURRENT_USER_ID}));

      -- The register of councils is public (公示); only its own council may change a row.
      ALTER TABLE councils ENABLE ROW LEVEL SECURITY;
      ALTER TABLE councils FORCE ROW LEVEL SECURITY;
      CREATE POLICY councils_public_read ON councils FOR SELECT USING (true);
      CREATE POLICY councils_create ON councils FOR INSERT WITH CHECK (true);
      CREATE POLICY councils_update_own ON councils FOR UPDATE USING (id = ${CURRENT_COUNCIL}) WITH CHECK (id = ${CURRENT_COUNCIL});
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE councils DISABLE ROW LEVEL SECURITY`);
    for (const table of TENANT_TABLES.filter(
      (t) =>
        ![
          'cases',
          'case_number_counters',
          'consents',
          'consent_bodies',
          'case_assignments',
          'audit_events',
          'audit_chain_heads',
        ].includes(t),
    )) {
      await q.query(
        `DROP POLICY IF EXISTS council_isolation ON ${table}; ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY; ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY;`,
      );
    }
    await q.query(`
      DROP POLICY IF EXISTS own_staff_records ON staff;
      DROP POLICY IF EXISTS own_member_bodies ON member_bodies;
      DROP POLICY IF EXISTS councils_public_read ON councils;
      DROP POLICY IF EXISTS councils_create ON councils;
      DROP POLICY IF EXISTS councils_update_own ON councils;
      DROP TABLE audit_events, audit_chain_heads, case_assignments, consent_bodies, consents, cases, case_number_counters;
      DROP FUNCTION audit_chain(); DROP FUNCTION audit_canonical(audit_events); DROP FUNCTION audit_field(text);
    `);
  }
}

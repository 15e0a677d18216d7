import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The council's circle of confidence: the one coordinating body (Art. 17(1)) with its history,
 * the confidentiality pledge (Art. 18) in versions, and every staff member's acceptance of it.
 */
/** Frozen copy of the standard pledge at the time of this migration (migrations never change). */
const DEFAULT_PLEDGE_V1 = [
  '私は、孤独・孤立対策推進法第18条に基づき、地域協議会の事務に関して知り得た秘密を漏らしません。',
  'この義務は、地域協議会の事務に従事しなくなった後も続くことを理解しています。',
  '',
  'Under Article 18 of the Act on the Promotion of Loneliness and Isolation Countermeasures, I will not',
  'disclose any secret learned in the course of the regional council’s business. I understand that',
  'this duty continues after I no longer work on council business, and that breaching it is a crime.',
].join('\n');

export class CouncilStructure1763780100000 implements MigrationInterface {
  name = 'CouncilStructure1763780100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE staff
        ADD COLUMN created_by uuid REFERENCES users (id),
        ADD COLUMN ended_by uuid REFERENCES users (id);

      ALTER TABLE member_bodies
        ADD COLUMN created_by uuid REFERENCES users (id);

      -- 調整機関: at most one current designation per council, enforced here, not only in code.
      -- Designations are never deleted; replacing one ends it.
      CREATE TABLE coordinating_body_designations (
        council_id uuid NOT NULL REFERENCES councils (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        member_body_id uuid NOT NULL,
        designated_at timestamptz NOT NULL DEFAULT now(),
        designated_by uuid NOT NULL REFERENCES users (id),
        ended_at timestamptz,
        ended_by uuid REFERENCES users (id),
        end_reason text CHECK (end_reason IN ('replaced', 'member_body_left')),
        PRIMARY KEY (council_id, id),
        FOREIGN KEY (council_id, member_body_id) REFERENCES member_bodies (council_id, id),
        CHECK ((ended_at IS NULL) = (end_reason IS NULL))
      );
      CREATE UNIQUE INDEX coordinating_body_one_current
        ON coordinating_body_designations (council_id) WHERE ended_at IS NULL;

      -- 誓約: versioned pledge texts. A new version requires everyone to accept again.
      CREATE TABLE pledges (
        council_id uuid NOT NULL REFERENCES councils (id),
        version integer NOT NULL CHECK (version >= 1),
        text text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by uuid REFERENCES users (id),
        PRIMARY KEY (council_id, version)
      );

      -- Every acceptance, kept for good (who promised what, when): append-only.
      CREATE TABLE pledge_acceptances (
        council_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        staff_id uuid NOT NULL,
        version integer NOT NULL,
        accepted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (council_id, id),
        UNIQUE (council_id, staff_id, version),
        FOREIGN KEY (council_id, staff_id) REFERENCES staff (council_id, id),
        FOREIGN KEY (council_id, version) REFERENCES pledges (council_id, version)
      );
      CREATE TRIGGER pledge_acceptances_append_only BEFORE UPDATE OR DELETE ON pledge_acceptances
        FOR EACH ROW EXECUTE FUNCTION reject_modification();
      CREATE TRIGGER pledge_acceptances_no_truncate BEFORE TRUNCATE ON pledge_acceptances
        FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();

      ALTER TABLE staff
        ADD FOREIGN KEY (council_id, pledge_version) REFERENCES pledges (council_id, version);

      -- Councils created before pledges existed get the standard text as version 1.
      INSERT INTO pledges (council_id, version, text)
      SELECT id, 1, $pledge$${DEFAULT_PLEDGE_V1}$pledge$ FROM councils;

      GRANT SELECT, INSERT, UPDATE ON coordinating_body_designations TO council_app;
      GRANT SELECT, INSERT ON pledges, pledge_acceptances TO council_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE staff DROP CONSTRAINT IF EXISTS staff_council_id_pledge_version_fkey;
      DROP TABLE pledge_acceptances, pledges, coordinating_body_designations;
      ALTER TABLE member_bodies DROP COLUMN created_by;
      ALTER TABLE staff DROP COLUMN created_by, DROP COLUMN ended_by;
    `);
  }
}

import { Injectable } from '@nestjs/common';
import { CouncilScope, RegisterScope, SystemScope } from '../access/council-scope';
import { staffInForce } from '../access/in-force';

export interface Recipient {
  userId: string;
  email: string;
}

/** Who gets a digest, and the one-per-council-person-and-day record of it (issue 18 item 2). */
@Injectable()
export class DigestRepository {
  async councils(r: RegisterScope): Promise<{ id: string; name: string }[]> {
    return (await r.em.query(`SELECT id, name FROM councils ORDER BY id`)) as {
      id: string;
      name: string;
    }[];
  }

  /**
   * Staff in force who have a worklist (coordinators, agency staff) and have not turned the
   * digest off. Whether they may see anything is decided later, by their own principal.
   */
  async recipients(s: SystemScope): Promise<Recipient[]> {
    return (await s.em.query(
      `SELECT DISTINCT st.user_id AS "userId", u.email
         FROM staff st
         JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
         JOIN users u ON u.id = st.user_id
        WHERE st.council_id = $1 AND ${staffInForce('st', 'mb')}
          AND st.role IN ('coordinator', 'agency_staff') AND u.daily_digest
        ORDER BY st.user_id`,
      [s.councilId],
    )) as Recipient[];
  }

  /**
   * Claims today's digest (the council's calendar day) for the person. Another instance's
   * claim of the same key makes this wait for its transaction, then answer false.
   */
  async claim(s: CouncilScope, userId: string): Promise<{ day: string } | null> {
    const rows = await s.query<{ day: string }>(
      'digest.claim',
      `INSERT INTO digest_deliveries (council_id, user_id, day) VALUES ($1, $2, current_date)
       ON CONFLICT DO NOTHING RETURNING day::text`,
      [s.councilId, userId],
    );
    return rows[0] ?? null;
  }
}

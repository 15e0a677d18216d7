-- Generated from policies/agency_staff.yaml by `npm run policies:sql`; do not edit.
-- The row filter of every (subject, action) the agency_staff policy grants. A test fails when
-- this file and the policies disagree: regenerate and review the SQL diff.

-- Council · read — rules: agency.council.read
SELECT
  c.*
FROM
  councils c
WHERE
  (c.id = :council_id);

-- MemberBody · read — rules: agency.member-body.read
SELECT
  mb.*
FROM
  member_bodies mb
WHERE
  (mb.council_id = :council_id);

-- Pledge · read — rules: agency.pledge
SELECT
  p.*
FROM
  pledges p
WHERE
  (p.council_id = :council_id);

-- Pledge · accept — rules: agency.pledge
SELECT
  p.*
FROM
  pledges p
WHERE
  (p.council_id = :council_id);

-- Case · read — rules: agency.case.read-assigned
SELECT
  c.*
FROM
  cases c
WHERE
  (
    (
      c.council_id = :council_id
      AND EXISTS (
        SELECT
          1
        FROM
          case_assignments a
          JOIN member_bodies amb ON amb.council_id = a.council_id
          AND amb.id = a.member_body_id
        WHERE
          a.council_id = c.council_id
          AND a.case_id = c.id
          AND a.member_body_id = :staff_member_body_id
          AND a.ended_at IS NULL
          AND (
            amb.joined_on <= current_date
            AND (
              amb.left_on IS NULL
              OR amb.left_on > current_date
            )
          )
          AND (
            (
              a.basis = 'statutory'
              AND (
                a.review_on IS NULL
                OR a.review_on >= current_date
              )
            )
            OR EXISTS (
              SELECT
                1
              FROM
                consents cs
                JOIN consent_bodies cb ON cb.council_id = cs.council_id
                AND cb.consent_id = cs.id
              WHERE
                cs.council_id = a.council_id
                AND cs.case_id = a.case_id
                AND cb.member_body_id = a.member_body_id
                AND cs.withdrawn_on IS NULL
                AND cs.obtained_on <= current_date
                AND (
                  cs.expires_on IS NULL
                  OR cs.expires_on >= current_date
                )
            )
          )
      )
    )
  );

-- Note · read — rules: agency.note.read-sensitive-full-scope, agency.note.read
SELECT
  n.*
FROM
  case_notes n
WHERE
  (
    (
      n.council_id = :council_id
      AND EXISTS (
        SELECT
          1
        FROM
          case_assignments a
          JOIN member_bodies amb ON amb.council_id = a.council_id
          AND amb.id = a.member_body_id
        WHERE
          a.council_id = n.council_id
          AND a.case_id = n.case_id
          AND a.scope = 'full'
          AND a.member_body_id = :staff_member_body_id
          AND a.ended_at IS NULL
          AND (
            amb.joined_on <= current_date
            AND (
              amb.left_on IS NULL
              OR amb.left_on > current_date
            )
          )
          AND (
            (
              a.basis = 'statutory'
              AND (
                a.review_on IS NULL
                OR a.review_on >= current_date
              )
            )
            OR EXISTS (
              SELECT
                1
              FROM
                consents cs
                JOIN consent_bodies cb ON cb.council_id = cs.council_id
                AND cb.consent_id = cs.id
              WHERE
                cs.council_id = a.council_id
                AND cs.case_id = a.case_id
                AND cb.member_body_id = a.member_body_id
                AND cs.withdrawn_on IS NULL
                AND cs.obtained_on <= current_date
                AND (
                  cs.expires_on IS NULL
                  OR cs.expires_on >= current_date
                )
            )
          )
      )
    )
    OR (
      n.council_id = :council_id
      AND n.sensitive = 'false'
    )
  );

-- Note · create — rules: agency.note.create
SELECT
  n.*
FROM
  case_notes n
WHERE
  (n.council_id = :council_id);

-- Plan · read — rules: agency.plan.read
SELECT
  sp.*
FROM
  support_plans sp
WHERE
  (sp.council_id = :council_id);

-- PlanAction · read — rules: agency.plan-action.read
SELECT
  pa.*
FROM
  plan_actions pa
WHERE
  (pa.council_id = :council_id);

-- PlanAction · update — rules: agency.plan-action.own-body
SELECT
  pa.*
FROM
  plan_actions pa
WHERE
  (
    (
      pa.council_id = :council_id
      AND pa.member_body_id = :staff_member_body_id
    )
  );

-- InfoRequest · read — rules: agency.info-request.own-body
SELECT
  r.*
FROM
  info_requests r
WHERE
  (
    (
      r.council_id = :council_id
      AND r.member_body_id = :staff_member_body_id
    )
  );

-- InfoRequest · respond — rules: agency.info-request.own-body
SELECT
  r.*
FROM
  info_requests r
WHERE
  (
    (
      r.council_id = :council_id
      AND r.member_body_id = :staff_member_body_id
    )
  );

-- Worklist · read — rules: agency.worklist
-- not council data: decided by the role alone, no row filter

-- Meeting · read — rules: agency.meeting.attended-covered-cases, agency.meeting.attended
SELECT
  m.*
FROM
  meetings m
  JOIN minutes mn ON mn.council_id = m.council_id
  AND mn.meeting_id = m.id
WHERE
  (
    (
      m.council_id = :council_id
      AND EXISTS (
        SELECT
          1
        FROM
          meeting_attendees ma
          JOIN staff ast ON ast.council_id = ma.council_id
          AND ast.id = ma.staff_id
          AND ast.member_body_id = ma.member_body_id
          JOIN member_bodies asb ON asb.council_id = ma.council_id
          AND asb.id = ma.member_body_id
        WHERE
          ma.council_id = m.council_id
          AND ma.meeting_id = m.id
          AND (
            ast.accepted_at IS NOT NULL
            AND (
              ast.ended_on IS NULL
              OR ast.ended_on > current_date
            )
            AND (
              asb.joined_on <= current_date
              AND (
                asb.left_on IS NULL
                OR asb.left_on > current_date
              )
            )
          )
          AND ma.staff_id = :staff_id
      )
      AND EXISTS (
        SELECT
          1
        FROM
          member_bodies pcb
        WHERE
          pcb.council_id = m.council_id
          AND pcb.id = :staff_member_body_id
          AND EXISTS (
            SELECT
              1
            FROM
              meeting_cases pmc
            WHERE
              pmc.council_id = m.council_id
              AND pmc.meeting_id = m.id
              AND EXISTS (
                SELECT
                  1
                FROM
                  case_assignments a
                  JOIN member_bodies amb ON amb.council_id = a.council_id
                  AND amb.id = a.member_body_id
                WHERE
                  a.council_id = pmc.council_id
                  AND a.case_id = pmc.case_id
                  AND a.member_body_id = pcb.id
                  AND a.ended_at IS NULL
                  AND (
                    amb.joined_on <= current_date
                    AND (
                      amb.left_on IS NULL
                      OR amb.left_on > current_date
                    )
                  )
                  AND (
                    (
                      a.basis = 'statutory'
                      AND (
                        a.review_on IS NULL
                        OR a.review_on >= current_date
                      )
                    )
                    OR EXISTS (
                      SELECT
                        1
                      FROM
                        consents cs
                        JOIN consent_bodies cb ON cb.council_id = cs.council_id
                        AND cb.consent_id = cs.id
                      WHERE
                        cs.council_id = a.council_id
                        AND cs.case_id = a.case_id
                        AND cb.member_body_id = a.member_body_id
                        AND cs.withdrawn_on IS NULL
                        AND cs.obtained_on <= current_date
                        AND (
                          cs.expires_on IS NULL
                          OR cs.expires_on >= current_date
                        )
                    )
                  )
              )
          )
      )
    )
    OR (
      m.council_id = :council_id
      AND EXISTS (
        SELECT
          1
        FROM
          meeting_attendees ma
          JOIN staff ast ON ast.council_id = ma.council_id
          AND ast.id = ma.staff_id
          AND ast.member_body_id = ma.member_body_id
          JOIN member_bodies asb ON asb.council_id = ma.council_id
          AND asb.id = ma.member_body_id
        WHERE
          ma.council_id = m.council_id
          AND ma.meeting_id = m.id
          AND (
            ast.accepted_at IS NOT NULL
            AND (
              ast.ended_on IS NULL
              OR ast.ended_on > current_date
            )
            AND (
              asb.joined_on <= current_date
              AND (
                asb.left_on IS NULL
                OR asb.left_on > current_date
              )
            )
          )
          AND ma.staff_id = :staff_id
      )
      AND EXISTS (
        SELECT
          1
        FROM
          member_bodies fcb
        WHERE
          fcb.council_id = m.council_id
          AND fcb.id = :staff_member_body_id
          AND NOT EXISTS (
            SELECT
              1
            FROM
              meeting_cases fmc
            WHERE
              fmc.council_id = m.council_id
              AND fmc.meeting_id = m.id
              AND NOT EXISTS (
                SELECT
                  1
                FROM
                  case_assignments a
                  JOIN member_bodies amb ON amb.council_id = a.council_id
                  AND amb.id = a.member_body_id
                WHERE
                  a.council_id = fmc.council_id
                  AND a.case_id = fmc.case_id
                  AND a.member_body_id = fcb.id
                  AND a.ended_at IS NULL
                  AND (
                    amb.joined_on <= current_date
                    AND (
                      amb.left_on IS NULL
                      OR amb.left_on > current_date
                    )
                  )
                  AND (
                    (
                      a.basis = 'statutory'
                      AND (
                        a.review_on IS NULL
                        OR a.review_on >= current_date
                      )
                    )
                    OR EXISTS (
                      SELECT
                        1
                      FROM
                        consents cs
                        JOIN consent_bodies cb ON cb.council_id = cs.council_id
                        AND cb.consent_id = cs.id
                      WHERE
                        cs.council_id = a.council_id
                        AND cs.case_id = a.case_id
                        AND cb.member_body_id = a.member_body_id
                        AND cs.withdrawn_on IS NULL
                        AND cs.obtained_on <= current_date
                        AND (
                          cs.expires_on IS NULL
                          OR cs.expires_on >= current_date
                        )
                    )
                  )
              )
          )
      )
    )
  );

-- Minutes · read — rules: agency.minutes.attended
SELECT
  mn.*
FROM
  minutes mn
  JOIN meetings m ON m.council_id = mn.council_id
  AND m.id = mn.meeting_id
WHERE
  (
    (
      mn.council_id = :council_id
      AND EXISTS (
        SELECT
          1
        FROM
          meeting_attendees ma
          JOIN staff ast ON ast.council_id = ma.council_id
          AND ast.id = ma.staff_id
          AND ast.member_body_id = ma.member_body_id
          JOIN member_bodies asb ON asb.council_id = ma.council_id
          AND asb.id = ma.member_body_id
        WHERE
          ma.council_id = mn.council_id
          AND ma.meeting_id = mn.meeting_id
          AND (
            ast.accepted_at IS NOT NULL
            AND (
              ast.ended_on IS NULL
              OR ast.ended_on > current_date
            )
            AND (
              asb.joined_on <= current_date
              AND (
                asb.left_on IS NULL
                OR asb.left_on > current_date
              )
            )
          )
          AND ma.staff_id = :staff_id
      )
      AND EXISTS (
        SELECT
          1
        FROM
          member_bodies fcb
        WHERE
          fcb.council_id = mn.council_id
          AND fcb.id = :staff_member_body_id
          AND NOT EXISTS (
            SELECT
              1
            FROM
              meeting_cases fmc
            WHERE
              fmc.council_id = mn.council_id
              AND fmc.meeting_id = mn.meeting_id
              AND NOT EXISTS (
                SELECT
                  1
                FROM
                  case_assignments a
                  JOIN member_bodies amb ON amb.council_id = a.council_id
                  AND amb.id = a.member_body_id
                WHERE
                  a.council_id = fmc.council_id
                  AND a.case_id = fmc.case_id
                  AND a.member_body_id = fcb.id
                  AND a.ended_at IS NULL
                  AND (
                    amb.joined_on <= current_date
                    AND (
                      amb.left_on IS NULL
                      OR amb.left_on > current_date
                    )
                  )
                  AND (
                    (
                      a.basis = 'statutory'
                      AND (
                        a.review_on IS NULL
                        OR a.review_on >= current_date
                      )
                    )
                    OR EXISTS (
                      SELECT
                        1
                      FROM
                        consents cs
                        JOIN consent_bodies cb ON cb.council_id = cs.council_id
                        AND cb.consent_id = cs.id
                      WHERE
                        cs.council_id = a.council_id
                        AND cs.case_id = a.case_id
                        AND cb.member_body_id = a.member_body_id
                        AND cs.withdrawn_on IS NULL
                        AND cs.obtained_on <= current_date
                        AND (
                          cs.expires_on IS NULL
                          OR cs.expires_on >= current_date
                        )
                    )
                  )
              )
          )
      )
    )
  );

-- Decision · read — rules: agency.decision.assigned-case, agency.decision.attended
SELECT
  d.*
FROM
  minutes_decisions d
  JOIN minutes mn ON mn.council_id = d.council_id
  AND mn.meeting_id = d.meeting_id
  AND mn.revision = d.revision
WHERE
  (
    (
      d.council_id = :council_id
      AND EXISTS (
        SELECT
          1
        FROM
          case_assignments a
          JOIN member_bodies amb ON amb.council_id = a.council_id
          AND amb.id = a.member_body_id
        WHERE
          a.council_id = d.council_id
          AND a.case_id = d.case_id
          AND a.member_body_id = :staff_member_body_id
          AND a.ended_at IS NULL
          AND (
            amb.joined_on <= current_date
            AND (
              amb.left_on IS NULL
              OR amb.left_on > current_date
            )
          )
          AND (
            (
              a.basis = 'statutory'
              AND (
                a.review_on IS NULL
                OR a.review_on >= current_date
              )
            )
            OR EXISTS (
              SELECT
                1
              FROM
                consents cs
                JOIN consent_bodies cb ON cb.council_id = cs.council_id
                AND cb.consent_id = cs.id
              WHERE
                cs.council_id = a.council_id
                AND cs.case_id = a.case_id
                AND cb.member_body_id = a.member_body_id
                AND cs.withdrawn_on IS NULL
                AND cs.obtained_on <= current_date
                AND (
                  cs.expires_on IS NULL
                  OR cs.expires_on >= current_date
                )
            )
          )
      )
    )
    OR (
      d.council_id = :council_id
      AND d.case_id IS NULL
      AND EXISTS (
        SELECT
          1
        FROM
          meeting_attendees ma
          JOIN staff ast ON ast.council_id = ma.council_id
          AND ast.id = ma.staff_id
          AND ast.member_body_id = ma.member_body_id
          JOIN member_bodies asb ON asb.council_id = ma.council_id
          AND asb.id = ma.member_body_id
        WHERE
          ma.council_id = d.council_id
          AND ma.meeting_id = d.meeting_id
          AND (
            ast.accepted_at IS NOT NULL
            AND (
              ast.ended_on IS NULL
              OR ast.ended_on > current_date
            )
            AND (
              asb.joined_on <= current_date
              AND (
                asb.left_on IS NULL
                OR asb.left_on > current_date
              )
            )
          )
          AND ma.staff_id = :staff_id
      )
      AND EXISTS (
        SELECT
          1
        FROM
          member_bodies fcb
        WHERE
          fcb.council_id = d.council_id
          AND fcb.id = :staff_member_body_id
          AND NOT EXISTS (
            SELECT
              1
            FROM
              meeting_cases fmc
            WHERE
              fmc.council_id = d.council_id
              AND fmc.meeting_id = d.meeting_id
              AND NOT EXISTS (
                SELECT
                  1
                FROM
                  case_assignments a
                  JOIN member_bodies amb ON amb.council_id = a.council_id
                  AND amb.id = a.member_body_id
                WHERE
                  a.council_id = fmc.council_id
                  AND a.case_id = fmc.case_id
                  AND a.member_body_id = fcb.id
                  AND a.ended_at IS NULL
                  AND (
                    amb.joined_on <= current_date
                    AND (
                      amb.left_on IS NULL
                      OR amb.left_on > current_date
                    )
                  )
                  AND (
                    (
                      a.basis = 'statutory'
                      AND (
                        a.review_on IS NULL
                        OR a.review_on >= current_date
                      )
                    )
                    OR EXISTS (
                      SELECT
                        1
                      FROM
                        consents cs
                        JOIN consent_bodies cb ON cb.council_id = cs.council_id
                        AND cb.consent_id = cs.id
                      WHERE
                        cs.council_id = a.council_id
                        AND cs.case_id = a.case_id
                        AND cb.member_body_id = a.member_body_id
                        AND cs.withdrawn_on IS NULL
                        AND cs.obtained_on <= current_date
                        AND (
                          cs.expires_on IS NULL
                          OR cs.expires_on >= current_date
                        )
                    )
                  )
              )
          )
      )
    )
  );

-- ActionItem · read — rules: agency.action-item.own-body-covered-case, agency.action-item.own-body, agency.action-item.assigned-case, agency.action-item.attended
SELECT
  i.*
FROM
  minutes_action_items i
  JOIN minutes mn ON mn.council_id = i.council_id
  AND mn.meeting_id = i.meeting_id
  AND mn.revision = i.revision
WHERE
  (
    (
      i.council_id = :council_id
      AND i.member_body_id = :staff_member_body_id
      AND EXISTS (
        SELECT
          1
        FROM
          case_assignments a
          JOIN member_bodies amb ON amb.council_id = a.council_id
          AND amb.id = a.member_body_id
        WHERE
          a.council_id = i.council_id
          AND a.case_id = i.case_id
          AND a.member_body_id = :staff_member_body_id
          AND a.ended_at IS NULL
          AND (
            amb.joined_on <= current_date
            AND (
              amb.left_on IS NULL
              OR amb.left_on > current_date
            )
          )
          AND (
            (
              a.basis = 'statutory'
              AND (
                a.review_on IS NULL
                OR a.review_on >= current_date
              )
            )
            OR EXISTS (
              SELECT
                1
              FROM
                consents cs
                JOIN consent_bodies cb ON cb.council_id = cs.council_id
                AND cb.consent_id = cs.id
              WHERE
                cs.council_id = a.council_id
                AND cs.case_id = a.case_id
                AND cb.member_body_id = a.member_body_id
                AND cs.withdrawn_on IS NULL
                AND cs.obtained_on <= current_date
                AND (
                  cs.expires_on IS NULL
                  OR cs.expires_on >= current_date
                )
            )
          )
      )
    )
    OR (
      i.council_id = :council_id
      AND i.member_body_id = :staff_member_body_id
      AND i.case_id IS NULL
    )
    OR (
      i.council_id = :council_id
      AND EXISTS (
        SELECT
          1
        FROM
          case_assignments a
          JOIN member_bodies amb ON amb.council_id = a.council_id
          AND amb.id = a.member_body_id
        WHERE
          a.council_id = i.council_id
          AND a.case_id = i.case_id
          AND a.member_body_id = :staff_member_body_id
          AND a.ended_at IS NULL
          AND (
            amb.joined_on <= current_date
            AND (
              amb.left_on IS NULL
              OR amb.left_on > current_date
            )
          )
          AND (
            (
              a.basis = 'statutory'
              AND (
                a.review_on IS NULL
                OR a.review_on >= current_date
              )
            )
            OR EXISTS (
              SELECT
                1
              FROM
                consents cs
                JOIN consent_bodies cb ON cb.council_id = cs.council_id
                AND cb.consent_id = cs.id
              WHERE
                cs.council_id = a.council_id
                AND cs.case_id = a.case_id
                AND cb.member_body_id = a.member_body_id
                AND cs.withdrawn_on IS NULL
                AND cs.obtained_on <= current_date
                AND (
                  cs.expires_on IS NULL
                  OR cs.expires_on >= current_date
                )
            )
          )
      )
    )
    OR (
      i.council_id = :council_id
      AND i.case_id IS NULL
      AND EXISTS (
        SELECT
          1
        FROM
          meeting_attendees ma
          JOIN staff ast ON ast.council_id = ma.council_id
          AND ast.id = ma.staff_id
          AND ast.member_body_id = ma.member_body_id
          JOIN member_bodies asb ON asb.council_id = ma.council_id
          AND asb.id = ma.member_body_id
        WHERE
          ma.council_id = i.council_id
          AND ma.meeting_id = i.meeting_id
          AND (
            ast.accepted_at IS NOT NULL
            AND (
              ast.ended_on IS NULL
              OR ast.ended_on > current_date
            )
            AND (
              asb.joined_on <= current_date
              AND (
                asb.left_on IS NULL
                OR asb.left_on > current_date
              )
            )
          )
          AND ma.staff_id = :staff_id
      )
      AND EXISTS (
        SELECT
          1
        FROM
          member_bodies fcb
        WHERE
          fcb.council_id = i.council_id
          AND fcb.id = :staff_member_body_id
          AND NOT EXISTS (
            SELECT
              1
            FROM
              meeting_cases fmc
            WHERE
              fmc.council_id = i.council_id
              AND fmc.meeting_id = i.meeting_id
              AND NOT EXISTS (
                SELECT
                  1
                FROM
                  case_assignments a
                  JOIN member_bodies amb ON amb.council_id = a.council_id
                  AND amb.id = a.member_body_id
                WHERE
                  a.council_id = fmc.council_id
                  AND a.case_id = fmc.case_id
                  AND a.member_body_id = fcb.id
                  AND a.ended_at IS NULL
                  AND (
                    amb.joined_on <= current_date
                    AND (
                      amb.left_on IS NULL
                      OR amb.left_on > current_date
                    )
                  )
                  AND (
                    (
                      a.basis = 'statutory'
                      AND (
                        a.review_on IS NULL
                        OR a.review_on >= current_date
                      )
                    )
                    OR EXISTS (
                      SELECT
                        1
                      FROM
                        consents cs
                        JOIN consent_bodies cb ON cb.council_id = cs.council_id
                        AND cb.consent_id = cs.id
                      WHERE
                        cs.council_id = a.council_id
                        AND cs.case_id = a.case_id
                        AND cb.member_body_id = a.member_body_id
                        AND cs.withdrawn_on IS NULL
                        AND cs.obtained_on <= current_date
                        AND (
                          cs.expires_on IS NULL
                          OR cs.expires_on >= current_date
                        )
                    )
                  )
              )
          )
      )
    )
  );

-- ActionItem · update — rules: agency.action-item.own-body-covered-case, agency.action-item.own-body
SELECT
  i.*
FROM
  minutes_action_items i
  JOIN minutes mn ON mn.council_id = i.council_id
  AND mn.meeting_id = i.meeting_id
  AND mn.revision = i.revision
WHERE
  (
    (
      i.council_id = :council_id
      AND i.member_body_id = :staff_member_body_id
      AND EXISTS (
        SELECT
          1
        FROM
          case_assignments a
          JOIN member_bodies amb ON amb.council_id = a.council_id
          AND amb.id = a.member_body_id
        WHERE
          a.council_id = i.council_id
          AND a.case_id = i.case_id
          AND a.member_body_id = :staff_member_body_id
          AND a.ended_at IS NULL
          AND (
            amb.joined_on <= current_date
            AND (
              amb.left_on IS NULL
              OR amb.left_on > current_date
            )
          )
          AND (
            (
              a.basis = 'statutory'
              AND (
                a.review_on IS NULL
                OR a.review_on >= current_date
              )
            )
            OR EXISTS (
              SELECT
                1
              FROM
                consents cs
                JOIN consent_bodies cb ON cb.council_id = cs.council_id
                AND cb.consent_id = cs.id
              WHERE
                cs.council_id = a.council_id
                AND cs.case_id = a.case_id
                AND cb.member_body_id = a.member_body_id
                AND cs.withdrawn_on IS NULL
                AND cs.obtained_on <= current_date
                AND (
                  cs.expires_on IS NULL
                  OR cs.expires_on >= current_date
                )
            )
          )
      )
    )
    OR (
      i.council_id = :council_id
      AND i.member_body_id = :staff_member_body_id
      AND i.case_id IS NULL
    )
  );

-- Referral · read — rules: agency.referral.own-body
SELECT
  rf.*
FROM
  referrals rf
WHERE
  (
    (
      rf.council_id = :council_id
      AND rf.member_body_id = :staff_member_body_id
    )
  );

-- Referral · create — rules: agency.referral.own-body
SELECT
  rf.*
FROM
  referrals rf
WHERE
  (
    (
      rf.council_id = :council_id
      AND rf.member_body_id = :staff_member_body_id
    )
  );

-- RelatedPerson · read — rules: agency.related-person.read
SELECT
  rp.*
FROM
  case_related_persons rp
WHERE
  (rp.council_id = :council_id);

-- Risk · read — rules: agency.risk.read
-- not council data: decided by the role alone, no row filter

-- Contact · read — rules: agency.contact.read
SELECT
  ct.*
FROM
  case_contacts ct
WHERE
  (ct.council_id = :council_id);

-- Contact · create — rules: agency.contact.create-own-body
SELECT
  ct.*
FROM
  case_contacts ct
WHERE
  (
    (
      ct.council_id = :council_id
      AND ct.member_body_id = :staff_member_body_id
    )
  );

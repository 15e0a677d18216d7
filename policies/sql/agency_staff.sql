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
            a.basis = 'statutory'
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
            a.basis = 'statutory'
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

-- Meeting · read — rules: agency.meeting.attended
SELECT
  m.*
FROM
  meetings m
WHERE
  (
    (
      m.council_id = :council_id
      AND EXISTS (
        SELECT
          1
        FROM
          meeting_attendees ma
        WHERE
          ma.council_id = m.council_id
          AND ma.meeting_id = m.id
          AND ma.staff_id = :staff_id
      )
    )
  );

-- Minutes · read — rules: agency.minutes.attended
SELECT
  mi.*
FROM
  minutes mi
WHERE
  (
    (
      mi.council_id = :council_id
      AND EXISTS (
        SELECT
          1
        FROM
          meeting_attendees ma
        WHERE
          ma.council_id = mi.council_id
          AND ma.meeting_id = mi.meeting_id
          AND ma.staff_id = :staff_id
      )
    )
  );

-- Decision · read — rules: agency.decision.assigned-case, agency.decision.attended
SELECT
  d.*
FROM
  minutes_decisions d
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
            a.basis = 'statutory'
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
      AND EXISTS (
        SELECT
          1
        FROM
          meeting_attendees ma
        WHERE
          ma.council_id = d.council_id
          AND ma.meeting_id = d.meeting_id
          AND ma.staff_id = :staff_id
      )
    )
  );

-- ActionItem · read — rules: agency.action-item.own-body, agency.action-item.assigned-case, agency.action-item.attended
SELECT
  ai.*
FROM
  minutes_action_items ai
WHERE
  (
    (
      ai.council_id = :council_id
      AND ai.member_body_id = :staff_member_body_id
    )
    OR (
      ai.council_id = :council_id
      AND EXISTS (
        SELECT
          1
        FROM
          case_assignments a
          JOIN member_bodies amb ON amb.council_id = a.council_id
          AND amb.id = a.member_body_id
        WHERE
          a.council_id = ai.council_id
          AND a.case_id = ai.case_id
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
            a.basis = 'statutory'
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
      ai.council_id = :council_id
      AND EXISTS (
        SELECT
          1
        FROM
          meeting_attendees ma
        WHERE
          ma.council_id = ai.council_id
          AND ma.meeting_id = ai.meeting_id
          AND ma.staff_id = :staff_id
      )
    )
  );

-- ActionItem · update — rules: agency.action-item.own-body
SELECT
  ai.*
FROM
  minutes_action_items ai
WHERE
  (
    (
      ai.council_id = :council_id
      AND ai.member_body_id = :staff_member_body_id
    )
  );

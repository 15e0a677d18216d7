-- Generated from policies/auditor.yaml by `npm run policies:sql`; do not edit.
-- The row filter of every (subject, action) the auditor policy grants. A test fails when
-- this file and the policies disagree: regenerate and review the SQL diff.

-- Council · read — rules: auditor.council.read
SELECT
  c.*
FROM
  councils c
WHERE
  (c.id = :council_id);

-- MemberBody · read — rules: auditor.member-body.read
SELECT
  mb.*
FROM
  member_bodies mb
WHERE
  (mb.council_id = :council_id);

-- Staff · read — rules: auditor.staff.read
SELECT
  st.*
FROM
  staff st
  JOIN member_bodies smb ON smb.council_id = st.council_id
  AND smb.id = st.member_body_id
WHERE
  (st.council_id = :council_id);

-- Pledge · read — rules: auditor.pledge
SELECT
  p.*
FROM
  pledges p
WHERE
  (p.council_id = :council_id);

-- Pledge · accept — rules: auditor.pledge
SELECT
  p.*
FROM
  pledges p
WHERE
  (p.council_id = :council_id);

-- AuditEvent · read — rules: auditor.audit
SELECT
  e.*
FROM
  audit_events e
WHERE
  (e.council_id = :council_id);

-- AuditEvent · verify — rules: auditor.audit
SELECT
  e.*
FROM
  audit_events e
WHERE
  (e.council_id = :council_id);

-- AuditEvent · export — rules: auditor.audit
SELECT
  e.*
FROM
  audit_events e
WHERE
  (e.council_id = :council_id);

-- AccessDecision · read — rules: auditor.access.explain
-- not council data: decided by the role alone, no row filter

-- Meeting · read — rules: auditor.meeting.metadata
SELECT
  m.*
FROM
  meetings m
  JOIN minutes mn ON mn.council_id = m.council_id
  AND mn.meeting_id = m.id
WHERE
  (m.council_id = :council_id);

-- CaseRecord · read — rules: auditor.case-record.hold
SELECT
  cr.*
FROM
  cases cr
WHERE
  (cr.council_id = :council_id);

-- CaseRecord · hold — rules: auditor.case-record.hold
SELECT
  cr.*
FROM
  cases cr
WHERE
  (cr.council_id = :council_id);

-- RetentionSchedule · read — rules: auditor.retention.read
-- not council data: decided by the role alone, no row filter

-- Generated from policies/coordinator.yaml by `npm run policies:sql`; do not edit.
-- The row filter of every (subject, action) the coordinator policy grants. A test fails when
-- this file and the policies disagree: regenerate and review the SQL diff.

-- Council · read — rules: coordinator.council.read
SELECT
  c.*
FROM
  councils c
WHERE
  (c.id = :council_id);

-- Council · update — rules: coordinator.council.read
SELECT
  c.*
FROM
  councils c
WHERE
  (c.id = :council_id);

-- Council · designate — rules: coordinator.council.read
SELECT
  c.*
FROM
  councils c
WHERE
  (c.id = :council_id);

-- Council · publish — rules: coordinator.public-notice.publish
SELECT
  c.*
FROM
  councils c
WHERE
  (c.id = :council_id);

-- MemberBody · read — rules: coordinator.member-body.manage
SELECT
  mb.*
FROM
  member_bodies mb
WHERE
  (mb.council_id = :council_id);

-- MemberBody · create — rules: coordinator.member-body.manage
SELECT
  mb.*
FROM
  member_bodies mb
WHERE
  (mb.council_id = :council_id);

-- MemberBody · update — rules: coordinator.member-body.manage
SELECT
  mb.*
FROM
  member_bodies mb
WHERE
  (mb.council_id = :council_id);

-- MemberBody · leave — rules: coordinator.member-body.manage
SELECT
  mb.*
FROM
  member_bodies mb
WHERE
  (mb.council_id = :council_id);

-- Staff · read — rules: coordinator.staff.manage
SELECT
  st.*
FROM
  staff st
  JOIN member_bodies smb ON smb.council_id = st.council_id
  AND smb.id = st.member_body_id
WHERE
  (st.council_id = :council_id);

-- Staff · create — rules: coordinator.staff.manage
SELECT
  st.*
FROM
  staff st
  JOIN member_bodies smb ON smb.council_id = st.council_id
  AND smb.id = st.member_body_id
WHERE
  (st.council_id = :council_id);

-- Staff · update — rules: coordinator.staff.not-self, coordinator.staff.manage
SELECT
  st.*
FROM
  staff st
  JOIN member_bodies smb ON smb.council_id = st.council_id
  AND smb.id = st.member_body_id
WHERE
  (
    (
      st.council_id = :council_id
      AND NOT COALESCE(
        (
          (
            st.council_id = :council_id
            AND st.user_id = :user_id
          )
        ),
        FALSE
      )
    )
  );

-- Staff · end — rules: coordinator.staff.manage
SELECT
  st.*
FROM
  staff st
  JOIN member_bodies smb ON smb.council_id = st.council_id
  AND smb.id = st.member_body_id
WHERE
  (st.council_id = :council_id);

-- Pledge · read — rules: coordinator.pledge
SELECT
  p.*
FROM
  pledges p
WHERE
  (p.council_id = :council_id);

-- Pledge · accept — rules: coordinator.pledge
SELECT
  p.*
FROM
  pledges p
WHERE
  (p.council_id = :council_id);

-- Pledge · publish — rules: coordinator.pledge
SELECT
  p.*
FROM
  pledges p
WHERE
  (p.council_id = :council_id);

-- Case · read — rules: coordinator.case.manage
SELECT
  c.*
FROM
  cases c
WHERE
  (c.council_id = :council_id);

-- Case · create — rules: coordinator.case.manage
SELECT
  c.*
FROM
  cases c
WHERE
  (c.council_id = :council_id);

-- Case · update — rules: coordinator.case.manage
SELECT
  c.*
FROM
  cases c
WHERE
  (c.council_id = :council_id);

-- Case · close — rules: coordinator.case.manage
SELECT
  c.*
FROM
  cases c
WHERE
  (c.council_id = :council_id);

-- Case · reopen — rules: coordinator.case.manage
SELECT
  c.*
FROM
  cases c
WHERE
  (c.council_id = :council_id);

-- Consent · read — rules: coordinator.consent.manage
SELECT
  cs.*
FROM
  consents cs
WHERE
  (cs.council_id = :council_id);

-- Consent · create — rules: coordinator.consent.manage
SELECT
  cs.*
FROM
  consents cs
WHERE
  (cs.council_id = :council_id);

-- Consent · withdraw — rules: coordinator.consent.manage
SELECT
  cs.*
FROM
  consents cs
WHERE
  (cs.council_id = :council_id);

-- Assignment · read — rules: coordinator.assignment.manage
SELECT
  a.*
FROM
  case_assignments a
WHERE
  (a.council_id = :council_id);

-- Assignment · create — rules: coordinator.assignment.manage
SELECT
  a.*
FROM
  case_assignments a
WHERE
  (a.council_id = :council_id);

-- Assignment · update — rules: coordinator.assignment.manage
SELECT
  a.*
FROM
  case_assignments a
WHERE
  (a.council_id = :council_id);

-- Assignment · end — rules: coordinator.assignment.manage
SELECT
  a.*
FROM
  case_assignments a
WHERE
  (a.council_id = :council_id);

-- Note · read — rules: coordinator.note
SELECT
  n.*
FROM
  case_notes n
WHERE
  (n.council_id = :council_id);

-- Note · create — rules: coordinator.note
SELECT
  n.*
FROM
  case_notes n
WHERE
  (n.council_id = :council_id);

-- Note · update — rules: coordinator.note
SELECT
  n.*
FROM
  case_notes n
WHERE
  (n.council_id = :council_id);

-- Plan · read — rules: coordinator.plan
SELECT
  sp.*
FROM
  support_plans sp
WHERE
  (sp.council_id = :council_id);

-- Plan · create — rules: coordinator.plan
SELECT
  sp.*
FROM
  support_plans sp
WHERE
  (sp.council_id = :council_id);

-- PlanAction · read — rules: coordinator.plan-action
SELECT
  pa.*
FROM
  plan_actions pa
WHERE
  (pa.council_id = :council_id);

-- PlanAction · update — rules: coordinator.plan-action
SELECT
  pa.*
FROM
  plan_actions pa
WHERE
  (pa.council_id = :council_id);

-- InfoRequest · read — rules: coordinator.info-request
SELECT
  r.*
FROM
  info_requests r
WHERE
  (r.council_id = :council_id);

-- InfoRequest · create — rules: coordinator.info-request
SELECT
  r.*
FROM
  info_requests r
WHERE
  (r.council_id = :council_id);

-- AuditEvent · read — rules: coordinator.audit.read
SELECT
  e.*
FROM
  audit_events e
WHERE
  (e.council_id = :council_id);

-- AccessDecision · read — rules: coordinator.access.explain
-- not council data: decided by the role alone, no row filter

-- Worklist · read — rules: coordinator.worklist
-- not council data: decided by the role alone, no row filter

-- CouncilStatistics · read — rules: coordinator.statistics
-- not council data: decided by the role alone, no row filter

-- CouncilStatistics · update — rules: coordinator.statistics
-- not council data: decided by the role alone, no row filter

-- Report · read — rules: coordinator.report
-- not council data: decided by the role alone, no row filter

-- Report · export — rules: coordinator.report
-- not council data: decided by the role alone, no row filter

-- Meeting · read — rules: coordinator.meeting.manage
SELECT
  m.*
FROM
  meetings m
  JOIN minutes mn ON mn.council_id = m.council_id
  AND mn.meeting_id = m.id
WHERE
  (m.council_id = :council_id);

-- Meeting · create — rules: coordinator.meeting.manage
SELECT
  m.*
FROM
  meetings m
  JOIN minutes mn ON mn.council_id = m.council_id
  AND mn.meeting_id = m.id
WHERE
  (m.council_id = :council_id);

-- Minutes · read — rules: coordinator.minutes.manage
SELECT
  mn.*
FROM
  minutes mn
  JOIN meetings m ON m.council_id = mn.council_id
  AND m.id = mn.meeting_id
WHERE
  (mn.council_id = :council_id);

-- Minutes · update — rules: coordinator.minutes.manage
SELECT
  mn.*
FROM
  minutes mn
  JOIN meetings m ON m.council_id = mn.council_id
  AND m.id = mn.meeting_id
WHERE
  (mn.council_id = :council_id);

-- Minutes · finalize — rules: coordinator.minutes.manage
SELECT
  mn.*
FROM
  minutes mn
  JOIN meetings m ON m.council_id = mn.council_id
  AND m.id = mn.meeting_id
WHERE
  (mn.council_id = :council_id);

-- Minutes · amend — rules: coordinator.minutes.manage
SELECT
  mn.*
FROM
  minutes mn
  JOIN meetings m ON m.council_id = mn.council_id
  AND m.id = mn.meeting_id
WHERE
  (mn.council_id = :council_id);

-- Decision · read — rules: coordinator.decision.read
SELECT
  d.*
FROM
  minutes_decisions d
  JOIN minutes mn ON mn.council_id = d.council_id
  AND mn.meeting_id = d.meeting_id
  AND mn.revision = d.revision
WHERE
  (d.council_id = :council_id);

-- ActionItem · read — rules: coordinator.action-item.manage
SELECT
  i.*
FROM
  minutes_action_items i
  JOIN minutes mn ON mn.council_id = i.council_id
  AND mn.meeting_id = i.meeting_id
  AND mn.revision = i.revision
WHERE
  (i.council_id = :council_id);

-- ActionItem · update — rules: coordinator.action-item.manage
SELECT
  i.*
FROM
  minutes_action_items i
  JOIN minutes mn ON mn.council_id = i.council_id
  AND mn.meeting_id = i.meeting_id
  AND mn.revision = i.revision
WHERE
  (i.council_id = :council_id);

-- Referral · read — rules: coordinator.referral.triage
SELECT
  rf.*
FROM
  referrals rf
WHERE
  (rf.council_id = :council_id);

-- Referral · create — rules: coordinator.referral.triage
SELECT
  rf.*
FROM
  referrals rf
WHERE
  (rf.council_id = :council_id);

-- Referral · update — rules: coordinator.referral.triage
SELECT
  rf.*
FROM
  referrals rf
WHERE
  (rf.council_id = :council_id);

-- Referral · accept — rules: coordinator.referral.triage
SELECT
  rf.*
FROM
  referrals rf
WHERE
  (rf.council_id = :council_id);

-- RelatedPerson · read — rules: coordinator.related-person
SELECT
  rp.*
FROM
  case_related_persons rp
WHERE
  (rp.council_id = :council_id);

-- RelatedPerson · create — rules: coordinator.related-person
SELECT
  rp.*
FROM
  case_related_persons rp
WHERE
  (rp.council_id = :council_id);

-- RelatedPerson · update — rules: coordinator.related-person
SELECT
  rp.*
FROM
  case_related_persons rp
WHERE
  (rp.council_id = :council_id);

-- Risk · read — rules: coordinator.risk
-- not council data: decided by the role alone, no row filter

-- Risk · create — rules: coordinator.risk
-- not council data: decided by the role alone, no row filter

-- Contact · read — rules: coordinator.contact
SELECT
  ct.*
FROM
  case_contacts ct
WHERE
  (ct.council_id = :council_id);

-- Contact · create — rules: coordinator.contact
SELECT
  ct.*
FROM
  case_contacts ct
WHERE
  (ct.council_id = :council_id);

-- CaseRecord · read — rules: coordinator.case-record.retain
SELECT
  cr.*
FROM
  cases cr
WHERE
  (cr.council_id = :council_id);

-- CaseRecord · hold — rules: coordinator.case-record.retain
SELECT
  cr.*
FROM
  cases cr
WHERE
  (cr.council_id = :council_id);

-- CaseRecord · dispose — rules: coordinator.case-record.retain
SELECT
  cr.*
FROM
  cases cr
WHERE
  (cr.council_id = :council_id);

-- RetentionSchedule · read — rules: coordinator.retention.manage
-- not council data: decided by the role alone, no row filter

-- RetentionSchedule · update — rules: coordinator.retention.manage
-- not council data: decided by the role alone, no row filter

-- SubjectRequest · read — rules: coordinator.subject-request.manage
SELECT
  sr.*
FROM
  subject_requests sr
WHERE
  (sr.council_id = :council_id);

-- SubjectRequest · create — rules: coordinator.subject-request.manage
SELECT
  sr.*
FROM
  subject_requests sr
WHERE
  (sr.council_id = :council_id);

-- SubjectRequest · update — rules: coordinator.subject-request.manage
SELECT
  sr.*
FROM
  subject_requests sr
WHERE
  (sr.council_id = :council_id);

-- SubjectRequest · export — rules: coordinator.subject-request.manage
SELECT
  sr.*
FROM
  subject_requests sr
WHERE
  (sr.council_id = :council_id);

-- Generated from policies/system_admin.yaml by `npm run policies:sql`; do not edit.
-- The row filter of every (subject, action) the system_admin policy grants. A test fails when
-- this file and the policies disagree: regenerate and review the SQL diff.

-- Council · read — rules: system-admin.council.read
SELECT
  c.*
FROM
  councils c
WHERE
  (c.id = :council_id);

-- Council · create — rules: system-admin.council.create
SELECT
  c.*
FROM
  councils c
WHERE
  TRUE;

-- Council · designate — rules: system-admin.council.read
SELECT
  c.*
FROM
  councils c
WHERE
  (c.id = :council_id);

-- MemberBody · read — rules: system-admin.member-body.bootstrap
SELECT
  mb.*
FROM
  member_bodies mb
WHERE
  (mb.council_id = :council_id);

-- MemberBody · create — rules: system-admin.member-body.bootstrap
SELECT
  mb.*
FROM
  member_bodies mb
WHERE
  (mb.council_id = :council_id);

-- Staff · read — rules: system-admin.staff.bootstrap
SELECT
  st.*
FROM
  staff st
  JOIN member_bodies smb ON smb.council_id = st.council_id
  AND smb.id = st.member_body_id
WHERE
  (st.council_id = :council_id);

-- Staff · create — rules: system-admin.staff.bootstrap
SELECT
  st.*
FROM
  staff st
  JOIN member_bodies smb ON smb.council_id = st.council_id
  AND smb.id = st.member_body_id
WHERE
  (st.council_id = :council_id);

-- PlatformClient · read — rules: system-admin.platform-client
-- not council data: decided by the role alone, no row filter

-- PlatformClient · create — rules: system-admin.platform-client
-- not council data: decided by the role alone, no row filter

-- PlatformClient · end — rules: system-admin.platform-client
-- not council data: decided by the role alone, no row filter

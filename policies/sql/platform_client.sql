-- Generated from policies/platform_client.yaml by `npm run policies:sql`; do not edit.
-- The row filter of every (subject, action) the platform_client policy grants. A test fails when
-- this file and the policies disagree: regenerate and review the SQL diff.

-- Statistics · read — rules: platform.statistics.read
-- not council data: decided by the role alone, no row filter

-- PublicNotice · read — rules: platform.public-notice.read
-- not council data: decided by the role alone, no row filter

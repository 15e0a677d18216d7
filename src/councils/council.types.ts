/** The council-structure vocabulary: member-body kinds and staff roles (tables: migrations/). */
export const MEMBER_BODY_KINDS = [
  'municipality',
  'social_welfare_council',
  'npo',
  'public_health',
  'welfare_commissioner',
  'medical',
  'housing',
  'employment',
  'education',
  'police',
  'other',
] as const;
export type MemberBodyKind = (typeof MEMBER_BODY_KINDS)[number];

export const STAFF_ROLES = ['coordinator', 'agency_staff', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

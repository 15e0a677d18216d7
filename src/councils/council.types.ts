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
  // A professional who belongs to the council as a person (関係機関等 includes individuals);
  // never the coordinating body (Art. 17(1) designates a body).
  'individual',
] as const;
export type MemberBodyKind = (typeof MEMBER_BODY_KINDS)[number];

export const STAFF_ROLES = ['coordinator', 'agency_staff', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

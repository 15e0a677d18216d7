import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

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

/** 地域協議会: the tenant. */
@Entity({ name: 'councils' })
export class CouncilEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', array: true })
  municipalities!: string[];

  @Column({ name: 'established_on', type: 'date' })
  establishedOn!: string;
}

/** 関係機関等: an agency, organisation or professional belonging to a council. */
@Entity({ name: 'member_bodies' })
export class MemberBodyEntity {
  @PrimaryColumn({ name: 'council_id', type: 'uuid' })
  councilId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: MemberBodyKind;

  @Column({ name: 'joined_on', type: 'date' })
  joinedOn!: string;

  @Column({ name: 'left_on', type: 'date', nullable: true })
  leftOn!: string | null;
}

/** 事務に従事する者: a user acting for a member body in a council. Never deleted (Art. 18). */
@Entity({ name: 'staff' })
export class StaffEntity {
  @PrimaryColumn({ name: 'council_id', type: 'uuid' })
  councilId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'member_body_id', type: 'uuid' })
  memberBodyId!: string;

  @Column({ type: 'text' })
  role!: StaffRole;

  @Column({ name: 'started_on', type: 'date' })
  startedOn!: string;

  @Column({ name: 'ended_on', type: 'date', nullable: true })
  endedOn!: string | null;

  @Column({ name: 'pledged_at', type: 'timestamptz', nullable: true })
  pledgedAt!: Date | null;

  @Column({ name: 'pledge_version', type: 'integer', nullable: true })
  pledgeVersion!: number | null;
}

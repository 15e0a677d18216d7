import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { MemberBodyFacts } from '../access/subject-registry';
import { AuthService } from '../auth/auth.service';
import { assignmentEnded } from '../cases/case-projection';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/http/pagination';
import { CouncilErrors, isCheckViolation, isUniqueViolation } from './council-errors';
import { CouncilsRepository, MemberBodyRow } from './councils.repository';
import { CreateMemberBodyDto, MemberBodyDto, UpdateMemberBodyDto } from './dto/council.dto';
import { InvitationsRepository } from './invitations.repository';
import { CONTINUING_DUTY } from './pledge.service';

export const toMemberBodyDto = (row: MemberBodyRow): MemberBodyDto => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  joinedOn: row.joinedOn,
  leftOn: row.leftOn,
  isCoordinatingBody: row.isCoordinatingBody,
});

/**
 * 関係機関等: join, edit, leave. Leaving is never deleting. Each use case goes through the access
 * primitive: the body is loaded through the policy for the declared action (policies/*.yaml),
 * refusals are recorded, and the structure event is written last in the same transaction.
 */
@Injectable()
export class MemberBodiesService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: CouncilsRepository,
    private readonly invitations: InvitationsRepository,
    private readonly auth: AuthService,
  ) {}

  create(p: CouncilPrincipal, dto: CreateMemberBodyDto): Promise<MemberBodyDto> {
    return this.access.use(p, { action: 'create', subject: 'MemberBody' }, async (s) => {
      await this.repo.lockCouncil(s);
      await assertBootstrap(this.repo, s, p);
      try {
        const id = await this.repo.insertMemberBody(s, dto, p.userId);
        return {
          result: toMemberBodyDto((await this.repo.findMemberBody(s, id))!),
          resourceId: id,
        };
      } catch (error) {
        if (isUniqueViolation(error, 'member_bodies_name_key'))
          throw CouncilErrors.memberBodyNameTaken();
        throw error;
      }
    });
  }

  list(p: CouncilPrincipal, includeLeft: boolean, q: PageQueryDto): Promise<Page<MemberBodyDto>> {
    const limit = pageLimit(q);
    return this.access.use(
      p,
      { action: 'read', subject: 'MemberBody', recordAllowed: false },
      async (s) => {
        const rows = await this.repo.listMemberBodies(
          s,
          includeLeft,
          decodeCursor(q.cursor),
          limit,
        );
        return {
          result: toPage(rows, limit, (r) => ({ key: r.createdAt, id: r.id }), toMemberBodyDto),
        };
      },
    );
  }

  get(p: CouncilPrincipal, id: string): Promise<MemberBodyDto> {
    return this.access.use(
      p,
      { action: 'read', subject: 'MemberBody', id, recordAllowed: false },
      async (s) => ({ result: toMemberBodyDto((await this.repo.findMemberBody(s, id))!) }),
    );
  }

  update(p: CouncilPrincipal, id: string, dto: UpdateMemberBodyDto): Promise<MemberBodyDto> {
    return this.access.use<MemberBodyDto, MemberBodyFacts>(
      p,
      { action: 'update', subject: 'MemberBody', id, lock: true },
      async (s, l) => {
        const body = l.row!;
        if (dto.joinedOn && body.leftOn && dto.joinedOn > body.leftOn) {
          throw CouncilErrors.datesOutOfOrder('joinedOn', 'joinedOn must not be after leftOn');
        }
        try {
          await this.repo.updateMemberBody(s, id, dto);
        } catch (error) {
          if (isUniqueViolation(error, 'member_bodies_name_key'))
            throw CouncilErrors.memberBodyNameTaken();
          if (isCheckViolation(error))
            throw CouncilErrors.datesOutOfOrder('joinedOn', 'dates are out of order');
          throw error;
        }
        return { result: toMemberBodyDto((await this.repo.findMemberBody(s, id))!) };
      },
    );
  }

  /**
   * The body leaves on `leftOn`: it stays on record with everyone who acted for it, its staff
   * records end on that date, and it stops being the coordinating body. When the date has
   * come, its people's sessions are revoked and its case assignments end at once (one
   * `assignment.end` per case, reason `member_body_left`, so each case's access report shows
   * it). With a later date nothing else has to happen then: coverage, the principal lookup and
   * meeting eligibility all ask whether the body is in force (in-force.ts), so its access ends
   * on the day by itself.
   */
  leave(p: CouncilPrincipal, id: string, leftOn: string): Promise<MemberBodyDto> {
    return this.access.use<MemberBodyDto, MemberBodyFacts>(
      p,
      { action: 'leave', subject: 'MemberBody', id, lock: true },
      async (s, l) => {
        const body = l.row!;
        if (body.leftOn) throw CouncilErrors.memberBodyAlreadyLeft();
        if (leftOn < body.joinedOn)
          throw CouncilErrors.datesOutOfOrder('leftOn', 'leftOn must not be before joinedOn');
        await this.repo.lockCouncil(s);
        await this.repo.setMemberBodyLeft(s, id, leftOn);
        const { userIds, pendingStaffIds } = await this.repo.endStaffOfBody(
          s,
          id,
          leftOn,
          p.userId,
          CONTINUING_DUTY,
        );
        await this.invitations.revokeForStaff(s, pendingStaffIds);
        const designation = await this.repo.currentDesignation(s);
        if (designation?.memberBodyId === id)
          await this.repo.endDesignation(s, designation.id, p.userId, 'member_body_left');
        let ended: { id: string; caseId: string }[] = [];
        if (await this.repo.hasCome(s, leftOn)) {
          // Only people with no record in force elsewhere are signed out (issue 13).
          for (const userId of userIds)
            await this.auth.revokeUnlessStaffElsewhere(userId, s.councilId, s.em);
          // A new lead can be named at once (one active lead per case).
          ended = await this.repo.endAssignmentsOfBody(s, id, p.userId);
        }
        return {
          result: toMemberBodyDto((await this.repo.findMemberBody(s, id))!),
          reason: `staff_ended=${userIds.length}`,
          also: ended.map((a) => assignmentEnded({ ...a, memberBodyId: id }, 'member_body_left')),
        };
      },
    );
  }
}

/**
 * A system admin sets a council up — its bodies and first coordinator — only while it has never
 * had a staff record (`councils.bootstrapped_at`, set by a trigger on the first one): not when
 * its coordinators have since ended or their body left, which was how an operator could make
 * itself coordinator of an established council and read every case (issue 13, DESIGN.md §3.11).
 * Recovering a council that lost every coordinator is the CLI's `council:recover`, audited
 * apart. Thrown inside the use case, so the access primitive records the refusal (§3.10).
 */
export async function assertBootstrap(
  repo: CouncilsRepository,
  s: CouncilScope,
  p: CouncilPrincipal,
  role?: string,
): Promise<void> {
  if (p.actingAs !== 'system_admin') return;
  if ((role !== undefined && role !== 'coordinator') || (await repo.isBootstrapped(s)))
    throw CouncilErrors.bootstrapOnly();
}

import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope, PublicScope } from '../access/council-scope';
import { MemberBodyFacts } from '../access/subject-registry';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/http/pagination';
import { CouncilErrors } from './council-errors';
import {
  CouncilRow,
  CouncilsRepository,
  PublicationRow,
  PublicNoticeContent,
} from './councils.repository';
import {
  CouncilDto,
  CouncilSecurityDto,
  FoundCouncilDto,
  NoticeHistoryDto,
  PublicCouncilDto,
  PublishedNoticeDto,
  UpdateCouncilDto,
} from './dto/council.dto';
import { StaffRole } from './council.types';
import { STANDARD_PLEDGE } from './pledge.service';

export const toCouncilDto = (row: CouncilRow): CouncilDto => ({
  id: row.id,
  name: row.name,
  municipalities: row.municipalities,
  establishedOn: row.establishedOn,
  coordinatingBody: row.coordinatingBodyId
    ? { id: row.coordinatingBodyId, name: row.coordinatingBodyName as string }
    : null,
  mfaRequiredRoles: row.mfaRequiredRoles,
});

/** The notice as published, field by field (never more than 施行規則 Art. 1 names). */
const noticeDto = (c: PublicNoticeContent): PublicCouncilDto => ({
  id: c.id,
  name: c.name,
  municipalities: c.municipalities,
  establishedOn: c.establishedOn,
  coordinatingBody: c.coordinatingBody
    ? { id: c.coordinatingBody.id, name: c.coordinatingBody.name }
    : null,
  memberBodies: c.memberBodies.map((b) => ({ id: b.id, name: b.name })),
});

const publishedDto = (row: PublicationRow): PublishedNoticeDto => ({
  version: row.version,
  publishedAt: row.publishedAt,
  publishedBy: row.publishedBy,
  content: noticeDto(row.content),
});

/**
 * The council itself: founding it, editing it, designating its coordinating body, and the
 * register (the caller's councils; the public notice). Every use case goes through the access
 * primitive with its declared (action, subject); the rules are policies/*.yaml.
 */
@Injectable()
export class CouncilsService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: CouncilsRepository,
  ) {}

  /**
   * Art. 15: the municipality sets the council up; the operator records it. `p` is a system
   * admin outside any council (PrincipalResolver.outsideCouncils): its policy must permit
   * `create Council`, and its fresh council id becomes the new council's.
   */
  create(p: CouncilPrincipal, dto: FoundCouncilDto): Promise<CouncilDto> {
    return this.access.use(
      p,
      { action: 'create', subject: 'Council', event: 'council.create' },
      async (s) => {
        await this.repo.insertCouncil(s, dto);
        const pledge = await this.repo.insertPledge(s, STANDARD_PLEDGE, p.userId);
        return {
          result: toCouncilDto((await this.repo.findCouncil(s))!),
          resourceId: s.councilId,
          reason: `pledge_version=${pledge.version}`,
        };
      },
    );
  }

  get(p: CouncilPrincipal): Promise<CouncilDto> {
    return this.access.use(
      p,
      { action: 'read', subject: 'Council', recordAllowed: false },
      async (s) => ({ result: toCouncilDto((await this.repo.findCouncil(s))!) }),
    );
  }

  update(p: CouncilPrincipal, dto: UpdateCouncilDto): Promise<CouncilDto> {
    return this.access.use(p, { action: 'update', subject: 'Council' }, async (s) => {
      await this.repo.lockCouncil(s);
      await this.repo.updateCouncil(s, dto);
      return {
        result: toCouncilDto((await this.repo.findCouncil(s))!),
        resourceId: s.councilId,
      };
    });
  }

  /**
   * The councils the caller has a staff record in (current or former: /api/me tells which are
   * active); a system admin sees all of them. Each council is read in its own RLS scope.
   */
  list(
    user: { userId: string; isSystemAdmin: boolean },
    q: PageQueryDto,
  ): Promise<Page<CouncilDto>> {
    const limit = pageLimit(q);
    return this.access.register(user.isSystemAdmin ? null : user.userId, async (r) => {
      const ids = await this.repo.pageCouncilIds(r, decodeCursor(q.cursor), limit);
      const rows: (CouncilRow & { createdAt: string })[] = [];
      for (const { id, createdAt } of ids) {
        rows.push({ ...(await this.mustFind(await r.council(id))), createdAt });
      }
      return toPage(rows, limit, (x) => ({ key: x.createdAt, id: x.id }), toCouncilDto);
    });
  }

  security(p: CouncilPrincipal): Promise<CouncilSecurityDto> {
    return this.access.use(
      p,
      { action: 'read', subject: 'Council', recordAllowed: false },
      async (s) => ({
        result: { mfaRequiredRoles: (await this.repo.findCouncil(s))!.mfaRequiredRoles },
      }),
    );
  }

  /**
   * Which staff roles must have a second factor here. A change takes effect on the next
   * request (the guard reads it with the principal); it is audited as `council.security`.
   */
  setSecurity(p: CouncilPrincipal, roles: StaffRole[]): Promise<CouncilSecurityDto> {
    return this.access.use(
      p,
      { action: 'update', subject: 'Council', event: 'council.security' },
      async (s) => {
        await this.repo.lockCouncil(s);
        await this.repo.setMfaRequiredRoles(s, roles);
        const mfaRequiredRoles = (await this.repo.findCouncil(s))!.mfaRequiredRoles;
        return {
          result: { mfaRequiredRoles },
          resourceId: s.councilId,
          reason: `mfa_required_roles=${mfaRequiredRoles.join(',') || 'none'}`,
        };
      },
    );
  }

  /** Designates the one coordinating body (Art. 17(1)), replacing and keeping any earlier one. */
  designateCoordinatingBody(p: CouncilPrincipal, memberBodyId: string): Promise<CouncilDto> {
    return this.access.use(
      p,
      {
        action: 'designate',
        subject: 'Council',
        resourceId: memberBodyId,
        refs: [{ subject: 'MemberBody', id: memberBodyId }],
      },
      async (s, l) => {
        await this.repo.lockCouncil(s);
        const body = l.refs[0] as unknown as MemberBodyFacts;
        if (!body.current) throw CouncilErrors.memberBodyNotCurrent();
        // Art. 17(1) designates a body that runs council business; a person who belongs as an
        // individual professional cannot be it (the database refuses it too).
        if (body.kind === 'individual') throw CouncilErrors.individualCannotCoordinate();
        const current = await this.repo.currentDesignation(s);
        const changed = current?.memberBodyId !== memberBodyId;
        if (changed) {
          if (current) await this.repo.endDesignation(s, current.id, p.userId, 'replaced');
          await this.repo.insertDesignation(s, memberBodyId, p.userId);
        }
        return {
          result: toCouncilDto((await this.repo.findCouncil(s))!),
          resourceType: 'member_body',
          resourceId: memberBodyId,
          // Recorded only when the designation actually changes (docs/audit.md).
          ...(changed ? {} : { noop: true as const }),
        };
      },
    );
  }

  /**
   * 公示 (施行規則 Art. 1): the only council data that is public. A council appears only once it
   * has published its notice, and the register answers the latest published version — never
   * the live structure: publishing is an act (issue 17), so a body that joins or leaves, or a
   * new designation, shows here only after the next publication. One RLS scope per council.
   */
  publicNotice(q: PageQueryDto): Promise<Page<PublicCouncilDto>> {
    const limit = pageLimit(q);
    return this.access.register(null, async (r) => {
      const ids = await this.repo.pagePublishedCouncilIds(r, decodeCursor(q.cursor), limit);
      const entries: (PublicCouncilDto & { createdAt: string })[] = [];
      for (const { id, createdAt } of ids) {
        const [latest] = await this.repo.publications(await r.council(id), true);
        if (!latest) throw new Error(`council ${id} marked published without a publication`);
        entries.push({ createdAt, ...noticeDto(latest.content) });
      }
      return toPage(
        entries,
        limit,
        (x) => ({ key: x.createdAt, id: x.id }),
        ({ createdAt: _, ...entry }) => entry,
      );
    });
  }

  /**
   * Publishes the public notice as the council stands today (its name, municipalities, the
   * designated coordinating body if still a member, the current member bodies): a new version
   * each time, kept for good; the register shows the latest. Coordinators only: 公示 is the
   * municipal head's act (Art. 15(2)) that the secretariat records; the operator is outside the
   * council (DESIGN.md §3.11). Audited as `council.publish_notice` with the version.
   */
  publishNotice(p: CouncilPrincipal): Promise<PublishedNoticeDto> {
    return this.access.use(
      p,
      { action: 'publish', subject: 'Council', event: 'council.publish_notice' },
      async (s) => {
        await this.repo.lockCouncil(s);
        const council = await this.mustFind(s);
        const content = {
          id: council.id,
          name: council.name,
          municipalities: council.municipalities,
          establishedOn: council.establishedOn,
          coordinatingBody: await this.repo.publicCoordinatingBody(s),
          memberBodies: await this.repo.currentMemberBodyRefs(s),
        };
        const row = await this.repo.insertPublication(s, content, p.userId);
        return {
          result: publishedDto(row),
          resourceId: s.councilId,
          reason: `version=${row.version}`,
        };
      },
    );
  }

  /** Every published version of the notice, newest first (public content; staff of the council). */
  noticeHistory(p: CouncilPrincipal): Promise<NoticeHistoryDto> {
    return this.access.use(
      p,
      { action: 'read', subject: 'Council', recordAllowed: false },
      async (s) => ({
        result: { items: (await this.repo.publications(s)).map(publishedDto), nextCursor: null },
      }),
    );
  }

  /** A council the register just listed (it cannot vanish: councils are never deleted). */
  private async mustFind(s: CouncilScope | PublicScope): Promise<CouncilRow> {
    const row = await this.repo.findCouncil(s);
    if (!row) throw new Error(`council ${s.councilId} listed but not found`);
    return row;
  }
}

import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { DomainError, notFound } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { isUniqueViolation } from '../councils/council-errors';
import { CaseLinkDto, CaseLinkListDto, CreateCaseLinkDto, UnlinkCaseDto } from './case-links.dto';
import { CaseLinkRow, CaseLinksRepository } from './case-links.repository';

/**
 * "These two cases are the same person" (issue 17 item 3). Coordinators link and unlink
 * (`update` on the case named in the path; the other case is loaded through the case read
 * policy, so an invisible one answers 404); a link never merges the records (HMIS's lesson) and undoing it keeps it on
 * record. Anyone who may read a case sees its links whose other case they may read too. Every
 * link, unlink and listing is audited on both cases, so both access reports show it (§3.10).
 */
@Injectable()
export class CaseLinksService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: CaseLinksRepository,
  ) {}

  link(p: CouncilPrincipal, caseId: string, dto: CreateCaseLinkDto): Promise<CaseLinkDto> {
    if (dto.otherCaseId.toLowerCase() === caseId.toLowerCase())
      throw new DomainError(422, ErrorCode.SameCase, 'A case cannot be linked to itself');
    return this.access.use(
      p,
      {
        action: 'update',
        subject: 'Case',
        id: caseId,
        lock: true,
        event: 'case.link',
        // The other case must be visible to the caller, or this is an audited 404 (§3.2).
        refs: [{ subject: 'Case', id: dto.otherCaseId }],
      },
      async (s) => {
        let id: string;
        try {
          id = await this.repo.insert(s, caseId, dto.otherCaseId, dto.reason, p.userId);
        } catch (error) {
          if (isUniqueViolation(error, 'case_links_one_active_per_pair'))
            throw new DomainError(409, ErrorCode.LinkExists, 'These cases are already linked');
          throw error;
        }
        const [row] = await this.repo.visible(s, caseId, id);
        return {
          result: this.view(p, row),
          resourceType: 'case_link',
          resourceId: id,
          resourceIds: [caseId, dto.otherCaseId],
          caseId,
          also: [this.onOther('case.link', id, caseId, dto.otherCaseId)],
        };
      },
    );
  }

  unlink(
    p: CouncilPrincipal,
    caseId: string,
    linkId: string,
    dto: UnlinkCaseDto,
  ): Promise<CaseLinkDto> {
    return this.access.use(
      p,
      { action: 'update', subject: 'Case', id: caseId, lock: true, event: 'case.unlink' },
      async (s) => {
        const [link] = await this.repo.visible(s, caseId, linkId);
        if (!link) throw notFound('Case link');
        if (link.unlinkedAt)
          throw new DomainError(409, ErrorCode.LinkAlreadyUndone, 'This link was already undone');
        await this.repo.unlink(s, linkId, dto.reason, p.userId);
        const [row] = await this.repo.visible(s, caseId, linkId);
        return {
          result: this.view(p, row),
          resourceType: 'case_link',
          resourceId: linkId,
          resourceIds: [caseId, link.otherCaseId],
          caseId,
          also: [this.onOther('case.unlink', linkId, caseId, link.otherCaseId)],
        };
      },
    );
  }

  list(p: CouncilPrincipal, caseId: string): Promise<CaseLinkListDto> {
    return this.access.use(
      p,
      { action: 'read', subject: 'Case', id: caseId, event: 'case_link.list' },
      async (s) => {
        const rows = await this.repo.visible(s, caseId, null);
        const others = [...new Set(rows.map((r) => r.otherCaseId))];
        return {
          result: { items: rows.map((r) => this.view(p, r)), nextCursor: null },
          resourceType: 'case_link',
          resourceIds: rows.map((r) => r.id),
          caseId,
          // Each linked case named in the answer is disclosed too (§3.10).
          also: others.map((other) => ({
            action: 'case_link.list',
            resourceType: 'case',
            resourceId: other,
            resourceIds: rows.filter((r) => r.otherCaseId === other).map((r) => r.id),
            caseId: other,
          })),
        };
      },
    );
  }

  private onOther(action: string, linkId: string, caseId: string, otherCaseId: string) {
    return {
      action,
      resourceType: 'case_link',
      resourceId: linkId,
      resourceIds: [caseId, otherCaseId],
      caseId: otherCaseId,
    };
  }

  /** Reasons are the coordinators' free text: other readers get the link, not the why. */
  private view(p: CouncilPrincipal, r: CaseLinkRow): CaseLinkDto {
    const coordinator = p.actingAs === 'coordinator';
    return {
      id: r.id,
      caseId: r.caseId,
      otherCase: { id: r.otherCaseId, caseNumber: r.otherCaseNumber },
      reason: coordinator ? r.reason : null,
      linkedAt: r.linkedAt,
      linkedBy: r.linkedBy,
      state: r.unlinkedAt ? 'undone' : 'active',
      unlinkedAt: r.unlinkedAt,
      unlinkedBy: r.unlinkedBy,
      unlinkReason: coordinator ? r.unlinkReason : null,
    };
  }
}

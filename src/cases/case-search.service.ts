import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CaseCipher } from '../crypto/case-cipher';
import { validationFailed } from '../common/errors/domain-error';
import { projectCase } from './case-projection';
import { CaseSearchQueryDto, MatchCaseDto } from './case.dto';
import { CaseSearchRepository, ScoredCase } from './case-search.repository';

/** A registration flags cases at or above this score as possible duplicates (name + birth date). */
export const DUPLICATE_SCORE = 80;
/** `POST …/cases/match` lists candidates from this score up. */
const CANDIDATE_SCORE = 40;

/**
 * Search and matching (issue 17). Results are cases the caller may read, projected field by field
 * like any case response; the audit event names every case returned and never the search terms
 * (a name typed into a search box is personal data too).
 */
@Injectable()
export class CaseSearchService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: CaseSearchRepository,
    private readonly cipher: CaseCipher,
  ) {}

  search(p: CouncilPrincipal, q: CaseSearchQueryDto) {
    if (!q.q?.trim() && !q.birthDate && !q.caseNumber)
      throw validationFailed('Give q, birthDate or caseNumber', [
        { field: 'q', messages: ['q, birthDate or caseNumber is required'] },
      ]);
    return this.access.use(
      p,
      { action: 'read', subject: 'Case', event: 'case.search' },
      async (s) => {
        const rows = await this.repo.search(s, q, q.limit ?? 20);
        return {
          result: { items: rows.map((r) => this.view(p, r)), nextCursor: null },
          resourceType: 'case',
          resourceIds: rows.map((r) => r.id),
          reason: `results=${rows.length}`,
        };
      },
    );
  }

  /** Before registering: who might this already be? (coordinators, who register cases) */
  match(p: CouncilPrincipal, dto: MatchCaseDto) {
    return this.access.use(
      p,
      { action: 'create', subject: 'Case', event: 'case.match' },
      async (s) => {
        const rows = await this.repo.match(s, dto.subject, null, CANDIDATE_SCORE);
        return {
          result: { candidates: rows.map((r) => this.view(p, r)) },
          resourceType: 'case',
          resourceIds: rows.map((r) => r.id),
          reason: `candidates=${rows.length}`,
        };
      },
    );
  }

  private view(p: CouncilPrincipal, r: ScoredCase) {
    const { score, matched, ...row } = r;
    return { ...projectCase(p.ability, row, this.cipher), score, matched };
  }
}

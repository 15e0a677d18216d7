import { CouncilController } from '../common/http/api-docs';
import { Body, Get, Injectable, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { AccessService } from '../access/access.service';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { CASE_NUMBER_FORMATS, CaseNumberFormat } from './case-number';
import { CasesRepository } from './cases.repository';

export class CaseNumberingDto {
  @ApiProperty({
    enum: CASE_NUMBER_FORMATS,
    description:
      'How new case numbers are written: western `2025-0001`, reiwa `R7-0001`. The sequence restarts each 年度 (April–March, Asia/Tokyo); numbers already issued never change.',
  })
  @IsIn(CASE_NUMBER_FORMATS)
  format!: CaseNumberFormat;
}

/** The council's case numbering setting (issue 17 item 8). */
@Injectable()
export class CaseNumberingService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: CasesRepository,
  ) {}

  get(p: CouncilPrincipal): Promise<CaseNumberingDto> {
    return this.access.use(
      p,
      { action: 'read', subject: 'Council', recordAllowed: false },
      async (s) => ({ result: { format: await this.repo.caseNumberFormat(s) } }),
    );
  }

  set(p: CouncilPrincipal, dto: CaseNumberingDto): Promise<CaseNumberingDto> {
    return this.access.use(
      p,
      { action: 'update', subject: 'Council', event: 'council.case_numbering' },
      async (s) => {
        await this.repo.setCaseNumberFormat(s, dto.format);
        return {
          result: { format: dto.format },
          resourceId: s.councilId,
          reason: `format=${dto.format}`,
        };
      },
    );
  }
}

@ApiTags('councils')
@CouncilController('case-numbering')
export class CaseNumberingController {
  constructor(private readonly numbering: CaseNumberingService) {}

  @Get()
  @Authorize('read', 'Council')
  @ApiOperation({ summary: 'How new case numbers are written', operationId: 'getCaseNumbering' })
  @ApiOkResponse({ type: CaseNumberingDto })
  get(@Principal() p: CouncilPrincipal): Promise<CaseNumberingDto> {
    return this.numbering.get(p);
  }

  @Put()
  @Authorize('update', 'Council')
  @ApiOperation({
    summary: 'Choose how new case numbers are written (coordinators)',
    operationId: 'setCaseNumbering',
  })
  @ApiOkResponse({ type: CaseNumberingDto })
  set(@Principal() p: CouncilPrincipal, @Body() dto: CaseNumberingDto): Promise<CaseNumberingDto> {
    return this.numbering.set(p, dto);
  }
}

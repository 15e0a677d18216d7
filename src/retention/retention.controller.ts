import { ApiErrors } from '../common/http/api-docs';
import { CouncilController } from '../common/http/api-docs';
import { Body, Get, HttpCode, Param, ParseEnumPipe, Post, Put } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiParam,
} from '@nestjs/swagger';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { IdParam } from '../common/http/id-param';
import {
  AttachmentsDisposalCertificateView,
  DisposalCertificateView,
  DisposalRunDto,
  DisposalRunView,
  LegalHoldsView,
  LegalHoldView,
  PlaceHoldDto,
  ReleaseHoldDto,
  RetentionSchedulesView,
  UpdateRetentionDto,
} from './retention.dto';
import { RECORD_CLASSES, RecordClass } from './retention.repository';
import { RetentionService } from './retention.service';

const recordClassPipe = new ParseEnumPipe(Object.fromEntries(RECORD_CLASSES.map((c) => [c, c])), {
  exceptionFactory: () =>
    new DomainError(400, ErrorCode.ValidationFailed, 'Unknown record class', {
      details: [{ field: 'recordClass', messages: [`one of ${RECORD_CLASSES.join(', ')}`] }],
    }),
});

@ApiTags('retention')
@CouncilController('')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Get('retention/schedules')
  @Authorize('read', 'RetentionSchedule')
  @ApiOperation({
    summary: 'Retention periods per record class (年度 after closure)',
    operationId: 'listRetentionSchedules',
  })
  @ApiOkResponse({ type: RetentionSchedulesView })
  schedules(@Principal() p: CouncilPrincipal): Promise<RetentionSchedulesView> {
    return this.retention.schedules(p);
  }

  @Put('retention/schedules/:recordClass')
  @Authorize('update', 'RetentionSchedule')
  @ApiOperation({
    summary: 'Choose a retention period within the installation’s limits',
    operationId: 'updateRetentionSchedule',
  })
  // Declared explicitly: the parameter's reflected type differs between tsc and SWC.
  @ApiParam({ name: 'recordClass', enum: RECORD_CLASSES })
  @ApiErrors(422)
  @ApiOkResponse({ type: RetentionSchedulesView })
  setSchedule(
    @Principal() p: CouncilPrincipal,
    @Param('recordClass', recordClassPipe) recordClass: RecordClass,
    @Body() dto: UpdateRetentionDto,
  ): Promise<RetentionSchedulesView> {
    return this.retention.setSchedule(p, recordClass, dto);
  }

  @Get('cases/:caseId/legal-holds')
  @Authorize('read', 'CaseRecord')
  @ApiOperation({ summary: 'Legal holds on a case', operationId: 'listLegalHolds' })
  @ApiOkResponse({ type: LegalHoldsView })
  holds(@Principal() p: CouncilPrincipal, @IdParam('caseId') caseId: string) {
    return this.retention.holds(p, caseId);
  }

  @Post('cases/:caseId/legal-holds')
  @Authorize('hold', 'CaseRecord')
  @ApiOperation({ summary: 'Place a legal hold (blocks disposal)', operationId: 'placeLegalHold' })
  @ApiCreatedResponse({ type: LegalHoldView })
  placeHold(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: PlaceHoldDto,
  ): Promise<LegalHoldView> {
    return this.retention.placeHold(p, caseId, dto);
  }

  @Post('cases/:caseId/legal-holds/:holdId/release')
  @HttpCode(200)
  @Authorize('hold', 'CaseRecord')
  @ApiOperation({ summary: 'Release a legal hold', operationId: 'releaseLegalHold' })
  @ApiOkResponse({ type: LegalHoldView })
  releaseHold(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('holdId') holdId: string,
    @Body() dto: ReleaseHoldDto,
  ): Promise<LegalHoldView> {
    return this.retention.releaseHold(p, caseId, holdId, dto);
  }

  @Post('cases/:caseId/disposal')
  @HttpCode(200)
  @Authorize('dispose', 'CaseRecord')
  @ApiOperation({
    summary:
      'Dispose of a closed case past its retention period (crypto-shredding; keeps the skeleton)',
    operationId: 'disposeCase',
  })
  @ApiErrors(409, 422)
  @ApiOkResponse({ type: DisposalCertificateView })
  dispose(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
  ): Promise<DisposalCertificateView> {
    return this.retention.dispose(p, caseId);
  }

  @Post('cases/:caseId/attachment-disposal')
  @HttpCode(200)
  @Authorize('dispose', 'CaseRecord')
  @ApiOperation({
    summary:
      'Destroy the files of a closed case past the attachments retention period (keeps their records)',
    operationId: 'disposeCaseAttachments',
  })
  @ApiErrors(409, 422)
  @ApiOkResponse({ type: AttachmentsDisposalCertificateView })
  disposeAttachments(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
  ): Promise<AttachmentsDisposalCertificateView> {
    return this.retention.disposeAttachments(p, caseId);
  }

  @Post('disposal-runs')
  @HttpCode(200)
  @Authorize('dispose', 'CaseRecord')
  @ApiOperation({
    summary: 'An explicit disposal run over listed cases',
    operationId: 'runDisposal',
  })
  @ApiOkResponse({ type: DisposalRunView })
  run(@Principal() p: CouncilPrincipal, @Body() dto: DisposalRunDto): Promise<DisposalRunView> {
    return this.retention.run(p, dto.caseIds);
  }
}

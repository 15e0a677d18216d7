import { ALLOWED_TYPES } from './sniff';
import { ApiErrors } from '../common/http/api-docs';
import { CouncilController } from '../common/http/api-docs';
import { Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { DomainError } from '../common/errors/domain-error';
import { IdParam } from '../common/http/id-param';
import { ErrorCode } from '../common/errors/error-code';
import { AttachmentDto, AttachmentListDto, UploadQueryDto } from './attachments.dto';
import { AttachmentsService, Parent } from './attachments.service';

const BODY = {
  description: 'The file itself (raw bytes; its type is sniffed from the content)',
  schema: { type: 'string', format: 'binary' },
} as const;

/**
 * Files are never served inline: always a download, with the sniffed type and nosniff, so a
 * browser never renders (or runs) what was uploaded.
 */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

@ApiTags('attachments')
@CouncilController('')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  private async upload(
    p: CouncilPrincipal,
    parent: Parent,
    q: UploadQueryDto,
    req: Request,
  ): Promise<AttachmentDto> {
    // The body is the file; a JSON or form body would already have been parsed (or refused).
    if (req.is(['application/json', 'multipart/*', 'application/x-www-form-urlencoded'])) {
      req.resume();
      throw new DomainError(
        415,
        ErrorCode.UnsupportedMediaType,
        'Send the file as the raw request body (application/octet-stream)',
      );
    }
    const length = req.headers['content-length'];
    return this.attachments.upload(
      p,
      parent,
      { fileName: q.fileName, sensitive: q.sensitive ?? false },
      req,
      length !== undefined && /^\d+$/.test(length) ? Number(length) : null,
    );
  }

  private async send(
    p: CouncilPrincipal,
    parent: Parent,
    attachmentId: string,
    res: Response,
  ): Promise<void> {
    const { attachment, body } = await this.attachments.download(p, parent, attachmentId);
    res.setHeader('Content-Type', attachment.contentType);
    res.setHeader('Content-Length', String(attachment.sizeBytes));
    res.setHeader('Content-Disposition', contentDisposition(attachment.fileName));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    await pipeline(body, res);
  }

  // ---- files on a case ----------------------------------------------------------------

  @Post('cases/:caseId/attachments')
  @Authorize('create', 'Note')
  @ApiOperation({ summary: 'Attach a file to a case', operationId: 'uploadCaseAttachment' })
  @ApiConsumes('application/octet-stream')
  @ApiErrors(413, 415)
  @ApiBody(BODY)
  @ApiCreatedResponse({ type: AttachmentDto })
  uploadToCase(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Query() q: UploadQueryDto,
    @Req() req: Request,
  ): Promise<AttachmentDto> {
    return this.upload(p, { type: 'case', caseId }, q, req);
  }

  @Get('cases/:caseId/attachments')
  @Authorize('read', 'Note')
  @ApiOperation({ summary: 'Files on a case', operationId: 'listCaseAttachments' })
  @ApiOkResponse({ type: AttachmentListDto })
  listOfCase(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
  ): Promise<AttachmentListDto> {
    return this.attachments.list(p, { type: 'case', caseId });
  }

  @Get('cases/:caseId/attachments/:attachmentId')
  @Authorize('read', 'Note')
  @ApiOperation({ summary: 'Download a file of a case', operationId: 'downloadCaseAttachment' })
  @ApiProduces(...ALLOWED_TYPES)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(409)
  downloadOfCase(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('attachmentId') attachmentId: string,
    @Res() res: Response,
  ): Promise<void> {
    return this.send(p, { type: 'case', caseId }, attachmentId, res);
  }

  // ---- a consent's signed form (同意書) ---------------------------------------------------

  @Post('cases/:caseId/consents/:consentId/attachments')
  @Authorize('create', 'Consent')
  @ApiOperation({
    summary: 'Attach the signed consent form (unconfirmed until a coordinator confirms it)',
    operationId: 'uploadConsentForm',
  })
  @ApiConsumes('application/octet-stream')
  @ApiErrors(413, 415)
  @ApiBody(BODY)
  @ApiCreatedResponse({ type: AttachmentDto })
  uploadToConsent(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('consentId') consentId: string,
    @Query() q: UploadQueryDto,
    @Req() req: Request,
  ): Promise<AttachmentDto> {
    return this.upload(p, { type: 'consent', caseId, consentId }, q, req);
  }

  @Get('cases/:caseId/consents/:consentId/attachments')
  @Authorize('read', 'Consent')
  @ApiOperation({ summary: 'Files of a consent', operationId: 'listConsentAttachments' })
  @ApiOkResponse({ type: AttachmentListDto })
  listOfConsent(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('consentId') consentId: string,
  ): Promise<AttachmentListDto> {
    return this.attachments.list(p, { type: 'consent', caseId, consentId });
  }

  @Get('cases/:caseId/consents/:consentId/attachments/:attachmentId')
  @Authorize('read', 'Consent')
  @ApiOperation({ summary: 'Download a consent form', operationId: 'downloadConsentAttachment' })
  @ApiProduces(...ALLOWED_TYPES)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(409)
  downloadOfConsent(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('consentId') consentId: string,
    @IdParam('attachmentId') attachmentId: string,
    @Res() res: Response,
  ): Promise<void> {
    return this.send(p, { type: 'consent', caseId, consentId }, attachmentId, res);
  }

  @Post('cases/:caseId/consents/:consentId/attachments/:attachmentId/confirm')
  @HttpCode(200)
  @Authorize('create', 'Consent')
  @ApiOperation({ summary: 'Confirm a signed consent form', operationId: 'confirmConsentForm' })
  @ApiErrors(409)
  @ApiOkResponse({ type: AttachmentDto })
  confirm(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('consentId') consentId: string,
    @IdParam('attachmentId') attachmentId: string,
  ): Promise<AttachmentDto> {
    return this.attachments.confirm(p, { type: 'consent', caseId, consentId }, attachmentId);
  }

  // ---- documents of an information request (情報提供等協力依頼) ------------------------------

  @Post('cases/:caseId/info-requests/:requestId/attachments')
  @Authorize('respond', 'InfoRequest')
  @ApiOperation({
    summary: 'Attach a document to the answer of an information request',
    operationId: 'uploadInfoRequestAttachment',
  })
  @ApiConsumes('application/octet-stream')
  @ApiErrors(413, 415)
  @ApiBody(BODY)
  @ApiCreatedResponse({ type: AttachmentDto })
  uploadToRequest(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('requestId') requestId: string,
    @Query() q: UploadQueryDto,
    @Req() req: Request,
  ): Promise<AttachmentDto> {
    return this.upload(p, { type: 'info_request', caseId, requestId }, q, req);
  }

  @Get('cases/:caseId/info-requests/:requestId/attachments')
  @Authorize('read', 'InfoRequest')
  @ApiOperation({
    summary: 'Documents of an information request',
    operationId: 'listInfoRequestAttachments',
  })
  @ApiOkResponse({ type: AttachmentListDto })
  listOfRequest(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('requestId') requestId: string,
  ): Promise<AttachmentListDto> {
    return this.attachments.list(p, { type: 'info_request', caseId, requestId });
  }

  @Get('cases/:caseId/info-requests/:requestId/attachments/:attachmentId')
  @Authorize('read', 'InfoRequest')
  @ApiOperation({
    summary: 'Download a document of an information request',
    operationId: 'downloadInfoRequestAttachment',
  })
  @ApiProduces(...ALLOWED_TYPES)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(409)
  downloadOfRequest(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('requestId') requestId: string,
    @IdParam('attachmentId') attachmentId: string,
    @Res() res: Response,
  ): Promise<void> {
    return this.send(p, { type: 'info_request', caseId, requestId }, attachmentId, res);
  }

  // ---- files of a meeting ---------------------------------------------------------------

  @Post('meetings/:meetingId/attachments')
  @Authorize('create', 'Meeting')
  @ApiOperation({ summary: 'Attach a file to a meeting', operationId: 'uploadMeetingAttachment' })
  @ApiConsumes('application/octet-stream')
  @ApiErrors(413, 415)
  @ApiBody(BODY)
  @ApiCreatedResponse({ type: AttachmentDto })
  uploadToMeeting(
    @Principal() p: CouncilPrincipal,
    @IdParam('meetingId') meetingId: string,
    @Query() q: UploadQueryDto,
    @Req() req: Request,
  ): Promise<AttachmentDto> {
    return this.upload(p, { type: 'meeting', meetingId }, q, req);
  }

  @Get('meetings/:meetingId/attachments')
  @Authorize('read', 'Meeting')
  @ApiOperation({ summary: 'Files of a meeting', operationId: 'listMeetingAttachments' })
  @ApiOkResponse({ type: AttachmentListDto })
  listOfMeeting(
    @Principal() p: CouncilPrincipal,
    @IdParam('meetingId') meetingId: string,
  ): Promise<AttachmentListDto> {
    return this.attachments.list(p, { type: 'meeting', meetingId });
  }

  @Get('meetings/:meetingId/attachments/:attachmentId')
  @Authorize('read', 'Meeting')
  @ApiOperation({
    summary: 'Download a file of a meeting',
    operationId: 'downloadMeetingAttachment',
  })
  @ApiProduces(...ALLOWED_TYPES)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  downloadOfMeeting(
    @Principal() p: CouncilPrincipal,
    @IdParam('meetingId') meetingId: string,
    @IdParam('attachmentId') attachmentId: string,
    @Res() res: Response,
  ): Promise<void> {
    return this.send(p, { type: 'meeting', meetingId }, attachmentId, res);
  }
}

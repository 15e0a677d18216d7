import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { AccessRequest, AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { conflict, DomainError, notFound } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { CaseCipher, KeyOwner } from '../crypto/case-cipher';
import { AttachmentDto, AttachmentListDto } from './attachments.dto';
import { AttachmentRow, AttachmentsRepository } from './attachments.repository';
import { attachmentContentField, FILE_STORAGE, FileStorage } from './file-storage';
import { ALLOWED_TYPES, AllowedType, sniff, SNIFF_BYTES } from './sniff';

/** What a file hangs on, as the route names it. */
export type Parent =
  | { type: 'case'; caseId: string }
  | { type: 'consent'; caseId: string; consentId: string }
  | { type: 'info_request'; caseId: string; requestId: string }
  | { type: 'meeting'; meetingId: string };

const parentId = (p: Parent): string =>
  p.type === 'case'
    ? p.caseId
    : p.type === 'consent'
      ? p.consentId
      : p.type === 'info_request'
        ? p.requestId
        : p.meetingId;

/**
 * What the access layer checks for a parent, to read its files or add one. A file is visible
 * exactly when its parent is (DESIGN.md §3.9): files on a case are case records like notes (the
 * note policy, 要配慮 files only to full scope); a consent's form follows the consent policy
 * (coordinators); a request's documents the request policy (its coordinator and the addressed
 * body, while covered on the case); a meeting's files the meeting policy (coordinators, and
 * attendees while covered on its cases).
 */
function declare(parent: Parent, write: boolean): AccessRequest {
  switch (parent.type) {
    case 'case':
      return { action: write ? 'create' : 'read', subject: 'Note', caseId: parent.caseId };
    case 'consent':
      // Recording the signed form and confirming it is part of recording consent.
      return { action: write ? 'create' : 'read', subject: 'Consent', caseId: parent.caseId };
    case 'info_request':
      return {
        action: write ? 'respond' : 'read',
        subject: 'InfoRequest',
        id: parent.requestId,
        caseId: parent.caseId,
      };
    case 'meeting':
      return { action: write ? 'create' : 'read', subject: 'Meeting', id: parent.meetingId };
  }
}

/**
 * Whose data key seals a file (issue 19, docs/security.md): a file about a case (on the case, a
 * consent or a request) under the case's key, so disposing of the case shreds it; a meeting's
 * file under the meeting's key, as its minutes are — it may be about several cases, and is a
 * record of the meeting with its own retention class.
 */
const keyOwner = (parent: Parent): KeyOwner =>
  parent.type === 'meeting'
    ? { type: 'meeting', id: parent.meetingId }
    : { type: 'case', id: parent.caseId };

const filesDestroyed = () =>
  new DomainError(
    409,
    ErrorCode.CaseDisposed,
    'The file was destroyed by disposal (the case’s or its files’ retention period)',
  );

export const toAttachmentDto = (a: AttachmentRow): AttachmentDto => ({
  id: a.id,
  fileName: a.fileName,
  contentType: a.contentType,
  sizeBytes: Number(a.sizeBytes),
  sha256: a.sha256,
  sensitive: a.sensitive,
  uploadedAt: a.uploadedAt.toISOString(),
  confirmedAt: a.confirmedAt ? a.confirmedAt.toISOString() : null,
});

const tooLarge = (max: number) =>
  new DomainError(413, ErrorCode.AttachmentTooLarge, `The file is larger than ${max} bytes`, {
    details: [{ field: 'body', message: `at most ${max} bytes` }],
  });
const typeRefused = () =>
  new DomainError(415, ErrorCode.FileTypeNotAllowed, 'This type of file is not accepted', {
    details: [{ field: 'body', message: `one of ${ALLOWED_TYPES.join(', ')} (by content)` }],
  });
const emptyFile = () =>
  new DomainError(400, ErrorCode.ValidationFailed, 'The file is empty', {
    details: [{ field: 'body', message: 'must not be empty' }],
  });

/**
 * Counts, hashes and sniffs the bytes as they pass: the type is decided from the first bytes
 * (never from the client's Content-Type or file name), and the upload stops at the limit.
 */
class Inspect extends Transform {
  head = Buffer.alloc(0);
  type: AllowedType | null = null;
  size = 0;
  readonly hash = createHash('sha256');

  constructor(private readonly max: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.max) return done(tooLarge(this.max));
    this.hash.update(chunk);
    if (this.type) return done(null, chunk);
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < SNIFF_BYTES) return done();
    this.type = sniff(this.head);
    if (!this.type) return done(typeRefused());
    const head = this.head;
    this.head = Buffer.alloc(0);
    done(null, head);
  }

  override _flush(done: TransformCallback): void {
    if (this.size === 0) return done(emptyFile());
    if (!this.type) {
      this.type = sniff(this.head);
      if (!this.type) return done(typeRefused());
      this.push(this.head);
    }
    done();
  }
}

/**
 * Attachments (issue 18 item 3): upload (streamed to the file storage while the parent's policy
 * has already been checked), list, download (audited per file, with its case: §3.10) and the
 * coordinator's confirmation of a signed consent form.
 */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: AttachmentsRepository,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly cipher: CaseCipher,
  ) {}

  /** The parent's own row check where the access layer cannot make it (the consent's case). */
  private async parentOf(s: CouncilScope, parent: Parent, loadedCaseId: string | null) {
    if (
      parent.type === 'consent' &&
      !(await this.repo.consentOfCase(s, parent.caseId, parent.consentId))
    )
      throw notFound('Consent');
    if (parent.type === 'info_request' && loadedCaseId !== parent.caseId)
      throw notFound('Information request');
  }

  async upload(
    p: CouncilPrincipal,
    parent: Parent,
    meta: { fileName: string; sensitive: boolean },
    body: Readable,
    declaredLength: number | null,
  ): Promise<AttachmentDto> {
    const max = this.config.files.maxBytes;
    const id = randomUUID();
    const storageKey = `${p.councilId}/${id}`;
    let stored = false;
    try {
      return await this.access.use(
        p,
        { ...declare(parent, true), event: 'attachment.create' },
        async (s, loaded) => {
          await this.parentOf(
            s,
            parent,
            (loaded.row as { caseId?: string } | null)?.caseId ?? null,
          );
          if (declaredLength !== null && declaredLength > max) throw tooLarge(max);
          // The bytes reach the storage only sealed under the parent's data key (issue 19).
          const key = (await this.cipher.dataKey(s, keyOwner(parent), true))!;
          const inspect = new Inspect(max);
          const seal = key.sealStream(attachmentContentField(id));
          const failed = new Promise<never>((_, fail) => inspect.once('error', fail));
          // A refused upload (413, 415) ends the sealed stream too, so the storage lets go.
          inspect.once('error', (error) => seal.destroy(error));
          // That error is answered through `failed`; the storage may not be listening yet.
          seal.on('error', () => undefined);
          body.pipe(inspect).pipe(seal);
          stored = true;
          await Promise.race([this.storage.write(storageKey, seal), failed]);
          const caseId = parent.type === 'meeting' ? null : parent.caseId;
          const row = await this.repo.insert(s, {
            id,
            parentType: parent.type,
            parentId: parentId(parent),
            caseId,
            sensitive: parent.type === 'case' && meta.sensitive,
            fileName: meta.fileName,
            contentType: inspect.type!,
            sizeBytes: inspect.size,
            sha256: inspect.hash.digest(),
            storageKey,
            uploadedBy: p.userId,
            memberBodyId: p.staff?.memberBodyId ?? null,
          });
          return {
            result: toAttachmentDto(row),
            resourceType: 'attachment',
            resourceId: id,
            caseId,
            reason: `parent=${parent.type} type=${row.contentType} size=${row.sizeBytes}`,
          };
        },
      );
    } catch (error) {
      // Whatever was refused or rolled back leaves no bytes behind; the rest of the request
      // body is read and dropped so the answer (413, 415…) reaches the client.
      body.unpipe();
      body.resume();
      if (stored) await this.storage.remove(storageKey).catch(() => undefined);
      throw error;
    }
  }

  list(p: CouncilPrincipal, parent: Parent): Promise<AttachmentListDto> {
    return this.access.use(
      p,
      { ...declare(parent, false), event: 'attachment.list' },
      async (s, loaded) => {
        await this.parentOf(s, parent, (loaded.row as { caseId?: string } | null)?.caseId ?? null);
        const rows = await this.repo.list(s, parent.type, parentId(parent));
        return {
          result: { items: rows.map(toAttachmentDto), nextCursor: null },
          resourceType: 'attachment',
          resourceIds: rows.map((r) => r.id),
          caseId: parent.type === 'meeting' ? null : parent.caseId,
        };
      },
    );
  }

  /**
   * The file's record, with the download audited in the same transaction (fail closed: no event,
   * no bytes). The bytes are streamed after the transaction has committed, opened with the data
   * key unwrapped in it — only after the access path allowed the read (DESIGN.md §3.9).
   */
  async download(
    p: CouncilPrincipal,
    parent: Parent,
    attachmentId: string,
  ): Promise<{ attachment: AttachmentDto; body: Readable }> {
    const row = await this.access.use(
      p,
      { ...declare(parent, false), event: 'attachment.download', resourceId: attachmentId },
      async (s, loaded) => {
        await this.parentOf(s, parent, (loaded.row as { caseId?: string } | null)?.caseId ?? null);
        const found = await this.repo.find(s, parent.type, parentId(parent), attachmentId);
        if (!found) throw notFound('Attachment');
        if (found.contentDestroyedAt) throw filesDestroyed();
        const key = found.contentSealed ? await this.cipher.dataKey(s, keyOwner(parent)) : null;
        if (found.contentSealed && !key) throw filesDestroyed();
        return {
          result: { found, key },
          resourceType: 'attachment',
          resourceId: found.id,
          caseId: found.caseId,
          reason: `parent=${parent.type}`,
        };
      },
    );
    const stored = await this.storage.read(row.found.storageKey);
    // Files stored before envelope encryption are served as they are, until data:seal seals them.
    if (!row.key) return { attachment: toAttachmentDto(row.found), body: stored };
    const open = row.key.openStream(attachmentContentField(row.found.id));
    stored.once('error', (error) => open.destroy(error));
    return { attachment: toAttachmentDto(row.found), body: stored.pipe(open) };
  }

  /** A coordinator confirms a consent's signed form (HMIS: upload, then confirm). */
  confirm(
    p: CouncilPrincipal,
    parent: Extract<Parent, { type: 'consent' }>,
    attachmentId: string,
  ): Promise<AttachmentDto> {
    return this.access.use(
      p,
      { ...declare(parent, true), event: 'consent.form_confirm', lock: true },
      async (s) => {
        await this.parentOf(s, parent, null);
        const found = await this.repo.find(s, 'consent', parent.consentId, attachmentId, true);
        if (!found) throw notFound('Attachment');
        if (found.confirmedAt)
          throw conflict(ErrorCode.AlreadyConfirmed, 'This form is confirmed already');
        await this.repo.confirm(s, found.id, p.userId);
        const row = (await this.repo.find(s, 'consent', parent.consentId, attachmentId))!;
        return {
          result: toAttachmentDto(row),
          resourceType: 'attachment',
          resourceId: row.id,
          reason: `consent=${parent.consentId}`,
        };
      },
    );
  }
}

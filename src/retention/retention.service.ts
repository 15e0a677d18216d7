import { Inject, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { CaseRecordRow } from '../access/subject-registry';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { CaseCipher } from '../crypto/case-cipher';
import { FILE_STORAGE, FileStorage } from '../attachments/file-storage';
import {
  AttachmentsDisposalCertificateView,
  DisposalCertificateView,
  DisposalOutcomeView,
  DisposalRunView,
  LegalHoldView,
  PlaceHoldDto,
  ReleaseHoldDto,
  RetentionSchedulesView,
  UpdateRetentionDto,
} from './retention.dto';
import {
  LegalHoldRow,
  RECORD_CLASSES,
  RecordClass,
  RetentionRepository,
} from './retention.repository';

const holdView = (h: LegalHoldRow): LegalHoldView => ({
  id: h.id,
  caseId: h.caseId,
  reason: h.reason,
  until: h.until,
  placedBy: h.placedBy,
  placedAt: h.placedAt.toISOString(),
  releasedBy: h.releasedBy,
  releasedAt: h.releasedAt?.toISOString() ?? null,
  releaseReason: h.releaseReason,
  inForce: h.inForce,
});

/** The classes whose content's access the audit events record: kept no longer than the events. */
const CONTENT_CLASSES: readonly RecordClass[] = ['closed_cases', 'minutes', 'attachments'];

const disposed = () =>
  new DomainError(409, ErrorCode.CaseDisposed, 'The case has already been disposed of');

/**
 * Retention (issue 19): how long each record class is kept (per council, within the
 * installation's limits), legal holds on a case, and disposal — never silent, always by an
 * explicit request whose audit event is the disposal certificate (what, when, by whom, under
 * which rule). Everything goes through the access primitive on the case as a record
 * (`CaseRecord`: its skeleton, no content), so auditors may hold a case they may not read.
 */
@Injectable()
export class RetentionService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: RetentionRepository,
    private readonly cipher: CaseCipher,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
  ) {}

  schedules(p: CouncilPrincipal): Promise<RetentionSchedulesView> {
    return this.access.use(
      p,
      { action: 'read', subject: 'RetentionSchedule', event: 'retention.read' },
      async (s) => {
        const chosen = await this.chosen(s);
        return {
          result: {
            items: RECORD_CLASSES.map((recordClass) => ({
              recordClass,
              years: this.years(chosen, recordClass),
              isDefault: !chosen.has(recordClass),
              minYears: this.minYears(recordClass),
              maxYears: this.config.retention.maxYears,
            })),
          },
          resourceType: 'retention_schedule',
        };
      },
    );
  }

  /**
   * Audit events are never disposed of through the API (Art. 18; docs/security.md "Retention"):
   * their period is a floor — at least `AUDIT_RETENTION_YEARS`, and never shorter than any
   * content class's period, so the record of who had access outlives what was accessed.
   */
  private minYears(recordClass: RecordClass): number {
    const { minYears } = this.config.retention;
    return recordClass === 'audit_events'
      ? Math.max(minYears, this.config.audit.retentionYears)
      : minYears;
  }

  private years(chosen: Map<RecordClass, number>, recordClass: RecordClass): number {
    const fallback =
      recordClass === 'audit_events'
        ? Math.max(this.config.retention.defaultYears, this.config.audit.retentionYears)
        : this.config.retention.defaultYears;
    return chosen.get(recordClass) ?? fallback;
  }

  private async chosen(s: CouncilScope): Promise<Map<RecordClass, number>> {
    return new Map((await this.repo.schedules(s)).map((r) => [r.recordClass, r.years]));
  }

  setSchedule(
    p: CouncilPrincipal,
    recordClass: RecordClass,
    dto: UpdateRetentionDto,
  ): Promise<RetentionSchedulesView> {
    const { maxYears } = this.config.retention;
    const minYears = this.minYears(recordClass);
    if (dto.years < minYears || dto.years > maxYears)
      throw new DomainError(
        400,
        ErrorCode.RetentionOutOfLimits,
        `years must lie between ${minYears} and ${maxYears}`,
        { details: [{ field: 'years', messages: [`between ${minYears} and ${maxYears}`] }] },
      );
    return this.access
      .use(
        p,
        { action: 'update', subject: 'RetentionSchedule', event: 'retention.update' },
        async (s) => {
          const next = await this.chosen(s);
          next.set(recordClass, dto.years);
          const audit = this.years(next, 'audit_events');
          const longer = CONTENT_CLASSES.filter((c) => this.years(next, c) > audit);
          if (longer.length)
            throw new DomainError(
              422,
              ErrorCode.AuditRetentionTooShort,
              `Audit events must be kept at least as long as ${longer.join(', ')} (Art. 18: who had access outlives the content)`,
              {
                details: [
                  {
                    field: 'years',
                    auditEventsYears: audit,
                    longerClasses: longer.map((c) => ({
                      recordClass: c,
                      years: this.years(next, c),
                    })),
                  },
                ],
              },
            );
          await this.repo.setSchedule(s, recordClass, dto.years, p.userId);
          return {
            result: null,
            resourceType: 'retention_schedule',
            resourceId: null,
            reason: `class=${recordClass} years=${dto.years}`,
          };
        },
      )
      .then(() => this.schedules(p));
  }

  holds(p: CouncilPrincipal, caseId: string): Promise<{ items: LegalHoldView[] }> {
    return this.access.use<{ items: LegalHoldView[] }, CaseRecordRow>(
      p,
      { action: 'read', subject: 'CaseRecord', id: caseId, event: 'legal_hold.list' },
      async (s) => ({
        result: { items: (await this.repo.holds(s, caseId)).map(holdView) },
        resourceType: 'case',
      }),
    );
  }

  placeHold(p: CouncilPrincipal, caseId: string, dto: PlaceHoldDto): Promise<LegalHoldView> {
    return this.access.use<LegalHoldView, CaseRecordRow>(
      p,
      { action: 'hold', subject: 'CaseRecord', id: caseId, lock: true, event: 'legal_hold.place' },
      async (s, l) => {
        if (l.row!.disposedAt) throw disposed();
        const hold = await this.repo.placeHold(
          s,
          caseId,
          { reason: dto.reason, until: dto.until ?? null },
          p.userId,
        );
        if (!hold.inForce)
          throw new DomainError(400, ErrorCode.ValidationFailed, 'until must not be in the past', {
            details: [{ field: 'until', messages: ['must not be in the past'] }],
          });
        return {
          result: holdView(hold),
          resourceType: 'legal_hold',
          resourceId: hold.id,
          caseId,
          reason: hold.until ? `until=${hold.until}` : null,
        };
      },
    );
  }

  releaseHold(
    p: CouncilPrincipal,
    caseId: string,
    holdId: string,
    dto: ReleaseHoldDto,
  ): Promise<LegalHoldView> {
    return this.access.use<LegalHoldView, CaseRecordRow>(
      p,
      {
        action: 'hold',
        subject: 'CaseRecord',
        id: caseId,
        lock: true,
        event: 'legal_hold.release',
      },
      async (s) => {
        const hold = await this.repo.releaseHold(s, caseId, holdId, dto.reason, p.userId);
        if (!hold) {
          const known = (await this.repo.holds(s, caseId)).some((h) => h.id === holdId);
          if (!known) throw new DomainError(404, ErrorCode.NotFound, 'Legal hold not found');
          throw new DomainError(409, ErrorCode.Conflict, 'This hold has already been released');
        }
        return {
          result: holdView(hold),
          resourceType: 'legal_hold',
          resourceId: hold.id,
          caseId,
        };
      },
    );
  }

  /**
   * Disposes of one case whose retention period is over and that no hold keeps (issue 19 item
   * 3): its data key is destroyed (crypto-shredding) and its personal fields blanked in one
   * transaction, whose audit event — written last, in the same transaction — is the certificate.
   * Its files leave the storage once that transaction has committed.
   */
  async dispose(p: CouncilPrincipal, caseId: string): Promise<DisposalCertificateView> {
    let files: string[] = [];
    const certificate = await this.access.use<DisposalCertificateView, CaseRecordRow>(
      p,
      { action: 'dispose', subject: 'CaseRecord', id: caseId, lock: true, event: 'case.dispose' },
      async (s, l) => {
        const row = l.row!;
        if (row.disposedAt) throw disposed();
        const facts = await this.repo.disposalFacts(s, caseId, this.config.retention.defaultYears);
        if (!facts.closedOn || !facts.endsOn || !facts.due)
          throw new DomainError(
            422,
            ErrorCode.RetentionNotReached,
            facts.closedOn
              ? `The retention period runs until ${facts.endsOn} (exclusive)`
              : 'Only a closed case can be disposed of',
            { details: [{ closedOn: facts.closedOn, disposableFrom: facts.endsOn }] },
          );
        if (facts.holds.length)
          throw new DomainError(409, ErrorCode.LegalHold, 'A legal hold keeps this case', {
            details: [{ holdIds: facts.holds }],
          });
        const rule = `closed_cases:${facts.years}`;
        const keyDestroyed = await this.cipher.destroy(s, { type: 'case', id: caseId });
        files = await this.repo.blankCase(s, caseId, p.userId, rule);
        const certificate: DisposalCertificateView = {
          caseId,
          caseNumber: row.caseNumber,
          closedOn: facts.closedOn,
          rule,
          retentionEndedOn: facts.endsOn,
          disposedAt: new Date().toISOString(),
          disposedBy: p.userId,
          keyDestroyed,
        };
        return {
          result: certificate,
          resourceType: 'case',
          resourceId: caseId,
          caseId,
          // The certificate (ids and dates only, DESIGN.md §3.5): the event's time and actor are
          // the when and by whom.
          reason: `rule=${rule} closed=${facts.closedOn} disposable_from=${facts.endsOn} key_destroyed=${keyDestroyed}`,
        };
      },
    );
    // Sealed files are unreadable already (their key is gone); a file that failed to go here is
    // removed by the next `data:seal` (it sweeps the files of disposed cases).
    for (const key of files) await this.storage.remove(key).catch(() => undefined);
    return certificate;
  }

  /**
   * Disposes of a closed case's files once the `attachments` period (counted, like the case's,
   * from its closure) is over and no hold keeps the case (issue 19 item 2): the files are marked
   * destroyed and lose their names in one transaction whose audit event
   * (`case.attachments_dispose`) is the certificate; their bytes leave the storage once it has
   * committed. The case itself and its other content stay until its own disposal.
   */
  async disposeAttachments(
    p: CouncilPrincipal,
    caseId: string,
  ): Promise<AttachmentsDisposalCertificateView> {
    let files: string[] = [];
    const certificate = await this.access.use<AttachmentsDisposalCertificateView, CaseRecordRow>(
      p,
      {
        action: 'dispose',
        subject: 'CaseRecord',
        id: caseId,
        lock: true,
        event: 'case.attachments_dispose',
      },
      async (s, l) => {
        const row = l.row!;
        if (row.disposedAt) throw disposed();
        const facts = await this.repo.disposalFacts(
          s,
          caseId,
          this.config.retention.defaultYears,
          'attachments',
        );
        if (!facts.closedOn || !facts.endsOn || !facts.due)
          throw new DomainError(
            422,
            ErrorCode.RetentionNotReached,
            facts.closedOn
              ? `The attachments' retention period runs until ${facts.endsOn} (exclusive)`
              : 'Only the files of a closed case can be disposed of',
            { details: [{ closedOn: facts.closedOn, disposableFrom: facts.endsOn }] },
          );
        if (facts.holds.length)
          throw new DomainError(409, ErrorCode.LegalHold, 'A legal hold keeps this case', {
            details: [{ holdIds: facts.holds }],
          });
        const rule = `attachments:${facts.years}`;
        files = await this.repo.destroyCaseFiles(s, caseId);
        const certificate: AttachmentsDisposalCertificateView = {
          caseId,
          caseNumber: row.caseNumber,
          closedOn: facts.closedOn,
          rule,
          retentionEndedOn: facts.endsOn,
          disposedAt: new Date().toISOString(),
          disposedBy: p.userId,
          filesDestroyed: files.length,
        };
        return {
          result: certificate,
          resourceType: 'case',
          resourceId: caseId,
          caseId,
          reason: `rule=${rule} closed=${facts.closedOn} disposable_from=${facts.endsOn} files=${files.length}`,
        };
      },
    );
    for (const key of files) await this.storage.remove(key).catch(() => undefined);
    return certificate;
  }

  /** An explicit disposal run over listed cases: each disposed of (or refused) on its own. */
  async run(p: CouncilPrincipal, caseIds: string[]): Promise<DisposalRunView> {
    const items: DisposalOutcomeView[] = [];
    for (const caseId of caseIds) {
      try {
        items.push({ caseId, outcome: 'disposed', certificate: await this.dispose(p, caseId) });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const outcome = (
          {
            [ErrorCode.NotFound]: 'not_found',
            [ErrorCode.LegalHold]: 'held',
            [ErrorCode.RetentionNotReached]: 'not_due',
            [ErrorCode.CaseDisposed]: 'already_disposed',
          } as Record<string, DisposalOutcomeView['outcome']>
        )[String(error.code)];
        if (!outcome) throw error;
        items.push({ caseId, outcome });
      }
    }
    return { items };
  }
}

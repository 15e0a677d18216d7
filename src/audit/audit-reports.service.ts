import { Inject, Injectable } from '@nestjs/common';
import { createPublicKey, sign, KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { EntityManager } from 'typeorm';
import { actorOf, CouncilPrincipal } from '../access/council-principal';
import { DomainError, conflict, validationFailed } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { encodeCursor } from '../common/http/pagination';
import { APP_CONFIG, RuntimeConfig, signingKeyFrom } from '../config/app-config';
import { CouncilTransactions } from '../database/council-transactions';
import {
  checkpointPayload,
  CheckpointView,
  checkpointView,
  verifyCouncil,
  verifyForSigning,
  VerificationReport,
  WitnessInput,
} from './verify-council';
import { appendToWitnessDir, postToWitnessUrl, readWitness } from './audit-witness';

export { checkpointSignatureValid, type CheckpointView } from './verify-council';
import { AuditQueryRepository, EventFilter, EventRow } from './audit-query.repository';
import { AuditService } from './audit.service';
import { csvHeader, csvRows } from './audit-csv';

export const eventView = (e: EventRow) => ({
  seq: Number(e.seq),
  at: e.at.toISOString(),
  actorUserId: e.actorUserId,
  actorRole: e.actorRole,
  memberBodyId: e.memberBodyId,
  action: e.action,
  resourceType: e.resourceType,
  resourceId: e.resourceId,
  resourceIds: e.resourceIds,
  caseId: e.caseId,
  outcome: e.outcome,
  reason: e.reason,
  ruleId: e.ruleId,
  basis: e.basis,
  requestId: e.requestId,
  atExact: e.atExact,
  prevHash: e.prevHash.toString('hex'),
  hash: e.hash.toString('hex'),
});
export type EventView = ReturnType<typeof eventView>;

/**
 * What auditors work with: event search, chain verification, signed checkpoints, access reports,
 * timelines, exports and anomalies. Reading the log is itself an access and is audited.
 */
@Injectable()
export class AuditReportsService {
  private readonly privateKey: KeyObject;
  readonly publicKeyPem: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly tx: CouncilTransactions,
    private readonly repo: AuditQueryRepository,
    private readonly audit: AuditService,
  ) {
    this.privateKey = signingKeyFrom(config.audit.signingKey);
    this.publicKeyPem = createPublicKey(this.privateKey)
      .export({ type: 'spki', format: 'pem' })
      .toString();
  }

  events(
    p: CouncilPrincipal,
    f: EventFilter,
    cursor: string | undefined,
    limit: number,
    action = 'audit.search',
  ) {
    const after = cursor ? this.decodeSeqCursor(cursor) : null;
    assertOrdered(f.from, f.to);
    return this.tx.run(p.councilId, async (em) => {
      const range = await this.repo.dayRange(em, f.from ?? null, f.to ?? null);
      const rows = await this.repo.events(
        em,
        p.councilId,
        { ...f, from: range.from ?? undefined, to: range.to ?? undefined },
        after,
        limit + 1,
      );
      const items = rows.slice(0, limit).map(eventView);
      await this.readAudited(em, p, action, f.caseId ?? null, f.actorUserId ?? null);
      return {
        items,
        nextCursor:
          rows.length > limit
            ? encodeCursor({
                key: String(items[items.length - 1].seq),
                id: '00000000-0000-0000-0000-000000000000',
              })
            : null,
      };
    });
  }

  /**
   * Recomputes the chain (streaming) and checks every stored checkpoint, and every checkpoint of
   * this server's witness directory, against it. `valid` holds only if all of them do (§3.13).
   */
  async verify(p: CouncilPrincipal | null, councilId: string): Promise<VerificationReport> {
    const witness = this.serverWitness(councilId);
    return this.tx.snapshot(councilId, async (em) => {
      const report = await verifyCouncil(
        (sql, params) => em.query(sql, params),
        councilId,
        this.trustedKeys(),
        witness,
      );
      if (p) await this.readAudited(em, p, 'audit.verify', null, null, `valid=${report.valid}`);
      return report;
    });
  }

  /**
   * Signs {councilId, seq, hash, at} of a chain head the server has just verified (DESIGN.md
   * §3.13): in one snapshot, every trusted checkpoint (stored, or kept by the witness) must still
   * match the chain, every stored one must be trusted, and the events since the latest must
   * chain from it to the head — then that head is signed. Otherwise 409 CHAIN_BROKEN, recorded
   * as a refused `audit.checkpoint`, and nothing is signed. The checkpoint goes to the witness
   * (directory, and URL if configured) before it is stored; if a witness cannot take it, 503
   * WITNESS_UNAVAILABLE and nothing is stored. Idempotent per seq.
   */
  async checkpoint(p: CouncilPrincipal | null, councilId: string): Promise<CheckpointView | null> {
    const witness = this.serverWitness(councilId);
    const check = await this.tx.snapshot(councilId, (em) =>
      verifyForSigning(
        (sql, params) => em.query(sql, params),
        councilId,
        this.trustedKeys(),
        witness,
      ),
    );
    if (!check.valid) {
      const r = check.report;
      await this.audit.recordAlone({
        councilId,
        actor: p ? actorOf(p) : { userId: null, role: 'system', memberBodyId: null },
        action: 'audit.checkpoint',
        outcome: 'denied',
        resourceType: 'audit_event',
        reason: `chain_broken seq=${r.firstBrokenSeq ?? 'none'} failed=${r.failed.join('+')}`,
        requestId: p?.requestId ?? null,
      });
      throw conflict(
        ErrorCode.ChainBroken,
        'The audit chain does not verify; no checkpoint was signed',
      );
    }
    const head = check.head;
    if (!head || head.seq === '0') return null;
    return this.tx.run(councilId, async (em) => {
      let stored = (await this.repo.checkpoints(em, councilId)).find((c) => c.seq === head.seq);
      if (!stored) {
        const at = new Date();
        const payload = {
          councilId,
          seq: Number(head.seq),
          hash: head.hash.toString('hex'),
          at: at.toISOString(),
        };
        const signature = sign(null, Buffer.from(checkpointPayload(payload)), this.privateKey);
        await this.witness({
          ...payload,
          signature: signature.toString('base64'),
          publicKey: this.publicKeyPem,
        });
        await this.repo.insertCheckpoint(
          em,
          councilId,
          { seq: head.seq, hash: head.hash, at, signature, publicKey: this.publicKeyPem },
          p?.userId ?? null,
        );
        stored = (await this.repo.checkpoints(em, councilId)).find((c) => c.seq === head.seq)!;
      }
      if (p) await this.readAudited(em, p, 'audit.checkpoint', null, null, `seq=${head.seq}`);
      return checkpointView(councilId, stored);
    });
  }

  /** The checkpoints this server's witness directory holds for the council (none yet: empty). */
  private serverWitness(councilId: string): WitnessInput {
    const dir = this.config.audit.witnessDir;
    const witness = existsSync(dir)
      ? readWitness(dir, councilId)
      : { source: dir, checkpoints: [], malformedLines: [] };
    // Clients are told which witness, not where it is on the server's disk.
    return { ...witness, source: 'AUDIT_WITNESS_DIR' };
  }

  /** Hands a signed checkpoint to every configured witness, or refuses to go on (503). */
  private async witness(view: CheckpointView): Promise<void> {
    try {
      await appendToWitnessDir(this.config.audit.witnessDir, view);
      if (this.config.audit.witnessUrl) await postToWitnessUrl(this.config.audit.witnessUrl, view);
    } catch {
      throw new DomainError(
        503,
        ErrorCode.WitnessUnavailable,
        'The checkpoint witness could not record the checkpoint; nothing was signed',
      );
    }
  }

  checkpoints(p: CouncilPrincipal) {
    return this.tx.run(p.councilId, async (em) => {
      const items = (await this.repo.checkpoints(em, p.councilId)).map((c) =>
        checkpointView(p.councilId, c),
      );
      await this.readAudited(em, p, 'audit.checkpoints', null, null);
      return { items, nextCursor: null, publicKey: this.publicKeyPem };
    });
  }

  /**
   * Who accessed a case, when, in what role and body, and on what basis. Lists that returned the
   * case count as accesses too. Identifiers only: the report holds no case content.
   */
  accessReport(p: CouncilPrincipal, caseId: string) {
    return this.tx.run(p.councilId, async (em) => {
      const rows = await this.repo.events(em, p.councilId, { caseId }, null, 10_000);
      await this.readAudited(em, p, 'audit.access_report', caseId, null);
      return {
        caseId,
        items: rows.map((e) => ({
          seq: Number(e.seq),
          at: e.at.toISOString(),
          actorUserId: e.actorUserId,
          actorRole: e.actorRole,
          memberBodyId: e.memberBodyId,
          action: e.action,
          outcome: e.outcome,
          basis: e.basis ?? (e.actorRole === 'coordinator' ? 'coordinator' : null),
          ruleId: e.ruleId,
          reason: e.reason,
        })),
      };
    });
  }

  /** Everything one person did in the council, in order. */
  timeline(p: CouncilPrincipal, userId: string, cursor: string | undefined, limit: number) {
    return this.events(p, { actorUserId: userId }, cursor, limit, 'audit.timeline');
  }

  /** The export is recorded (and committed) before a single line leaves: no unrecorded export. */
  async recordExport(p: CouncilPrincipal, format: string): Promise<void> {
    await this.tx.run(p.councilId, (em) =>
      this.readAudited(em, p, 'audit.export', null, null, `format=${format}`),
    );
  }

  /** Streams the council's events in batches from one snapshot (JSONL: after a header with the checkpoints). */
  async exportTo(
    councilId: string,
    write: (chunk: string) => Promise<void>,
    format: 'jsonl' | 'csv',
  ): Promise<void> {
    await this.tx.snapshot(councilId, async (em) => {
      if (format === 'jsonl') {
        const checkpoints = (await this.repo.checkpoints(em, councilId)).map((c) =>
          checkpointView(councilId, c),
        );
        await write(
          `${JSON.stringify({ type: 'header', councilId, publicKey: this.publicKeyPem, checkpoints, encoding: 'docs/audit.md' })}\n`,
        );
      } else {
        await write(csvHeader());
      }
      let after: string | null = null;
      for (;;) {
        const rows = await this.repo.events(em, councilId, {}, after, 2_000);
        if (rows.length === 0) break;
        await write(
          format === 'jsonl'
            ? `${rows.map((r) => JSON.stringify({ type: 'event', ...eventView(r) })).join('\n')}\n`
            : csvRows(rows.map(eventView)),
        );
        after = rows[rows.length - 1].seq;
      }
      // The CSV is rows and nothing else (issue 16: a trailer broke standard parsers): its
      // checkpoints are in the JSONL header and at GET …/audit/checkpoints.
    });
  }

  /** Findings over whole days, both ends included (`from`, `to`: YYYY-MM-DD). */
  async anomalies(p: CouncilPrincipal, fromDay: string, toDay: string) {
    assertOrdered(fromDay, toDay);
    const a = this.config.audit.anomaly;
    const [start, end] = a.officeHours.split('-');
    return this.tx.run(p.councilId, async (em) => {
      const range = await this.repo.dayRange(em, fromDay, toDay);
      const [from, to] = [range.from!, range.to!];
      const seqs = (xs: string[]) => xs.map(Number);
      const findings = [
        ...(
          await this.repo.deniedBursts(
            em,
            p.councilId,
            from,
            to,
            a.deniedBurst,
            a.deniedWindowMinutes,
          )
        ).map((r) => ({
          kind: 'denied_burst',
          actorUserId: r.actorUserId,
          count: r.count,
          firstAt: r.firstAt.toISOString(),
          lastAt: r.lastAt.toISOString(),
          eventSeqs: seqs(r.seqs),
        })),
        ...(await this.repo.heavyReaders(em, p.councilId, from, to, a.readFactor, a.readMin)).map(
          (r) => ({
            kind: 'unusual_read_volume',
            actorUserId: r.actorUserId,
            count: r.count,
            day: r.day,
            usualPerDay: Math.round(r.usualPerDay * 10) / 10,
            firstAt: r.firstAt.toISOString(),
            lastAt: r.lastAt.toISOString(),
            eventSeqs: seqs(r.seqs),
          }),
        ),
        ...(await this.repo.outsideHours(em, p.councilId, from, to, start, end)).map((r) => ({
          kind: 'outside_office_hours',
          actorUserId: r.actorUserId,
          count: r.count,
          firstAt: r.firstAt.toISOString(),
          lastAt: r.lastAt.toISOString(),
          eventSeqs: seqs(r.seqs),
        })),
        ...(await this.repo.afterMembershipEnded(em, p.councilId, from, to)).map((r) => ({
          kind: 'access_after_membership_ended',
          actorUserId: r.actorUserId,
          count: r.count,
          firstAt: r.firstAt.toISOString(),
          lastAt: r.lastAt.toISOString(),
          eventSeqs: seqs(r.seqs),
        })),
        ...(
          await this.repo.byAction(
            em,
            p.councilId,
            from,
            to,
            'assignment.create',
            'statutory_disclosure',
          )
        ).map((r) => ({
          kind: 'statutory_disclosure',
          actorUserId: r.actorUserId,
          count: 1,
          caseId: r.caseId,
          firstAt: r.at.toISOString(),
          lastAt: r.at.toISOString(),
          eventSeqs: [Number(r.seq)],
        })),
        ...(await this.repo.byAction(em, p.councilId, from, to, 'audit.export', null)).map((r) => ({
          kind: 'export',
          actorUserId: r.actorUserId,
          count: 1,
          firstAt: r.at.toISOString(),
          lastAt: r.at.toISOString(),
          eventSeqs: [Number(r.seq)],
        })),
      ];
      await this.readAudited(em, p, 'audit.anomalies', null, null, `findings=${findings.length}`);
      return { from: fromDay, to: toDay, thresholds: a, findings };
    });
  }

  private async readAudited(
    em: EntityManager,
    p: CouncilPrincipal,
    action: string,
    caseId: string | null,
    userId: string | null,
    reason: string | null = null,
  ): Promise<void> {
    await this.audit.record(em, {
      councilId: p.councilId,
      actor: actorOf(p),
      action,
      outcome: 'allowed',
      resourceType: 'audit_event',
      resourceId: userId,
      caseId,
      reason,
      requestId: p.requestId,
      ruleId: null,
    });
  }

  /**
   * A checkpoint counts only if signed by a key this installation trusts: the current signing
   * key or one listed in AUDIT_PREVIOUS_PUBLIC_KEYS (after a rotation) — not merely by the key
   * the checkpoint row itself names, which a database administrator could replace.
   */
  private trustedKeys(): string[] {
    return [this.publicKeyPem, ...this.config.audit.previousPublicKeys];
  }

  private decodeSeqCursor(cursor: string): string {
    try {
      const [key] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
        string,
        string,
      ];
      if (/^\d+$/.test(key)) return key;
    } catch {
      // fall through
    }
    throw validationFailed('The cursor is not valid', [
      { field: 'cursor', messages: ['is not a cursor this server issued'] },
    ]);
  }
}

/** A date range whose last day comes before its first is refused (400). */
function assertOrdered(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && to < from) {
    throw validationFailed('to must not be before from', [
      { field: 'to', messages: ['must not be before from'] },
    ]);
  }
}

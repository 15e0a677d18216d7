import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CouncilTransactions } from '../database/council-transactions';
import { prepared, Statement } from '../database/prepared';
import { Metrics } from '../metrics/metrics';

const AUDIT_INSERT_SQL = `INSERT INTO audit_events (council_id, actor_user_id, actor_role, member_body_id, action, resource_type, resource_id,
                                 resource_ids, case_id, outcome, reason, rule_id, basis, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

export interface AuditActor {
  userId: string | null;
  role: string | null;
  memberBodyId: string | null;
}

export interface AuditInput {
  councilId: string;
  actor: AuditActor;
  /** e.g. `case.read`, `case.list`, `assignment.create`, `auth.login` */
  action: string;
  outcome: 'allowed' | 'denied';
  resourceType?: string | null;
  resourceId?: string | null;
  resourceIds?: string[] | null;
  caseId?: string | null;
  reason?: string | null;
  ruleId?: string | null;
  /** On what footing case data was reached: consent, statutory, coordinator. */
  basis?: string | null;
  requestId?: string | null;
}

/**
 * Writes audit events: identifiers only, never content (DESIGN.md §3.5). A trigger chains each
 * row into its council's hash chain. `record` joins the caller's transaction, so an access and
 * its record commit together or not at all (fail closed, §3.4); `recordDenial` commits on its
 * own, because a denied request rolls back everything else.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly tx: CouncilTransactions,
    private readonly metrics: Metrics,
  ) {}

  async record(em: EntityManager, event: AuditInput): Promise<void> {
    // Counted (audit_insert_failures_total) and rethrown: the caller's access fails with it.
    const { label, text, values } = this.statement(event);
    await prepared(em, label, text, values).catch((error: unknown) => {
      this.writeFailed();
      throw error;
    });
  }

  /**
   * Counts an audit write that failed (audit_insert_failures_total), also when the access
   * primitive sent the events with its COMMIT in one message and that message failed.
   */
  writeFailed(): void {
    this.metrics.auditInsertFailures.inc();
  }

  /**
   * The INSERT `record` runs, for the access primitive, which sends its events and the COMMIT
   * in one round trip (CouncilTransaction.commitWith, issue 15): still last in the transaction,
   * and a failed insert is never followed by the COMMIT.
   */
  statement(event: AuditInput): Statement {
    return {
      label: 'audit_insert',
      text: AUDIT_INSERT_SQL,
      values: [
        event.councilId,
        event.actor.userId,
        event.actor.role,
        event.actor.memberBodyId,
        event.action,
        event.resourceType ?? null,
        event.resourceId ?? null,
        event.resourceIds ?? null,
        event.caseId ?? null,
        event.outcome,
        event.reason ?? null,
        event.ruleId ?? null,
        event.basis ?? null,
        event.requestId ?? null,
      ],
    };
  }

  async recordDenial(event: Omit<AuditInput, 'outcome'>): Promise<void> {
    await this.tx.run(event.councilId, (em) => this.record(em, { ...event, outcome: 'denied' }));
  }

  /**
   * An event committed on its own, before the access it records leaves the server: for reads
   * that do not run in a council transaction of the application role (the platform reads
   * snapshots as its own database role), so "recorded, or it does not happen" (§3.4) holds by
   * ordering — the answer is sent only after this commits.
   */
  async recordAlone(event: AuditInput): Promise<void> {
    await this.tx.run(event.councilId, (em) => this.record(em, event));
  }
}

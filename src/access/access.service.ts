import { Injectable } from '@nestjs/common';
import { subject as asSubject } from '@casl/ability';
import { AuditInput, AuditService } from '../audit/audit.service';
import { DomainError, forbidden } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { CouncilTransactions } from '../database/council-transactions';
import { AppAbility, decidingRuleId } from './ability.factory';
import { auditSubject, pledgeRequired } from './authorize';
import { actorOf, CouncilPrincipal } from './council-principal';
import { CouncilScope, RegisterScope, sealPublic, sealRegister, sealScope } from './council-scope';
import { Action, PLEDGE_SUBJECTS, SubjectType } from './policy-catalog';
import { PolicyRefusal, refusal } from './refusal';
import { policySql } from './sql-filter';
import { CaseRow, SUBJECT_TABLES, SubjectTable } from './subject-registry';

/** What a use case declares before it touches council data. */
export interface AccessRequest {
  action: Action;
  subject: SubjectType;
  /**
   * The record acted on. It is loaded through the subject's table (subject-registry.ts) and the
   * caller's policy: not visible (its read policy) → audited 404; visible but the declared
   * action not permitted → audited 403.
   */
  id?: string;
  /** The case the work is about: it must be visible to the caller (the case read policy). */
  caseId?: string;
  /** Lock the loaded rows (FOR UPDATE) because the work changes them. */
  lock?: boolean;
  /** The audit event's action; `<subject>.<action>` unless the use case names it. */
  event?: string;
  /**
   * The id the request names when the work loads the record itself (e.g. minutes by their
   * meeting): it goes into the audit event and into a denial's `resource_id`.
   */
  resourceId?: string;
  /**
   * Other records the work names (e.g. the member body a staff record is put in): each must be
   * visible to the caller (its read policy), or the request answers an audited 404.
   */
  refs?: { subject: SubjectType; id: string }[];
  /**
   * `false` for reads of the council structure (council, member bodies, staff, pledge text):
   * not case data (DESIGN.md §3.4), so no allowed event; denials are recorded all the same.
   */
  recordAllowed?: false;
}

/** What the access layer loaded for the use case. */
export interface Loaded<R> {
  /** The case (with its policy facts), when the request named one or the subject is a case. */
  case: CaseRow | null;
  /** The declared record, when `id` was given for a subject other than Case. */
  row: R | null;
  /** The records named in `refs`, in the same order (with their subject table's columns). */
  refs: Record<string, unknown>[];
}

/** What the use case disclosed or changed: the audit event is built from it. */
export interface Disclosure {
  resourceType?: string;
  resourceId?: string | null;
  resourceIds?: string[] | null;
  /** The case concerned; defaults to the loaded case (DESIGN.md §3.10). */
  caseId?: string | null;
  reason?: string | null;
  basis?: string | null;
  ruleId?: string | null;
  /** Further events of the same transaction, e.g. one per case a change reached. */
  also?: Omit<AuditInput, 'councilId' | 'actor' | 'outcome' | 'requestId'>[];
  /**
   * The request changed and disclosed nothing — an idempotent repeat of council structure (the
   * same designation again, a pledge already accepted): no allowed event. Never for case data.
   */
  noop?: true;
}

export type Done<T> = Disclosure & { result: T };

/** Actions that may still happen on a closed case (everything else answers 409 CASE_CLOSED). */
const ON_CLOSED_CASE: ReadonlySet<Action> = new Set<Action>(['read', 'reopen']);

/** Thrown for "not visible": answered 404 and recorded as `not_visible`. */
class NotVisible extends DomainError {
  constructor(what: string) {
    super(404, ErrorCode.NotFound, `${what} not found`);
  }
}

/** A record as CASL decides on it (its subject type and facts). */
type OnRecord = Parameters<AppAbility['can']>[1];

const isDenial = (e: unknown): e is DomainError =>
  e instanceof DomainError && (e.status === 403 || e.status === 404);

/**
 * The one access path (DESIGN.md §4, issue 12). Every use case that touches a council calls
 * `use`: it opens the council transaction (RLS), loads the declared row through the policy for
 * the declared action, refuses writes on closed cases, runs the work with a `CouncilScope`
 * (the only thing repositories accept), writes the access's audit event last in the same
 * transaction (fail closed, §3.4), and records every 403/404 — including those thrown deep
 * inside the work — in a transaction of its own, with the case it concerned (§3.10).
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly tx: CouncilTransactions,
    private readonly audit: AuditService,
  ) {}

  async use<T, R = Record<string, unknown>>(
    p: CouncilPrincipal,
    req: AccessRequest,
    work: (scope: CouncilScope, loaded: Loaded<R>) => Promise<Done<T>>,
  ): Promise<T> {
    const event = req.event ?? `${auditSubject(req.subject)}.${req.action}`;
    const table = SUBJECT_TABLES[req.subject];
    try {
      // The request's transaction when the guards opened one for this principal (issue 15:
      // session check, principal lookup, work and audit event in one transaction); else a new one.
      const opened = this.tx.take(p.councilId, p) ?? (await this.tx.open(p.councilId));
      return await this.tx.complete(opened, async ({ em }) => {
        const scope = sealScope(em, p.councilId, p);
        const loaded = await this.load<R>(scope, req, table);
        const done = await work(scope, loaded);
        if (req.recordAllowed === false || done.noop) {
          // Only council structure may go unrecorded: case, meeting and audit content never (§3.4).
          if (PLEDGE_SUBJECTS.has(req.subject))
            throw new Error(`${event}: an access to ${req.subject} is always recorded`);
          return done.result;
        }
        const row = loaded.row as (Record<string, unknown> & { caseId?: string }) | null;
        const decidedOn =
          req.subject === 'Case' && loaded.case
            ? asSubject('Case', { ...loaded.case } as Record<string, unknown>)
            : row
              ? asSubject(req.subject, { ...row })
              : req.subject;
        await this.audit.record(em, {
          councilId: p.councilId,
          actor: actorOf(p),
          action: event,
          outcome: 'allowed',
          resourceType: done.resourceType ?? table?.resourceType ?? auditSubject(req.subject),
          resourceId:
            done.resourceId !== undefined
              ? done.resourceId
              : (req.id ?? req.resourceId ?? req.caseId ?? null),
          resourceIds: done.resourceIds ?? null,
          caseId:
            done.caseId !== undefined
              ? done.caseId
              : (loaded.case?.id ?? row?.caseId ?? req.caseId ?? null),
          reason: done.reason ?? null,
          basis: done.basis ?? null,
          ruleId:
            done.ruleId !== undefined
              ? done.ruleId
              : decidingRuleId(
                  p.ability,
                  req.action,
                  decidedOn as Parameters<AppAbility['can']>[1],
                ),
          requestId: p.requestId,
        });
        for (const also of done.also ?? []) {
          await this.audit.record(em, {
            ...also,
            councilId: p.councilId,
            actor: actorOf(p),
            outcome: 'allowed',
            requestId: p.requestId,
          });
        }
        return done.result;
      });
    } catch (error) {
      // Founding a council: there is no council log to record a denial in yet.
      const founding = req.action === 'create' && req.subject === 'Council';
      if (isDenial(error) && !founding) await this.recordDenial(p, event, req, table, error);
      throw error;
    }
  }

  /**
   * Reads that belong to no one council and need no council principal: the public register
   * (公示) and the councils a user has staff records in (through the SECURITY DEFINER function
   * `directory_memberships`: RLS shows the application role one council at a time);
   * `council(id)` re-scopes the same transaction to one council (RLS) for its public entry.
   */
  register<T>(userId: string | null, work: (r: RegisterScope) => Promise<T>): Promise<T> {
    return this.tx.runUnscoped(async (em) =>
      work(
        sealRegister(em, userId, async (councilId) => {
          await this.tx.scope(em, councilId);
          return sealPublic(em, councilId);
        }),
      ),
    );
  }

  private async load<R>(
    scope: CouncilScope,
    req: AccessRequest,
    table: SubjectTable | undefined,
  ): Promise<Loaded<R>> {
    const { principal: p } = scope;
    // The guard checks this for HTTP requests; checked again here for callers without HTTP.
    if (PLEDGE_SUBJECTS.has(req.subject) && !p.staff?.pledged) throw pledgeRequired();
    let caseRow: CaseRow | null = null;
    const caseId = req.subject === 'Case' ? (req.id ?? req.caseId) : req.caseId;
    if (caseId !== undefined) {
      const found = await this.fetch<CaseRow>(
        scope,
        SUBJECT_TABLES.Case!,
        'Case',
        req.subject === 'Case' ? req.action : 'read',
        caseId,
        req.lock ?? false,
      );
      if (!found) throw new NotVisible('Case');
      if (!found.permitted)
        throw refusal(
          p.ability,
          req.action,
          asSubject('Case', { ...found.row } as Record<string, unknown>) as OnRecord,
        );
      caseRow = found.row;
    }
    let row: R | null = null;
    let caseStatus = caseRow?.status ?? null;
    if (req.id !== undefined && req.subject !== 'Case') {
      if (!table) throw new Error(`No table is registered for ${req.subject}`);
      const found = await this.fetch<R & { caseId?: string; __caseStatus?: 'open' | 'closed' }>(
        scope,
        table,
        req.subject,
        req.action,
        req.id,
        req.lock ?? false,
      );
      if (!found || (caseRow && found.row.caseId !== undefined && found.row.caseId !== caseRow.id))
        throw new NotVisible(table.label);
      const { __caseStatus, ...rest } = found.row;
      // Visible, but the declared action's policy refuses this row (e.g. one's own staff record).
      if (!found.permitted)
        throw refusal(p.ability, req.action, asSubject(req.subject, { ...rest }) as OnRecord);
      caseStatus = caseStatus ?? __caseStatus ?? null;
      row = rest as R;
    } else if (req.subject !== 'Case') {
      // No row yet (a create) or many (a read of a list, filtered per row in SQL by the
      // repository): a create is decided on what the new record will be tied to, a list on
      // whether any rule lets the caller read that kind of record at all.
      const on =
        caseRow && req.action !== 'read'
          ? asSubject(req.subject, { councilId: p.councilId, caseId: caseRow.id })
          : req.subject;
      if (!p.ability.can(req.action, on as Parameters<AppAbility['can']>[1])) throw forbidden();
    }
    const refs: Record<string, unknown>[] = [];
    for (const ref of req.refs ?? []) {
      const refTable = SUBJECT_TABLES[ref.subject];
      if (!refTable) throw new Error(`No table is registered for ${ref.subject}`);
      const found = await this.fetch<Record<string, unknown>>(
        scope,
        refTable,
        ref.subject,
        'read',
        ref.id,
        false,
      );
      if (!found) throw new NotVisible(refTable.label);
      refs.push(found.row);
    }
    if (caseStatus === 'closed' && !ON_CLOSED_CASE.has(req.action))
      throw new DomainError(409, 'CASE_CLOSED', 'The case is closed: reopen it first');
    return { case: caseRow, row, refs };
  }

  /** One row through the read policy, with whether the declared action is permitted on it. */
  private async fetch<R>(
    scope: CouncilScope,
    table: SubjectTable,
    subject: SubjectType,
    action: Action,
    id: string,
    lock: boolean,
  ): Promise<{ row: R; permitted: boolean } | null> {
    const ability = scope.principal.ability;
    const a = table.alias;
    const params: unknown[] = [scope.councilId, id];
    const visible = policySql(ability, 'read', subject, a, params);
    const permitted = action === 'read' ? 'TRUE' : policySql(ability, action, subject, a, params);
    const caseStatus =
      table.caseIdColumn && subject !== 'Case'
        ? `, (SELECT cs.status FROM cases cs WHERE cs.council_id = ${a}.council_id AND cs.id = ${a}.${table.caseIdColumn}) AS "__caseStatus"`
        : '';
    const rows = (await scope.query(
      `load_${table.resourceType}`,
      `SELECT ${table.columns}${caseStatus}, (${permitted}) AS "__permitted"
         FROM ${table.from}
        WHERE ${a}.council_id = $1 AND ${a}.${table.idColumn} = $2 AND ${visible}${lock ? ` FOR UPDATE OF ${a}` : ''}`,
      params,
    )) as (R & { __permitted: boolean })[];
    if (!rows[0]) return null;
    const { __permitted, ...row } = rows[0];
    return { row: row as R, permitted: __permitted };
  }

  /**
   * A denial survives the rolled-back request (its own transaction) and names the case it was
   * about when there is one in this council, so the case's access report shows it (§3.10).
   */
  private async recordDenial(
    p: CouncilPrincipal,
    event: string,
    req: AccessRequest,
    table: SubjectTable | undefined,
    error: DomainError,
  ): Promise<void> {
    await this.tx.run(p.councilId, async (em) => {
      let caseId: string | null = null;
      const askedCase = req.subject === 'Case' ? (req.id ?? req.caseId) : req.caseId;
      if (askedCase) {
        const rows = (await em.query(`SELECT id FROM cases WHERE council_id = $1 AND id = $2`, [
          p.councilId,
          askedCase,
        ])) as { id: string }[];
        caseId = rows[0]?.id ?? null;
      } else if (req.id && table?.caseIdColumn) {
        const rows = (await em.query(
          `SELECT ${table.alias}.${table.caseIdColumn} AS "caseId" FROM ${table.from}
            WHERE ${table.alias}.council_id = $1 AND ${table.alias}.${table.idColumn} = $2`,
          [p.councilId, req.id],
        )) as { caseId: string | null }[];
        caseId = rows[0]?.caseId ?? null;
      }
      await this.audit.record(em, {
        councilId: p.councilId,
        actor: actorOf(p),
        action: event,
        outcome: 'denied',
        resourceType: table?.resourceType ?? auditSubject(req.subject),
        resourceId: req.id ?? req.resourceId ?? req.caseId ?? null,
        caseId,
        reason:
          error.status === 404
            ? 'not_visible'
            : error.code === ErrorCode.Forbidden
              ? 'forbidden'
              : String(error.code).toLowerCase(),
        ruleId: error instanceof PolicyRefusal ? error.ruleId : null,
        requestId: p.requestId,
      });
    });
  }
}

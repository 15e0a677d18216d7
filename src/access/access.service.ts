import { Injectable } from '@nestjs/common';
import { CaseErrorCode } from '../cases/case-error-codes';
import { createMongoAbility, subject as asSubject } from '@casl/ability';
import { createHash } from 'node:crypto';
import type { QueryResultRow } from 'pg';
import { EntityManager } from 'typeorm';
import { AuditActor, AuditInput, AuditService } from '../audit/audit.service';
import { DomainError, forbidden, notFound } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { CouncilTransactions } from '../database/council-transactions';
import { AppAbility, decidingRuleId } from './ability.factory';
import { auditSubject, pledgeRequired } from './authorize';
import { actorOf, CouncilPrincipal } from './council-principal';
import {
  CouncilScope,
  InvitationFacts,
  InvitationScope,
  RegisterScope,
  sealInvitation,
  sealPublic,
  sealRegister,
  sealScope,
  sealSystemScope,
  Statement,
  SystemScope,
} from './council-scope';
import { memberBodyInForce } from './in-force';
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
  /**
   * Reads the work needs, sent in the same round trip as the load of the case (issue 15). Their
   * rows reach the work (`Loaded.prefetched`, in order) only once the load has passed the
   * policy; when it does not, they are discarded unread. Plain SELECTs only: they run before
   * the decision, in the same council transaction (RLS), and must change nothing.
   */
  prefetch?: (scope: CouncilScope) => Statement[];
  /**
   * A create only: further facts of the record it will make, beyond its council and case (e.g.
   * the member body a contact is recorded for), so rules conditioned on them decide the create.
   */
  facts?: Record<string, unknown>;
}

/** What the access layer loaded for the use case. */
export interface Loaded<R> {
  /** The case (with its policy facts), when the request named one or the subject is a case. */
  case: CaseRow | null;
  /** The declared record, when `id` was given for a subject other than Case. */
  row: R | null;
  /** The records named in `refs`, in the same order (with their subject table's columns). */
  refs: Record<string, unknown>[];
  /** The rows of the request's `prefetch` statements, in order (empty without any). */
  prefetched: QueryResultRow[][];
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

/** What `decide` answers: the same verdict `use` would reach, and why. */
export interface AccessDecision {
  allowed: boolean;
  /** The HTTP status `use` would answer with: 200, 403, 404 or 409. */
  status: number;
  /** `permitted`, `not_visible`, `forbidden`, `pledge_required`, `case_closed`, `own_record`… */
  reason: string;
  ruleId: string | null;
  /** For a field-level question: whether that field may be acted on; null otherwise. */
  fieldAllowed: boolean | null;
}

/**
 * What the installation's own work did: its audit event (no actor), or null when it changed and
 * disclosed nothing (e.g. a month found already published).
 */
export interface SystemDone<T> {
  result: T;
  audit: Omit<AuditInput, 'councilId' | 'actor' | 'requestId'> | null;
}

/** How an invitation is named: by the token of its link, or by id for a signed-in invitee. */
export type InvitationKey = { token: string } | { id: string; userId: string };

/** What an invitee's use case did: the audit event's actor and reason. */
export interface InvitationDone<T> {
  result: T;
  actor: AuditActor;
  reason?: string | null;
}

/** The operator's principal for CLI procedures: no user, no ability. */
const OPERATOR_USER = '00000000-0000-0000-0000-000000000000';

/** Actions that may still happen on a closed case (everything else answers 409 CASE_CLOSED). */
const ON_CLOSED_CASE: ReadonlySet<Action> = new Set<Action>(['read', 'reopen']);

/**
 * Records about a case that outlive its work (issue 19): a person's request about their data
 * may arrive after the case closed, or after its content was disposed of.
 */
const AFTER_THE_CASE: ReadonlySet<SubjectType> = new Set<SubjectType>(['SubjectRequest']);

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
      // The access's audit events, written last: they and the COMMIT travel as one message
      // (commitWith, issue 15), so a failed insert is never followed by the COMMIT (§3.4).
      const events: AuditInput[] = [];
      let result: T;
      try {
        result = await this.work(p, req, event, table, opened.em, work, events);
      } catch (error) {
        await opened.rollback();
        throw error;
      }
      await opened
        .commitWith(events.map((e) => this.audit.statement(e)))
        .catch((error: unknown) => {
          if (events.length > 0) this.audit.writeFailed();
          throw error;
        });
      return result;
    } catch (error) {
      // Founding a council: there is no council log to record a denial in yet.
      const founding = req.action === 'create' && req.subject === 'Council';
      if (isDenial(error) && !founding) await this.recordDenial(p, event, req, table, error);
      throw error;
    }
  }

  /** `use`'s work inside the transaction: load, run, and the audit events it owes (in `events`). */
  private async work<T, R>(
    p: CouncilPrincipal,
    req: AccessRequest,
    event: string,
    table: SubjectTable | undefined,
    em: EntityManager,
    work: (scope: CouncilScope, loaded: Loaded<R>) => Promise<Done<T>>,
    events: AuditInput[],
  ): Promise<T> {
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
    events.push({
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
          : decidingRuleId(p.ability, req.action, decidedOn as Parameters<AppAbility['can']>[1]),
      requestId: p.requestId,
    });
    for (const also of done.also ?? []) {
      events.push({
        ...also,
        councilId: p.councilId,
        actor: actorOf(p),
        outcome: 'allowed',
        requestId: p.requestId,
      });
    }
    return done.result;
  }

  /**
   * What `use` would decide for this request, without doing or recording anything: the same
   * loading through the same policies (visibility, the declared action, the closed-case rule,
   * the pledge). Explain answers from this, so what it says and what the API does cannot drift
   * (issue 12 item 4). With `field`, also whether that field of the record may be acted on.
   */
  async decide(
    p: CouncilPrincipal,
    req: Omit<AccessRequest, 'lock' | 'event'>,
    field?: string,
  ): Promise<AccessDecision> {
    const table = SUBJECT_TABLES[req.subject];
    // The route's type-level check (the guard's, for HTTP requests).
    if (!p.ability.can(req.action, req.subject))
      return { allowed: false, status: 403, reason: 'forbidden', ruleId: null, fieldAllowed: null };
    return this.tx.run(p.councilId, async (em) => {
      const scope = sealScope(em, p.councilId, p);
      let loaded: Loaded<Record<string, unknown>>;
      try {
        loaded = await this.load<Record<string, unknown>>(scope, { ...req, lock: false }, table);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const reason =
          error.status === 404
            ? 'not_visible'
            : error.code === ErrorCode.Forbidden
              ? 'forbidden'
              : String(error.code).toLowerCase();
        return {
          allowed: false,
          status: error.status,
          reason,
          ruleId: error instanceof PolicyRefusal ? error.ruleId : null,
          fieldAllowed: null,
        };
      }
      const facts =
        req.subject === 'Case' ? loaded.case : (loaded.row ?? (req.id ? null : undefined));
      const on = (facts ? asSubject(req.subject, { ...facts }) : req.subject) as Parameters<
        AppAbility['can']
      >[1];
      return {
        allowed: true,
        status: 200,
        reason: 'permitted',
        ruleId: decidingRuleId(p.ability, req.action, on),
        fieldAllowed: field === undefined ? null : p.ability.can(req.action, on, field),
      };
    });
  }

  /**
   * A use case on one invitation by someone who is not (yet) a principal of its council: the
   * invitee accepting or declining (issue 13). The invitation is found before its council is
   * known through one of two narrow read policies — its token (`app.invitation_token`, the
   * SHA-256 of the token presented) or the signed-in user's own e-mail (`app.user_id`) — so
   * another person's invitation is as invisible as a non-existent one (`missing`). Then the
   * transaction is scoped to the invitation's council (RLS), the invitation and its staff record
   * are locked, the work runs, and its audit event is written last. A refusal thrown by the
   * work (403/409/400) is recorded in the council in its own transaction, like every denial.
   */
  async invitation<T>(
    key: InvitationKey,
    req: {
      event: 'staff.accept' | 'staff.decline';
      actorUserId: string | null;
      requestId: string | null;
      missing: () => DomainError;
    },
    work: (scope: InvitationScope) => Promise<InvitationDone<T>>,
  ): Promise<T> {
    const seen: { invitation?: InvitationFacts } = {};
    try {
      return await this.tx.runUnscoped(async (em) => {
        let head: { councilId: string; id: string }[];
        if ('token' in key) {
          const hash = createHash('sha256').update(key.token, 'utf8').digest('hex');
          await em.query(`SELECT set_config('app.invitation_token', $1, true)`, [hash]);
          head = (await em.query(
            `SELECT council_id AS "councilId", id FROM staff_invitations WHERE token_hash = decode($1, 'hex')`,
            [hash],
          )) as { councilId: string; id: string }[];
        } else {
          await em.query(`SELECT set_config('app.user_id', $1, true)`, [key.userId]);
          head = (await em.query(
            `SELECT council_id AS "councilId", id FROM staff_invitations WHERE id = $1`,
            [key.id],
          )) as { councilId: string; id: string }[];
        }
        if (!head[0]) throw req.missing();
        await this.tx.scope(em, head[0].councilId);
        const rows = (await em.query(
          `SELECT i.id, i.council_id AS "councilId", c.name AS "councilName", i.staff_id AS "staffId",
                  i.email, i.display_name AS "displayName", st.role, st.member_body_id AS "memberBodyId",
                  i.expires_at AS "expiresAt",
                  CASE WHEN i.accepted_at IS NOT NULL THEN 'accepted' WHEN i.declined_at IS NOT NULL THEN 'declined'
                       WHEN i.revoked_at IS NOT NULL THEN 'revoked' WHEN i.expires_at <= now() THEN 'expired'
                       ELSE 'pending' END AS state,
                  (st.accepted_at IS NULL AND st.ended_on IS NULL AND ${memberBodyInForce('mb')}) AS open
             FROM staff_invitations i
             JOIN staff st ON st.council_id = i.council_id AND st.id = i.staff_id
             JOIN member_bodies mb ON mb.council_id = st.council_id AND mb.id = st.member_body_id
             JOIN councils c ON c.id = i.council_id
            WHERE i.council_id = $1 AND i.id = $2
              FOR UPDATE OF i, st`,
          [head[0].councilId, head[0].id],
        )) as InvitationFacts[];
        if (!rows[0]) throw req.missing();
        const invitation = rows[0];
        seen.invitation = invitation;
        const done = await work(sealInvitation(em, invitation));
        await this.audit.record(em, {
          councilId: invitation.councilId,
          actor: done.actor,
          action: req.event,
          outcome: 'allowed',
          resourceType: 'staff',
          resourceId: invitation.staffId,
          reason: done.reason ?? null,
          requestId: req.requestId,
        });
        return done.result;
      });
    } catch (error) {
      const invitation = seen.invitation;
      if (invitation && error instanceof DomainError && error.status >= 400 && error.status < 500)
        await this.audit.recordDenial({
          councilId: invitation.councilId,
          actor: { userId: req.actorUserId, role: null, memberBodyId: null },
          action: req.event,
          resourceType: 'staff',
          resourceId: invitation.staffId,
          reason: String(error.code).toLowerCase(),
          requestId: req.requestId,
        });
      throw error;
    }
  }

  /**
   * A procedure an operator runs with database access (the CLI), never an HTTP route: today
   * only `council:recover`. It acts in the council's transaction (RLS) as the `operator`, whose
   * ability grants nothing, and writes its own audit event (`event`) last, so the council's log
   * says plainly that the operator — not a council member — did it.
   */
  async operator<T>(
    councilId: string,
    event: string,
    work: (scope: CouncilScope) => Promise<Done<T>>,
  ): Promise<T> {
    const p: CouncilPrincipal = {
      councilId,
      userId: OPERATOR_USER,
      actingAs: 'operator',
      staff: null,
      ability: createMongoAbility<AppAbility>([]),
      requestId: `cli:${event}`,
    };
    return this.tx.run(councilId, async (em) => {
      const [{ exists }] = (await em.query(
        `SELECT EXISTS (SELECT 1 FROM councils WHERE id = $1) AS exists`,
        [councilId],
      )) as { exists: boolean }[];
      if (!exists) throw notFound('Council');
      const done = await work(sealScope(em, councilId, p));
      await this.audit.record(em, {
        councilId,
        actor: actorOf(p),
        action: event,
        outcome: 'allowed',
        resourceType: done.resourceType ?? 'council',
        resourceId: done.resourceId ?? councilId,
        reason: done.reason ?? null,
        requestId: p.requestId,
      });
      return done.result;
    });
  }

  /**
   * Reads that belong to no one council and need no council principal: the public register
   * (公示) and the councils a user has staff records in (through the SECURITY DEFINER function
   * `directory_memberships`: RLS shows the application role one council at a time). With
   * `userId`, the transaction carries `app.user_id` for the one policy still keyed on it: the
   * user's own open invitations (`own_invitations`, issue 13).
   * `council(id)` re-scopes the same transaction to one council (RLS) for its public entry.
   */
  register<T>(userId: string | null, work: (r: RegisterScope) => Promise<T>): Promise<T> {
    return this.tx.runUnscoped(async (em) => {
      if (userId) await em.query(`SELECT set_config('app.user_id', $1, true)`, [userId]);
      return work(
        sealRegister(em, userId, async (councilId) => {
          await this.tx.scope(em, councilId);
          return sealPublic(em, councilId);
        }),
      );
    });
  }

  /**
   * Work the installation does in a council on its own account — a scheduled job, an operator's
   * CLI command — with no caller whose policy could be checked: the same council transaction
   * (RLS, §3.3) and the audit event written last in it, with `actor_role` 'system' (§3.4).
   */
  async system<T>(
    councilId: string,
    work: (scope: SystemScope) => Promise<SystemDone<T>>,
  ): Promise<T> {
    return this.tx.run(councilId, async (em) => {
      const done = await work(sealSystemScope(em, councilId));
      if (done.audit) {
        await this.audit.record(em, {
          ...done.audit,
          councilId,
          actor: { userId: null, role: 'system', memberBodyId: null },
          requestId: null,
        });
      }
      return done.result;
    });
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
    let prefetched: QueryResultRow[][] = [];
    const caseId = req.subject === 'Case' ? (req.id ?? req.caseId) : req.caseId;
    if (caseId !== undefined) {
      const found = await this.fetch<CaseRow>(
        scope,
        SUBJECT_TABLES.Case!,
        'Case',
        req.subject === 'Case' ? req.action : 'read',
        caseId,
        req.lock ?? false,
        req.prefetch?.(scope) ?? [],
      );
      if (!found) throw new NotVisible('Case');
      prefetched = found.prefetched;
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
          ? asSubject(req.subject, { ...req.facts, councilId: p.councilId, caseId: caseRow.id })
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
    if (!AFTER_THE_CASE.has(req.subject)) {
      // A disposed case's content is gone (crypto-shredded): nothing may be added or changed.
      if (caseRow?.disposedAt && req.action !== 'read')
        throw new DomainError(409, ErrorCode.CaseDisposed, 'The case has been disposed of');
      if (caseStatus === 'closed' && !ON_CLOSED_CASE.has(req.action))
        throw new DomainError(409, CaseErrorCode.CaseClosed, 'The case is closed: reopen it first');
    }
    if (req.prefetch && caseId === undefined) prefetched = await scope.batch(req.prefetch(scope));
    return { case: caseRow, row, refs, prefetched };
  }

  /** One row through the read policy, with whether the declared action is permitted on it. */
  private async fetch<R>(
    scope: CouncilScope,
    table: SubjectTable,
    subject: SubjectType,
    action: Action,
    id: string,
    lock: boolean,
    prefetch: Statement[] = [],
  ): Promise<{ row: R; permitted: boolean; prefetched: QueryResultRow[][] } | null> {
    const ability = scope.principal.ability;
    const a = table.alias;
    const params: unknown[] = [scope.councilId, id];
    const visible = policySql(ability, 'read', subject, a, params);
    const permitted = action === 'read' ? 'TRUE' : policySql(ability, action, subject, a, params);
    const caseStatus =
      table.caseIdColumn && subject !== 'Case'
        ? `, (SELECT cs.status FROM cases cs WHERE cs.council_id = ${a}.council_id AND cs.id = ${a}.${table.caseIdColumn}) AS "__caseStatus"`
        : '';
    const load: Statement = {
      label: `load_${table.resourceType}`,
      text: `SELECT ${table.columns}${caseStatus}, (${permitted}) AS "__permitted"
         FROM ${table.from}
        WHERE ${a}.council_id = $1 AND ${a}.${table.idColumn} = $2 AND ${visible}${lock ? ` FOR UPDATE OF ${a}` : ''}`,
      values: params,
    };
    // With prefetched reads, one round trip for all (their rows are dropped if this one is not visible).
    const [rows, ...prefetched] = prefetch.length
      ? await scope.batch([load, ...prefetch])
      : [await scope.query(load.label, load.text, load.values)];
    const first = rows[0] as (R & { __permitted: boolean }) | undefined;
    if (!first) return null;
    const { __permitted, ...row } = first;
    return { row: row as R, permitted: __permitted, prefetched };
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

import { Injectable } from '@nestjs/common';
import { subject } from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/ability.factory';
import { CouncilPrincipal } from '../access/council-principal';
import { CouncilScope } from '../access/council-scope';
import { RULE_FIELDS } from '../access/policy-catalog';
import { CaseRow } from '../access/subject-registry';
import { DomainError, validationFailed } from '../common/errors/domain-error';
import { CaseCipher, DataKey } from '../crypto/case-cipher';
import {
  ContactList,
  ContactView,
  CreateContactDto,
  CreateRelatedPersonDto,
  RelatedPersonConsentDto,
  RelatedPersonConsentView,
  RelatedPersonList,
  RelatedPersonView,
  RiskHistoryView,
  RiskView,
  SetRiskDto,
  UpdateRelatedPersonDto,
} from './case-intake.dto';
import {
  CaseIntakeRepository,
  ContactRow,
  RelatedPersonConsentRow,
  RelatedPersonRow,
  RiskRow,
  SEALED_PERSON_FIELDS,
  SealedPersonField,
  SealedPersonValues,
} from './case-intake.repository';
import { caseSubject } from './case-projection';
import { CasesRepository } from './cases.repository';

const invalid = (field: string, message: string): DomainError =>
  validationFailed(`${field} ${message}`, [{ field, messages: [message] }]);

/** The fields of `row` (as `type`) the caller's rules let it read. */
const readable = (ability: AppAbility, type: 'RelatedPerson' | 'Contact', row: object) =>
  new Set(
    permittedFieldsOf(ability, 'read', subject(type, { ...row } as Record<string, unknown>), {
      fieldsFrom: (rule) => rule.fields ?? [...(RULE_FIELDS[type] as readonly string[])],
    }),
  );

const consentView = (c: RelatedPersonConsentRow): RelatedPersonConsentView => ({
  id: c.id,
  memberBodyIds: c.memberBodyIds,
  method: c.method,
  obtainedOn: c.obtainedOn,
  expiresOn: c.expiresOn,
  withdrawnOn: c.withdrawnOn,
  recordedAt: c.recordedAt.toISOString(),
  active: c.active,
});

/** The fields sealed text is bound to (src/crypto/case-cipher.ts). */
const CONTACT_NOTE = 'case_contacts.note';
const RISK_REASON = 'case_risk_assessments.reason';
const personField = (field: SealedPersonField) =>
  `case_related_persons.${SEALED_PERSON_FIELDS[field]}`;

/** What stands for a disposed related person's name (as for the case's subject). */
const DISPOSED_NAME = '（廃棄済）';

/**
 * A related person's personal field as stored: opened from its sealed column, or the plain one
 * of a row written before envelope encryption. Null once the case's key was destroyed.
 */
function personValue(key: DataKey | null, r: RelatedPersonRow, field: SealedPersonField): unknown {
  const sealed = r[`${field}Sealed`];
  if (!sealed) return r[field];
  if (!key) return null;
  const text = key.open(personField(field), sealed);
  return field === 'sensitive' ? (JSON.parse(text) as unknown) : text;
}

/**
 * Field projection of a related person: restricted fields (address, phone) and 要配慮 content
 * (`sensitive`) only where a rule grants them on this row — coordinators and bodies covered
 * with scope full on the case (DESIGN.md §3.9); the person's own consents to coordinators.
 * Sealed fields are opened only once the projection let them through.
 */
function relatedPersonView(
  ability: AppAbility,
  key: DataKey | null,
  r: RelatedPersonRow,
  consents: RelatedPersonConsentRow[] | null,
): RelatedPersonView {
  const allowed = readable(ability, 'RelatedPerson', r);
  const personal = (field: SealedPersonField) =>
    allowed.has(field) ? personValue(key, r, field) : undefined;
  const values: Record<string, unknown> = {
    id: r.id,
    relation: r.relation,
    relationText: r.relationText,
    familyName: personal('familyName') ?? DISPOSED_NAME,
    givenName: personal('givenName'),
    familyNameKana: personal('familyNameKana'),
    givenNameKana: personal('givenNameKana'),
    birthDate: personal('birthDate'),
    address: personal('address'),
    phone: personal('phone'),
    sensitive: personal('sensitive'),
    supported: r.supported,
    consents: consents?.filter((c) => c.relatedPersonId === r.id).map(consentView),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
  const view: Record<string, unknown> = {};
  for (const field of Object.keys(values)) {
    if (allowed.has(field) && values[field] !== undefined) view[field] = values[field];
  }
  return view as unknown as RelatedPersonView;
}

/**
 * A contact: its note withheld where no rule grants it (a sensitive note, limited scope), and
 * opened only where one does. Null once the case's key was destroyed (disposal).
 */
function contactView(ability: AppAbility, key: DataKey | null, c: ContactRow): ContactView {
  const allowed = readable(ability, 'Contact', c);
  const noteWithheld = (c.note !== null || c.noteSealed !== null) && !allowed.has('note');
  const note = noteWithheld
    ? null
    : c.noteSealed
      ? (key?.open(CONTACT_NOTE, c.noteSealed) ?? null)
      : c.note;
  return {
    id: c.id,
    at: c.at.toISOString(),
    channel: c.channel,
    reached: c.reached,
    memberBodyId: c.memberBodyId,
    note,
    noteWithheld,
    sensitive: c.sensitive,
    recordedAt: c.recordedAt.toISOString(),
  };
}

/**
 * Related persons (当事者等), the risk level and the contact log of a case (issue 17 items 5–6).
 * Every use case names its case, so the case is loaded through the caller's case policy first
 * (need to know, §3.1: visible exactly when the case is; 404 otherwise), and every read or write
 * is audited with the case id (§3.10).
 */
@Injectable()
export class CaseIntakeService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: CaseIntakeRepository,
    private readonly cases: CasesRepository,
    private readonly cipher: CaseCipher,
  ) {}

  /** The case's data key for reading (null: destroyed by disposal, or nothing sealed yet). */
  private key(s: CouncilScope, caseId: string): Promise<DataKey | null> {
    return this.cipher.dataKey(s, { type: 'case', id: caseId });
  }

  /** Seals the personal fields the request names under the case's key (made on first use). */
  private async sealPerson(
    s: CouncilScope,
    caseId: string,
    dto: Partial<Record<SealedPersonField, unknown>>,
  ): Promise<SealedPersonValues> {
    const sealed: SealedPersonValues = {};
    for (const field of Object.keys(SEALED_PERSON_FIELDS) as SealedPersonField[]) {
      const value = dto[field];
      if (value === undefined) continue;
      sealed[field] =
        value === null
          ? null
          : await this.cipher.seal(
              s,
              { type: 'case', id: caseId },
              personField(field),
              field === 'sensitive' ? JSON.stringify(value) : String(value),
            );
    }
    return sealed;
  }

  // ---- related persons -------------------------------------------------------------------

  listRelatedPersons(p: CouncilPrincipal, caseId: string): Promise<RelatedPersonList> {
    return this.access.use(
      p,
      { action: 'read', subject: 'RelatedPerson', caseId, event: 'related_person.list' },
      async (s) => {
        const rows = await this.repo.relatedPersons(s, caseId);
        const consents = p.ability.can('read', 'Consent')
          ? await this.repo.relatedPersonConsents(s, caseId)
          : null;
        const key = rows.length ? await this.key(s, caseId) : null;
        return {
          result: {
            items: rows.map((r) => relatedPersonView(p.ability, key, r, consents)),
            nextCursor: null,
          },
          resourceIds: rows.map((r) => r.id),
        };
      },
    );
  }

  createRelatedPerson(
    p: CouncilPrincipal,
    caseId: string,
    dto: CreateRelatedPersonDto,
  ): Promise<RelatedPersonView> {
    return this.access.use(
      p,
      { action: 'create', subject: 'RelatedPerson', caseId, lock: true },
      async (s) => {
        if (dto.birthDate && (await this.cases.isFuture(s, dto.birthDate)))
          throw invalid('birthDate', 'must not be in the future');
        const sealed = await this.sealPerson(s, caseId, dto);
        const id = await this.repo.insertRelatedPerson(s, caseId, dto, sealed, p.userId);
        const row = (await this.repo.relatedPersons(s, caseId)).find((r) => r.id === id)!;
        return {
          result: relatedPersonView(p.ability, await this.key(s, caseId), row, []),
          resourceId: id,
          reason: `relation=${dto.relation}`,
        };
      },
    );
  }

  updateRelatedPerson(
    p: CouncilPrincipal,
    caseId: string,
    id: string,
    dto: UpdateRelatedPersonDto,
  ): Promise<RelatedPersonView> {
    const fields = Object.keys(dto).filter(
      (k) => (dto as Record<string, unknown>)[k] !== undefined,
    );
    // PartialType lets null through as "absent"; these columns have no empty value.
    for (const field of ['relation', 'familyName', 'supported'] as const)
      if (dto[field] === null) throw invalid(field, 'must not be null');
    return this.access.use<RelatedPersonView, RelatedPersonRow>(
      p,
      { action: 'update', subject: 'RelatedPerson', caseId, id, lock: true },
      async (s, l) => {
        if (fields.length === 0) throw invalid('body', 'names no field to change');
        const relation = dto.relation ?? l.row!.relation;
        const relationText =
          dto.relationText !== undefined ? dto.relationText : l.row!.relationText;
        if (relation === 'other' && !relationText)
          throw invalid('relationText', 'is required for relation "other"');
        if (dto.birthDate && (await this.cases.isFuture(s, dto.birthDate)))
          throw invalid('birthDate', 'must not be in the future');
        const sealed = await this.sealPerson(s, caseId, dto);
        await this.repo.updateRelatedPerson(s, id, dto, sealed, p.userId);
        const row = (await this.repo.relatedPersons(s, caseId)).find((r) => r.id === id)!;
        const consents = await this.repo.relatedPersonConsents(s, caseId);
        return {
          result: relatedPersonView(p.ability, await this.key(s, caseId), row, consents),
          reason: `fields=${fields.join(',')}`,
        };
      },
    );
  }

  /**
   * A related person's own consent, when they are supported too. It records what they agreed
   * to be shared and with whom; it never covers a body on the case (coverage rests on the case
   * subject's consent or a statutory basis only, DESIGN.md §3.1).
   */
  addRelatedPersonConsent(
    p: CouncilPrincipal,
    caseId: string,
    id: string,
    dto: RelatedPersonConsentDto,
  ): Promise<RelatedPersonView> {
    return this.access.use<RelatedPersonView, RelatedPersonRow>(
      p,
      {
        action: 'update',
        subject: 'RelatedPerson',
        caseId,
        id,
        lock: true,
        event: 'related_person.consent',
        refs: dto.memberBodyIds.map((b) => ({ subject: 'MemberBody' as const, id: b })),
      },
      async (s, l) => {
        if (await this.cases.isFuture(s, dto.obtainedOn))
          throw invalid('obtainedOn', 'must not be in the future');
        if (dto.expiresOn && dto.expiresOn < dto.obtainedOn)
          throw invalid('expiresOn', 'must not be before obtainedOn');
        if (l.refs.some((b) => !b.current))
          throw new DomainError(
            422,
            'MEMBER_BODY_NOT_CURRENT',
            'Consent can name current member bodies only',
          );
        const consentId = await this.repo.insertRelatedPersonConsent(s, caseId, id, dto, p.userId);
        const row = (await this.repo.relatedPersons(s, caseId)).find((r) => r.id === id)!;
        const consents = await this.repo.relatedPersonConsents(s, caseId);
        return {
          result: relatedPersonView(p.ability, await this.key(s, caseId), row, consents),
          resourceId: id,
          resourceIds: dto.memberBodyIds,
          reason: `consent=${consentId}`,
        };
      },
    );
  }

  // ---- risk ------------------------------------------------------------------------------

  setRisk(p: CouncilPrincipal, caseId: string, dto: SetRiskDto): Promise<RiskView> {
    return this.access.use(
      p,
      { action: 'create', subject: 'Risk', caseId, lock: true, event: 'risk.set' },
      async (s, l) => {
        const previous = l.case!.riskLevel;
        const row = await this.repo.setRisk(
          s,
          caseId,
          dto.level,
          await this.cipher.seal(s, { type: 'case', id: caseId }, RISK_REASON, dto.reason),
          p.userId,
          p.staff?.memberBodyId ?? null,
        );
        return {
          result: this.riskView(p, l.case!, await this.key(s, caseId), row),
          resourceId: row.id,
          // Levels are codes, not content: the audit log may hold them.
          reason: `level=${previous ?? 'none'}->${dto.level}`,
        };
      },
    );
  }

  riskHistory(p: CouncilPrincipal, caseId: string): Promise<RiskHistoryView> {
    return this.access.use(
      p,
      { action: 'read', subject: 'Risk', caseId, event: 'risk.read' },
      async (s, l) => {
        const rows = await this.repo.riskHistory(s, caseId);
        const full = p.ability.can('read', caseSubject(l.case!), 'sensitive');
        const key = full && rows.length ? await this.key(s, caseId) : null;
        const history = rows.map((r) => this.riskView(p, l.case!, key, r));
        return {
          result: { current: history[0] ?? null, history },
          resourceIds: rows.map((r) => r.id),
        };
      },
    );
  }

  /**
   * The reason is free text that may hold 要配慮 content: not for limited scope (§3.9), and
   * opened only for those who may read it. Null once the case's key was destroyed (disposal).
   */
  private riskView(p: CouncilPrincipal, c: CaseRow, key: DataKey | null, r: RiskRow): RiskView {
    const full = p.ability.can('read', caseSubject(c), 'sensitive');
    const reason = !full
      ? null
      : r.reasonSealed
        ? (key?.open(RISK_REASON, r.reasonSealed) ?? null)
        : r.reason;
    return {
      id: r.id,
      level: r.level,
      reason,
      setAt: r.setAt.toISOString(),
      setBy: r.setBy,
      setByBodyId: r.setByBodyId,
    };
  }

  // ---- contacts --------------------------------------------------------------------------

  addContact(p: CouncilPrincipal, caseId: string, dto: CreateContactDto): Promise<ContactView> {
    return this.access.use(
      p,
      {
        action: 'create',
        subject: 'Contact',
        caseId,
        lock: true,
        // Agency staff record their own body's contacts only (agency.contact.create-own-body).
        facts: { memberBodyId: dto.memberBodyId },
        refs: [{ subject: 'MemberBody', id: dto.memberBodyId }],
      },
      async (s, l) => {
        if (await this.repo.isFutureInstant(s, dto.at))
          throw invalid('at', 'must not be in the future');
        if (!l.refs[0].current)
          throw new DomainError(
            422,
            'MEMBER_BODY_NOT_CURRENT',
            'Only a current member body records contacts',
          );
        const owner = { type: 'case' as const, id: caseId };
        const noteSealed = dto.note
          ? await this.cipher.seal(s, owner, CONTACT_NOTE, dto.note)
          : null;
        const row = await this.repo.insertContact(s, caseId, dto, noteSealed, p.userId);
        return {
          result: contactView(p.ability, await this.key(s, caseId), row),
          resourceId: row.id,
          resourceIds: [dto.memberBodyId],
          reason: `channel=${dto.channel} reached=${dto.reached}`,
        };
      },
    );
  }

  listContacts(p: CouncilPrincipal, caseId: string): Promise<ContactList> {
    return this.access.use(
      p,
      { action: 'read', subject: 'Contact', caseId, event: 'contact.list' },
      async (s) => {
        const rows = await this.repo.contacts(s, caseId);
        const key = rows.some((r) => r.noteSealed) ? await this.key(s, caseId) : null;
        return {
          result: { items: rows.map((r) => contactView(p.ability, key, r)), nextCursor: null },
          resourceIds: rows.map((r) => r.id),
        };
      },
    );
  }
}

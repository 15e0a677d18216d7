import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AccessService } from '../access/access.service';
import { RegisterScope } from '../access/council-scope';
import { attachmentContentField, FILE_STORAGE, FileStorage } from '../attachments/file-storage';
import { CaseCipher, KeyOwner } from './case-cipher';
import { LEGACY_COLUMNS, LegacyFile, LegacySealRepository } from './legacy-seal.repository';

/** Rows per transaction: short transactions, so the work runs beside a live installation. */
const BATCH = 200;
const FILE_BATCH = 20;

export interface LegacySealResult {
  councils: { councilId: string; sealed: Record<string, number>; filesRemoved: number }[];
}

async function councilIds(r: RegisterScope): Promise<string[]> {
  const rows = (await r.em.query(`SELECT id FROM councils ORDER BY id`)) as { id: string }[];
  return rows.map((x) => x.id);
}

/** Hashes what passes, to check a legacy file against the SHA-256 recorded at upload. */
class Sha256 extends Transform {
  readonly hash = createHash('sha256');
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/**
 * `data:seal` (issue 19, docs/security.md "Rows written before envelope encryption"): seals
 * what was stored plain before each field was sealed — the case's `sensitive`, note bodies,
 * contact notes, risk reasons, related persons' personal fields, attachment contents — under
 * the case's (a meeting file: the meeting's) data key, exactly as the features seal new content,
 * and blanks the plain copy. Readers already read plain text when a row has no sealed text, so
 * this runs beside live traffic, in short council transactions, each audited as `data.seal` by
 * the installation. It also removes again the stored files of disposed cases (a disposal removes
 * them after its commit; a crash in between would leave them). Safe to run again.
 *
 * Minutes written before envelope encryption are not covered: their finalised revisions are
 * immutable by trigger (DESIGN.md §3.7), so they stay plain until a migration allows the move.
 */
@Injectable()
export class LegacySealService {
  constructor(
    private readonly access: AccessService,
    private readonly cipher: CaseCipher,
    private readonly repo: LegacySealRepository,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
  ) {}

  async sealAll(): Promise<LegacySealResult> {
    const ids = await this.access.register(null, councilIds);
    const councils: LegacySealResult['councils'] = [];
    for (const councilId of ids) {
      const sealed: Record<string, number> = {};
      for (const column of LEGACY_COLUMNS) {
        for (;;) {
          const n = await this.sealColumnBatch(councilId, column);
          if (n) sealed[column.field] = (sealed[column.field] ?? 0) + n;
          if (n < BATCH) break;
        }
      }
      for (;;) {
        const n = await this.sealFileBatch(councilId);
        if (n) sealed['attachments.content'] = (sealed['attachments.content'] ?? 0) + n;
        if (n < FILE_BATCH) break;
      }
      const destroyed = await this.access.system(councilId, async (s) => ({
        result: await this.repo.destroyedFiles(s),
        audit: null,
      }));
      for (const key of destroyed) await this.storage.remove(key);
      councils.push({ councilId, sealed, filesRemoved: destroyed.length });
    }
    return { councils };
  }

  private sealColumnBatch(
    councilId: string,
    column: (typeof LEGACY_COLUMNS)[number],
  ): Promise<number> {
    return this.access.system(councilId, async (s) => {
      const rows = await this.repo.pending(s, column, BATCH);
      for (const r of rows) {
        const sealed = await this.cipher.seal(
          s,
          { type: 'case', id: r.caseId },
          column.field,
          r.text,
        );
        await this.repo.seal(s, column, r.id, sealed);
      }
      return {
        result: rows.length,
        audit: rows.length
          ? {
              action: 'data.seal',
              outcome: 'allowed',
              resourceType: 'council',
              resourceId: councilId,
              reason: `field=${column.field} rows=${rows.length}`,
            }
          : null,
      };
    });
  }

  /**
   * Each file is written again sealed under a new storage key, checked against its recorded
   * SHA-256, and the row moved to it; the plain copy is removed only once that has committed
   * (and the sealed copies are removed if it did not).
   */
  private async sealFileBatch(councilId: string): Promise<number> {
    const written: string[] = [];
    const replaced: string[] = [];
    try {
      const n = await this.access.system(councilId, async (s) => {
        const files = await this.repo.pendingFiles(s, FILE_BATCH);
        for (const f of files) {
          const key = (await this.cipher.dataKey(s, ownerOf(f), true))!;
          const storageKey = `${councilId}/${randomUUID()}`;
          const hash = new Sha256();
          const seal = key.sealStream(attachmentContentField(f.id));
          written.push(storageKey);
          await Promise.all([
            pipeline(await this.storage.read(f.storageKey), hash, seal),
            this.storage.write(storageKey, seal),
          ]);
          if (!hash.hash.digest().equals(f.sha256))
            throw new Error(`attachment ${f.id}: stored bytes differ from their recorded SHA-256`);
          await this.repo.fileSealed(s, f.id, storageKey);
          replaced.push(f.storageKey);
        }
        return {
          result: files.length,
          audit: files.length
            ? {
                action: 'data.seal',
                outcome: 'allowed',
                resourceType: 'council',
                resourceId: councilId,
                reason: `field=attachments.content rows=${files.length}`,
              }
            : null,
        };
      });
      for (const old of replaced) await this.storage.remove(old);
      return n;
    } catch (error) {
      for (const fresh of written) await this.storage.remove(fresh).catch(() => undefined);
      throw error;
    }
  }
}

/** As AttachmentsService seals: a meeting's file under the meeting's key, others the case's. */
const ownerOf = (f: LegacyFile): KeyOwner =>
  f.parentType === 'meeting'
    ? { type: 'meeting', id: f.parentId }
    : { type: 'case', id: f.caseId! };

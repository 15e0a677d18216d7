import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { RegisterScope } from '../access/council-scope';
import { CaseCipher } from './case-cipher';

export interface RotationResult {
  kekId: string;
  councils: { councilId: string; rewrapped: number }[];
}

/** The councils to visit (the register is public, 公示): ids only. */
async function councilIds(r: RegisterScope): Promise<string[]> {
  const rows = (await r.em.query(`SELECT id FROM councils ORDER BY id`)) as { id: string }[];
  return rows.map((x) => x.id);
}

/**
 * `kek:rotate` (issue 19, docs/security.md "Rotation"): re-wraps every council's live data keys
 * under the current DATA_KEK, one council transaction each (RLS), each written to that council's
 * audit log as `data_keys.rewrap` by the installation. Content is not re-encrypted — the data
 * keys stay the same — so rotation is quick, and once it has run the previous KEKs are no longer
 * needed (remove DATA_KEK_PREVIOUS). Safe to run again: keys already under the current KEK are
 * left alone.
 */
@Injectable()
export class KekRotationService {
  constructor(
    private readonly access: AccessService,
    private readonly cipher: CaseCipher,
  ) {}

  async rotate(): Promise<RotationResult> {
    const kekId = this.cipher.keyring.currentId;
    const ids = await this.access.register(null, councilIds);
    const councils: RotationResult['councils'] = [];
    for (const councilId of ids) {
      const { rewrapped } = await this.access.system(councilId, async (s) => {
        const done = await this.cipher.rewrap(s);
        return {
          result: done,
          audit: done.rewrapped
            ? {
                action: 'data_keys.rewrap',
                outcome: 'allowed',
                resourceType: 'council',
                resourceId: councilId,
                reason: `kek=${kekId} keys=${done.rewrapped}`,
              }
            : null,
        };
      });
      councils.push({ councilId, rewrapped });
    }
    return { kekId, councils };
  }
}

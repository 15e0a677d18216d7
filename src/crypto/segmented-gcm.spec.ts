import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { OpenSegments, SealSegments, SEGMENT, sealedSize } from './segmented-gcm';

const key = randomBytes(32);
const INFO = 'council/case/1/attachment.content/a';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Feeds `data` in uneven chunks, as a socket would. */
function source(data: Buffer, chunk = 7_001): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, i + chunk));
  return Readable.from(parts);
}

const seal = (data: Buffer, info = INFO) => collect(source(data).pipe(new SealSegments(key, info)));
const open = (sealed: Buffer, info = INFO, k = key) =>
  collect(source(sealed, 50_000).pipe(new OpenSegments(k, info)));

describe('segmented AES-256-GCM (attachment contents)', () => {
  it.each([1, 100, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 5])(
    'round-trips %i bytes, sealed to the documented size',
    async (size) => {
      const data = randomBytes(size);
      const sealed = await seal(data);
      expect(sealed.length).toBe(sealedSize(size));
      // The plain text is not in the output — checked only where the probe is long enough that
      // random ciphertext cannot contain it by chance (a 1-byte probe is found ~20 % of the time).
      if (size >= 16) expect(sealed.includes(data.subarray(0, Math.min(size, 64)))).toBe(false);
      expect((await open(sealed)).equals(data)).toBe(true);
    },
  );

  it('seals the same bytes differently each time (a random salt per file)', async () => {
    const data = Buffer.from('同じ内容');
    expect((await seal(data)).equals(await seal(data))).toBe(false);
  });

  it('refuses a flipped byte anywhere', async () => {
    const sealed = await seal(randomBytes(2 * SEGMENT + 10));
    for (const at of [0, 5, 40, SEGMENT, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[at] ^= 1;
      await expect(open(altered)).rejects.toThrow();
    }
  });

  it('refuses a file cut at a segment boundary, or with its segments swapped', async () => {
    const sealed = await seal(randomBytes(3 * SEGMENT));
    const header = 33;
    const seg = SEGMENT + 16;
    await expect(open(sealed.subarray(0, header + 2 * seg))).rejects.toThrow();
    const swapped = Buffer.concat([
      sealed.subarray(0, header),
      sealed.subarray(header + seg, header + 2 * seg),
      sealed.subarray(header, header + seg),
      sealed.subarray(header + 2 * seg),
    ]);
    await expect(open(swapped)).rejects.toThrow();
    await expect(open(sealed.subarray(0, 20))).rejects.toThrow(/truncated/);
  });

  it('does not open for another owner or field, or under another key', async () => {
    const sealed = await seal(Buffer.from('consent form'));
    await expect(open(sealed, 'council/case/2/attachment.content/a')).rejects.toThrow();
    await expect(open(sealed, INFO, randomBytes(32))).rejects.toThrow();
  });
});

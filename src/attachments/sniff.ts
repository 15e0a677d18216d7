/**
 * The content type of an upload, from its first bytes — never from the client's Content-Type or
 * file name (an .exe called .pdf is refused). An allow-list of formats councils exchange (signed
 * forms as scans or PDFs), each recognised by its magic bytes; anything else is refused. Hand
 * written on purpose: `file-type` (the usual library) is ESM-only since v17 and recognises
 * hundreds of formats we would only have to refuse again.
 */
export const ALLOWED_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/tiff',
] as const;
export type AllowedType = (typeof ALLOWED_TYPES)[number];

/** How many leading bytes `sniff` needs to decide. */
export const SNIFF_BYTES = 16;

const starts = (b: Buffer, sig: number[], at = 0): boolean =>
  b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (s: string): number[] => [...s].map((ch) => ch.charCodeAt(0));

export function sniff(head: Buffer): AllowedType | null {
  if (starts(head, ascii('%PDF-'))) return 'application/pdf';
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(head, ascii('GIF87a')) || starts(head, ascii('GIF89a'))) return 'image/gif';
  if (starts(head, ascii('RIFF')) && starts(head, ascii('WEBP'), 8)) return 'image/webp';
  if (starts(head, [0x49, 0x49, 0x2a, 0x00]) || starts(head, [0x4d, 0x4d, 0x00, 0x2a]))
    return 'image/tiff';
  return null;
}

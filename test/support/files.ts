import type { IncomingMessage } from 'node:http';
import type { Response } from 'superagent';

/**
 * A supertest parser that keeps the body as bytes (downloads, XLSX, sealed files):
 * `request(app).get(path).buffer(true).parse(binaryBody)` — `res.body` is then a Buffer.
 */
export function binaryBody(
  response: Response,
  done: (error: Error | null, body: Buffer) => void,
): void {
  // At parse time superagent hands over Node's response stream.
  const res = response as unknown as IncomingMessage;
  const chunks: Buffer[] = [];
  res.on('data', (d: Buffer) => chunks.push(d));
  res.on('end', () => done(null, Buffer.concat(chunks)));
  res.on('error', (e: Error) => done(e, Buffer.alloc(0)));
}

/** A file the upload sniffer takes for a PDF, with `text` inside (to look for in storage). */
export const pdfWith = (text: string): Buffer =>
  Buffer.from(`%PDF-1.4\n% ${text}\n${'x'.repeat(200)}\n%%EOF\n`);

import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  /** The raw header block (as received). */
  headers: string;
  /** The decoded text body. */
  text: string;
}

export interface Mailbox {
  /** `SMTP_URL` for the app under test. */
  url: string;
  messages: ReceivedMail[];
  /** The first mail to `to` matching `match` (already received, or the next to arrive). */
  next(to: string, match?: (m: ReceivedMail) => boolean): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** Quoted-printable (RFC 2045) as nodemailer writes it: soft breaks and =XX bytes. */
function decodeQuotedPrintable(body: string): string {
  const bytes: number[] = [];
  const joined = body.replace(/=\r?\n/g, '');
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function parse(raw: string, to: string[]): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body;
  return { to, headers, text };
}

/**
 * A real SMTP server in the test process (the `smtp-server` package) that keeps what it
 * receives, so a test reads the mail the application sent. A message is stored before the
 * server acknowledges it, so once the application's send has returned, the mail is here.
 */
export async function startMailbox(): Promise<Mailbox> {
  const messages: ReceivedMail[] = [];
  const waiting: {
    to: string;
    match: (m: ReceivedMail) => boolean;
    resolve: (m: ReceivedMail) => void;
  }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = parse(
          Buffer.concat(chunks).toString('utf8'),
          session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
        );
        messages.push(mail);
        for (const w of [...waiting]) {
          if (mail.to.includes(w.to) && w.match(mail)) {
            waiting.splice(waiting.indexOf(w), 1);
            w.resolve(mail);
          }
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    next(to, match = () => true) {
      const address = to.toLowerCase();
      const found = messages.find((m) => m.to.includes(address) && match(m));
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiting.push({ to: address, match, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The token in a link of the mail (`…?token=…`). */
export const tokenIn = (mail: ReceivedMail): string => {
  const token = /[?&]token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error('no token in the mail');
  return token;
};

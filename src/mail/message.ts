// Builds the exact bytes of one mail (RFC 5322 with MIME parts) before any connection is opened, so
// the sender can transmit it knowing its full size and commit its state before the last byte.
// Headers: From with a display name, To, Subject, Date, a stable Message-ID on the instance's domain,
// List-Id and the RFC 8058 unsubscribe pair; optional DKIM signature from configuration.
// Header injection is impossible: every header value is reduced to one line before it is used.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { encodeWords, foldLines, isPlainText } from 'nodemailer/lib/mime-funcs';
import DKIM from 'nodemailer/lib/dkim';
import type { AppContext } from '../context.js';
import { fromAddress, fromName, mailDomain, type MailLinks } from './links.js';
import { oneLine, type RenderedMail } from './templates.js';

export interface BuiltMessage {
  from: string;
  to: string;
  raw: Buffer;
}

export interface MessageOptions {
  to: string;
  messageId: string;
  date: Date;
  mail: RenderedMail;
  /** Digests and notices carry unsubscribe headers; the confirmation mail does not. */
  links?: MailLinks;
}

/** A Message-ID for an outbox row: stable across retries, on the instance's domain. */
export function stableMessageId(ctx: AppContext, kind: string, subscriberId: number, period: string): string {
  const slug = period.replace(/[^A-Za-z0-9.-]+/g, '-');
  return `<${kind}.${subscriberId}.${slug}@${mailDomain(ctx)}>`;
}

let dkimSigner: { key: string; signer: DKIM | null } | undefined;

function dkimFor(ctx: AppContext): DKIM | null {
  const { PAPERBOY_DKIM_DOMAIN: domainName, PAPERBOY_DKIM_SELECTOR: keySelector, PAPERBOY_DKIM_KEY_FILE: file } = ctx.config;
  const key = `${domainName}|${keySelector}|${file}`;
  if (dkimSigner?.key !== key) {
    dkimSigner = {
      key,
      signer: domainName && keySelector && file ? new DKIM({ domainName, keySelector, privateKey: readFileSync(file, 'utf8') }) : null,
    };
  }
  return dkimSigner.signer;
}

// A MIME boundary must not occur in the parts it separates. The parts are base64, whose alphabet has
// no '-', so a boundary starting with '-' never can; a random per-process prefix and a counter keep
// boundaries distinct without paying for random bytes on every message.
const boundaryPrefix = `----pb-${randomBytes(8).toString('hex')}-`;
let boundaryCount = 0;

export async function buildMessage(ctx: AppContext, o: MessageOptions): Promise<BuiltMessage> {
  const from = fromAddress(ctx);
  const boundary = `${boundaryPrefix}${(boundaryCount++).toString(36)}`;
  const lines = [
    header('From', `${encodeText(oneLine(fromName(ctx), 100))} <${from}>`),
    header('To', `<${oneLine(o.to, 320)}>`),
    header('Subject', encodeText(oneLine(o.mail.subject, 250))),
    header('Date', rfc2822Date(o.date)),
    header('Message-ID', oneLine(o.messageId, 250)),
    'MIME-Version: 1.0',
  ];
  if (o.links) {
    lines.push(header('List-Id', `${encodeText(oneLine(fromName(ctx), 60))} digest <digest.${mailDomain(ctx)}>`));
    lines.push(`List-Unsubscribe: <${oneLine(o.links.unsubscribe, 900)}>,\r\n <${oneLine(o.links.unsubscribeMailto, 900)}>`);
    lines.push('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  }
  lines.push(`Content-Type: multipart/alternative; boundary="${boundary}"`, '', '');
  const pieces = [Buffer.from(lines.join('\r\n'), 'utf8'), part(boundary, 'text/plain', o.mail.bytes?.text ?? o.mail.text)];
  if (o.mail.bytes?.html.length || o.mail.html) pieces.push(part(boundary, 'text/html', o.mail.bytes?.html ?? o.mail.html));
  pieces.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  let raw: Buffer = Buffer.concat(pieces);
  const dkim = dkimFor(ctx);
  if (dkim) raw = await streamToBuffer(dkim.sign(raw));
  return { from, to: o.to, raw };
}

// The message is written directly rather than through nodemailer's MailComposer: a digest run
// builds one message per subscriber, and the composer's stream pipeline cost more than composing
// and sending together. Bodies are base64 (native, fast, 7-bit safe); headers are encoded words.

function header(name: string, value: string): string {
  return foldLines(`${name}: ${value}`, 76);
}

/** A header value as RFC 2047 encoded words when it is not plain ASCII. */
function encodeText(value: string): string {
  return isPlainText(value) ? value : encodeWords(value, 'Q', 52);
}

/** One MIME part: its headers, then the content in base64 lines of 76 characters (RFC 2045). */
function part(boundary: string, type: string, content: string | Buffer): Buffer {
  const all = (typeof content === 'string' ? Buffer.from(content, 'utf8') : content).toString('base64');
  const lines: string[] = [`--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n`];
  for (let i = 0; i < all.length; i += 76) lines.push(all.slice(i, i + 76));
  lines.push('');
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

function rfc2822Date(d: Date): string {
  // toUTCString gives "Fri, 27 Nov 2026 10:00:00 GMT"; RFC 5322 prefers a numeric zone.
  return d.toUTCString().replace(/GMT$/, '+0000');
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

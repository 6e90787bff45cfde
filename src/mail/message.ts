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
import { base64Body, type BodyPiece } from './base64-body.js';

export interface BuiltMessage {
  from: string;
  to: string;
  /** The message's bytes in the pieces it was assembled from (the SMTP pool copies them once, into
   * the block its thread reads), and joined, computed when read. */
  chunks: Buffer[];
  readonly raw: Buffer;
}

function built(from: string, to: string, chunks: Buffer[]): BuiltMessage {
  return {
    from,
    to,
    chunks,
    get raw() {
      return Buffer.concat(chunks);
    },
  };
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
  return `<${kind}.${subscriberId}.${periodSlug(period)}@${mailDomain(ctx)}>`;
}

const slugs = new Map<string, string>();

/** daily:2026-11-27 -> daily-2026-11-27 (kept: a digest run asks for a handful of periods thousands of times). */
function periodSlug(period: string): string {
  let slug = slugs.get(period);
  if (slug === undefined) {
    if (slugs.size > 1000) slugs.clear();
    slugs.set(period, (slug = period.replace(/[^A-Za-z0-9.-]+/g, '-')));
  }
  return slug;
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
  // One list of chunks for the whole message (parts append to it).
  const pieces = [Buffer.from(lines.join('\r\n'), 'utf8')];
  part(pieces, boundary, 'text/plain', o.mail.pieces?.text ?? [utf8(o.mail.text)]);
  const html = o.mail.pieces?.html ?? (o.mail.html ? [utf8(o.mail.html)] : []);
  if (html.length) part(pieces, boundary, 'text/html', html);
  pieces.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  const dkim = dkimFor(ctx);
  if (dkim) return built(from, o.to, [await streamToBuffer(dkim.sign(Buffer.concat(pieces)))]);
  return built(from, o.to, pieces);
}

// The message is written directly rather than through nodemailer's MailComposer: a digest run
// builds one message per subscriber, and the composer's stream pipeline cost more than composing
// and sending together. Bodies are base64 (7-bit safe), assembled from pieces whose encoding is
// kept (base64-body.ts); headers are encoded words.

function header(name: string, value: string): string {
  return foldLines(`${name}: ${value}`, 76);
}

/** A header value as RFC 2047 encoded words when it is not plain ASCII. */
function encodeText(value: string): string {
  return isPlainText(value) ? value : encodeWords(value, 'Q', 52);
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** One MIME part, appended to `out`: its headers, then the content in base64 lines of at most 76 characters (RFC 2045). */
function part(out: Buffer[], boundary: string, type: string, content: BodyPiece[]): void {
  out.push(Buffer.from(`--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n`, 'latin1'));
  base64Body(content, out);
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

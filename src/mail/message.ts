// Builds the exact bytes of one mail (RFC 5322 with MIME parts) before any connection is opened, so
// the sender can transmit it knowing its full size and commit its state before the last byte.
// Headers: From with a display name, To, Subject, Date, a stable Message-ID on the instance's domain,
// List-Id and the RFC 8058 unsubscribe pair; optional DKIM signature from configuration.
// Header injection is impossible: every header value is reduced to one line before it is used.
import { readFileSync } from 'node:fs';
import MailComposer from 'nodemailer/lib/mail-composer';
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

export async function buildMessage(ctx: AppContext, o: MessageOptions): Promise<BuiltMessage> {
  const from = fromAddress(ctx);
  const headers: Record<string, string> = {};
  if (o.links) {
    headers['List-Id'] = `${oneLine(fromName(ctx), 60)} digest <digest.${mailDomain(ctx)}>`;
    headers['List-Unsubscribe'] = `<${oneLine(o.links.unsubscribe, 2000)}>, <${oneLine(o.links.unsubscribeMailto, 2000)}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const composer = new MailComposer({
    from: { name: oneLine(fromName(ctx), 100), address: from },
    to: oneLine(o.to, 320),
    subject: oneLine(o.mail.subject, 250),
    text: o.mail.text,
    html: o.mail.html,
    messageId: oneLine(o.messageId, 250),
    date: o.date,
    headers,
    // The text part is plain UTF-8; quoted-printable keeps lines short for every mail server.
    textEncoding: 'quoted-printable',
  });
  let raw: Buffer = await composer.compile().build();
  const dkim = dkimFor(ctx);
  if (dkim) raw = await streamToBuffer(dkim.sign(raw));
  return { from, to: o.to, raw };
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

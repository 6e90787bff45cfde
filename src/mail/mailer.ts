// The Mailer: how any part of paperboy sends one mail. Backed by nodemailer over SMTP: the configured
// server (PAPERBOY_SMTP_URL) or, when none is set, the built-in development mailbox on localhost.
// Domain code depends on this interface, never on nodemailer or SMTP directly.
import nodemailer, { type Transporter } from 'nodemailer';
import type { AppContext } from '../context.js';
import { devMailboxPort } from './transport.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  messageId?: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string; accepted: string[]; rejected: string[] }>;
  close(): void;
}

export function smtpUrlOf(ctx: AppContext): string {
  return ctx.config.PAPERBOY_SMTP_URL || `smtp://127.0.0.1:${devMailboxPort(ctx)}`;
}

export function createMailer(ctx: AppContext, options: { pool?: boolean; maxConnections?: number } = {}): Mailer {
  const transport: Transporter = nodemailer.createTransport({
    url: smtpUrlOf(ctx),
    pool: options.pool ?? false,
    maxConnections: options.maxConnections ?? 2,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // The development mailbox speaks plain SMTP on localhost.
    ignoreTLS: !ctx.config.PAPERBOY_SMTP_URL,
  } as any);
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: ctx.config.PAPERBOY_MAIL_FROM,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        messageId: mail.messageId,
      });
      return { messageId: info.messageId, accepted: (info.accepted ?? []).map(String), rejected: (info.rejected ?? []).map(String) };
    },
    close: () => transport.close(),
  };
}

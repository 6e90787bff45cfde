// One SMTP pool and one rate cap per process (per AppContext): the configured server, or the
// built-in development mailbox on localhost when PAPERBOY_SMTP_URL is empty. The pool's connections
// live in their own thread (smtp-thread-pool.ts), so SMTP work overlaps composing and rendering.
import type { AppContext } from '../context.js';
import type { Clock } from '../clock.js';
import { parseSmtpUrl } from './smtp-lanes.js';
import { SmtpThreadPool, type SmtpPool } from './smtp-thread-pool.js';

/** Connections of the digest SMTP pool. */
export const SMTP_CONNECTIONS = 4;

/** Spaces sends at most `perSecond` apart on the (injectable) clock. */
export class RateCap {
  private next = 0;
  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
  ) {}

  async take(): Promise<void> {
    const now = this.clock.now().getTime();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await this.clock.sleep(at - now);
  }
}

export interface MailTransport {
  lanes: SmtpPool;
  rate: RateCap;
}

const transports = new WeakMap<AppContext, MailTransport>();
const devPorts = new WeakMap<AppContext, number>();

export function devMailboxPort(ctx: AppContext): number {
  return devPorts.get(ctx) ?? ctx.config.PAPERBOY_DEV_SMTP_PORT;
}

/** The port the development mailbox actually listens on (PAPERBOY_DEV_SMTP_PORT may be 0). */
export function setDevMailboxPort(ctx: AppContext, port: number): void {
  devPorts.set(ctx, port);
  closeMailTransport(ctx);
}

export function devMailboxMode(ctx: AppContext): boolean {
  return !ctx.config.PAPERBOY_SMTP_URL;
}

export function mailTransport(ctx: AppContext): MailTransport {
  let t = transports.get(ctx);
  if (!t) {
    const url = ctx.config.PAPERBOY_SMTP_URL || `smtp://127.0.0.1:${devMailboxPort(ctx)}?tls=off`;
    t = { lanes: new SmtpThreadPool(parseSmtpUrl(url), SMTP_CONNECTIONS), rate: new RateCap(ctx.clock, ctx.config.PAPERBOY_MAIL_RATE) };
    transports.set(ctx, t);
  }
  return t;
}

export function closeMailTransport(ctx: AppContext): void {
  transports.get(ctx)?.lanes.close();
  transports.delete(ctx);
}

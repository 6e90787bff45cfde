// Long-running mail services that `serve` starts beside the web server: the development mailbox
// when no SMTP server is configured. Stopping also closes the SMTP pool's connections.
import type { AppContext } from '../context.js';
import { startDevMailbox } from './dev-mailbox.js';
import { closeMailTransport, devMailboxMode, setDevMailboxPort } from './transport.js';

/** Starts what mail needs in this process; returns a function that stops it. */
export async function startMailServices(ctx: AppContext): Promise<() => Promise<void>> {
  if (!devMailboxMode(ctx)) return async () => closeMailTransport(ctx);
  const mailbox = await startDevMailbox(ctx.config.dataDir, ctx.config.PAPERBOY_DEV_SMTP_PORT);
  setDevMailboxPort(ctx, mailbox.port);
  ctx.log.info({ port: mailbox.port }, 'development mailbox: mail is kept locally and shown at /dev/mail');
  return async () => {
    closeMailTransport(ctx);
    await mailbox.close();
  };
}

// A counting SMTP server on 127.0.0.1 (port 0) for the multi-process test: records the recipients of
// every message received in full. A client killed mid-message (SIGKILL) resets its connection; that
// is expected here, so connection errors are noted, never thrown.
import { SMTPServer } from 'smtp-server';

export interface CountingSink {
  url: string;
  /** Recipients of each message received in full, in arrival order. */
  received: string[];
  /** The Message-ID header of each of those messages (same order). */
  messageIds: string[];
  resets: number;
  close(): Promise<void>;
}

export async function startCountingSink(): Promise<CountingSink> {
  const sink: CountingSink = { url: '', received: [], messageIds: [], resets: 0, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('error', () => sink.resets++); // the sender went away mid-message: not received
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 8192) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        sink.received.push(session.envelope.rcptTo.map((r) => r.address).join(','));
        sink.messageIds.push(/^Message-ID:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? 'missing');
        callback();
      });
    },
  });
  server.on('error', () => sink.resets++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.server.address();
  sink.url = `smtp://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}?tls=off`;
  sink.close = () =>
    new Promise((resolve) => {
      for (const c of (server as any).connections) c._socket?.destroy();
      server.close(() => resolve());
    });
  return sink;
}

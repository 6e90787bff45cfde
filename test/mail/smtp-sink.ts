// A real SMTP server on 127.0.0.1 (port 0) for the mail tests: records every accepted message and
// can be told how to answer each transaction (4xx/5xx for some recipients, dropped connections).
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export type Verdict = 'accept' | { code: number; message: string } | 'drop-mid-data';

export interface Sink {
  port: number;
  url: string;
  received: Array<{ to: string; raw: Buffer }>;
  /** Decides the answer to the end of data for a recipient (default: accept). */
  onMessage: (to: string, n: number) => Verdict;
  /** Decides the answer to RCPT TO (default: accept). */
  onRcpt: (to: string) => Verdict;
  /** Runs after a message is stored, before the server answers 250 (crash tests kill here). */
  afterData: (to: string) => void;
  parsed(): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  let count = 0;
  const sink: Sink = {
    port: 0,
    url: '',
    received: [],
    onMessage: () => 'accept',
    onRcpt: () => 'accept',
    afterData: () => {},
    parsed: () => Promise.all(sink.received.map((m) => simpleParser(m.raw))),
    close: () =>
      new Promise((resolve) => {
        for (const c of (server as any).connections) c._socket?.destroy();
        server.close(() => resolve());
      }),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const v = sink.onRcpt(address.address);
      if (v === 'accept' || v === 'drop-mid-data') return callback();
      callback(Object.assign(new Error(v.message), { responseCode: v.code }));
    },
    onData(stream, session: SMTPServerSession, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address).join(',');
      const verdict = sink.onMessage(to, ++count);
      const chunks: Buffer[] = [];
      if (verdict === 'drop-mid-data') {
        stream.once('data', () => {
          const conn = [...(server as any).connections].find((c: any) => c.session === session);
          conn?._socket?.destroy();
        });
      }
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (verdict === 'drop-mid-data') return;
        if (verdict !== 'accept') return callback(Object.assign(new Error(verdict.message), { responseCode: verdict.code }));
        sink.received.push({ to, raw: Buffer.concat(chunks) });
        sink.afterData(to);
        callback();
      });
    },
  });
  // A client that goes away mid-conversation (the crash test kills it) is not the server's error.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.server.address();
  sink.port = typeof addr === 'object' && addr ? addr.port : 0;
  sink.url = `smtp://127.0.0.1:${sink.port}?tls=off`;
  return sink;
}

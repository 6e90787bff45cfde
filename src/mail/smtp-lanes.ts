// The SMTP pool that digests go through: a fixed number of persistent connections ("lanes") built
// on nodemailer's SMTPConnection. It exists instead of nodemailer's own pooled transport for one
// reason: the sender must run a step (commit the outbox row) after the whole message body has been
// handed over and *before* the terminating "<CRLF>.<CRLF>" is written. Until that dot, an SMTP server
// must discard the message if the connection breaks (RFC 5321 §4.1.1.4), so a sender that dies before
// its commit has sent nothing; nodemailer's pool reads the message ahead of the DATA command, which
// would move the commit before the envelope and lose mail on a crash. Everything else (TLS, AUTH,
// pipelining, dot-stuffing) is nodemailer's.
import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

export interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  ignoreTLS: boolean;
  auth?: { user: string; pass: string };
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

export function parseSmtpUrl(url: string, timeouts: Partial<SmtpTarget> = {}): SmtpTarget {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  if (!['smtp:', 'smtps:'].includes(u.protocol)) throw new Error('PAPERBOY_SMTP_URL must start with smtp:// or smtps://');
  return {
    host: u.hostname,
    port: Number(u.port) || (secure ? 465 : 587),
    secure,
    ignoreTLS: u.searchParams.get('tls') === 'off',
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
    ...timeouts,
  };
}

/** What became of one message. */
export type SendOutcome =
  | { ok: true; response: string }
  | {
      ok: false;
      /** 4xx, refused, timeout, dropped: try again later. 5xx: do not. */
      temporary: boolean;
      /** True when the server answered with a code (so it surely did not take the message). */
      answered: boolean;
      /** The commit hook refused (our lease was lost): nothing was delivered. */
      abandoned: boolean;
      code: number | null;
      message: string;
    };

class LeaseLost extends Error {
  constructor() {
    super('outbox lease lost before the end of data; transmission abandoned');
  }
}

interface Lane {
  conn: SMTPConnection | null;
  ready: Promise<SMTPConnection> | null;
  messages: number;
}

const MESSAGES_PER_CONNECTION = 1000;

export class SmtpLanes {
  private readonly free: Lane[] = [];
  private readonly waiting: Array<(lane: Lane) => void> = [];
  private closed = false;

  constructor(
    private readonly target: SmtpTarget,
    readonly size: number,
  ) {
    for (let i = 0; i < size; i++) this.free.push({ conn: null, ready: null, messages: 0 });
  }

  /**
   * Sends `raw` to one recipient. `beforeEnd` is asked when the transaction opens and its answer is
   * awaited before the end-of-data dot; if it is false, the transmission is abandoned mid-DATA.
   * Asking early lets the answer (a database query in another thread) travel while the envelope and
   * body do, instead of adding its round trip to every message.
   */
  async send(envelope: { from: string; to: string }, raw: Buffer, beforeEnd?: () => Promise<boolean>): Promise<SendOutcome> {
    const lane = await this.acquire();
    try {
      let conn: SMTPConnection;
      try {
        conn = await this.connect(lane);
      } catch (err) {
        return failure(err, false);
      }
      const gate = beforeEnd ? beforeEnd() : Promise.resolve(true);
      gate.catch(() => undefined); // a failed check ends the transmission below, not the process
      return await new Promise<SendOutcome>((resolve) => {
        let phase = 0;
        let gatePassed = false;
        const body = new Readable({
          read() {
            if (phase === 0) {
              phase = 1;
              this.push(raw);
            } else if (phase === 1) {
              phase = 2;
              // The dot goes out once every byte of the body has left for the socket and the check
              // has answered yes.
              drained(conn)
                .then(() => gate)
                .then(
                  (ok) => {
                    if (ok) {
                      gatePassed = true;
                      this.push(null);
                    } else this.destroy(new LeaseLost());
                  },
                  (err) => this.destroy(err instanceof Error ? err : new Error(String(err))),
                );
            }
          },
        });
        lane.messages++;
        conn.send({ from: envelope.from, to: [envelope.to] }, body, (err, info) => {
          if (!err) return resolve({ ok: true, response: String(info?.response ?? '') });
          const outcome = failure(err, gatePassed);
          if (body.errored instanceof LeaseLost || outcome.ok === false && outcome.abandoned) {
            this.drop(lane);
            return resolve({ ok: false, temporary: true, answered: false, abandoned: true, code: null, message: new LeaseLost().message });
          }
          // A server that answered with a code keeps the session usable after RSET, except on 421.
          if (!outcome.ok && outcome.answered && outcome.code !== 421) {
            conn.reset((resetErr) => {
              if (resetErr) this.drop(lane);
              resolve(outcome);
            });
            return;
          }
          this.drop(lane);
          resolve(outcome);
        });
      });
    } finally {
      this.release(lane);
    }
  }

  private acquire(): Promise<Lane> {
    if (this.closed) return Promise.reject(new Error('SMTP pool is closed'));
    const lane = this.free.pop();
    if (lane) return Promise.resolve(lane);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(lane: Lane): void {
    if (lane.messages >= MESSAGES_PER_CONNECTION) {
      lane.conn?.quit();
      this.drop(lane);
    }
    const next = this.waiting.shift();
    if (next) next(lane);
    else this.free.push(lane);
  }

  private drop(lane: Lane): void {
    const conn = lane.conn;
    lane.conn = null;
    lane.ready = null;
    lane.messages = 0;
    try {
      conn?.close();
    } catch {
      // already closed
    }
  }

  private connect(lane: Lane): Promise<SMTPConnection> {
    if (lane.conn && !(lane.conn as any)._destroyed) return Promise.resolve(lane.conn);
    if (lane.ready) return lane.ready;
    const t = this.target;
    const conn = new SMTPConnection({
      host: t.host,
      port: t.port,
      secure: t.secure,
      ignoreTLS: t.ignoreTLS,
      connectionTimeout: t.connectionTimeout,
      greetingTimeout: t.greetingTimeout,
      socketTimeout: t.socketTimeout,
    });
    // Connection errors also reach the send callback; this keeps them from becoming uncaught.
    conn.on('error', () => {});
    conn.once('end', () => {
      if (lane.conn === conn) {
        lane.conn = null;
        lane.ready = null;
      }
    });
    lane.ready = new Promise<SMTPConnection>((resolve, reject) => {
      conn.connect((err) => {
        if (err) {
          lane.ready = null;
          conn.close();
          return reject(err);
        }
        // The end-of-data dot is a small write after the body; with Nagle's algorithm it would wait
        // for the server's delayed ACK (about 40 ms) on every message.
        (conn as unknown as { _socket?: { setNoDelay?: (on: boolean) => void } })._socket?.setNoDelay?.(true);
        if (!t.auth) {
          lane.conn = conn;
          return resolve(conn);
        }
        conn.login({ user: t.auth.user, pass: t.auth.pass }, (loginErr) => {
          if (loginErr) {
            lane.ready = null;
            conn.close();
            return reject(loginErr);
          }
          lane.conn = conn;
          resolve(conn);
        });
      });
    });
    return lane.ready;
  }

  close(): void {
    this.closed = true;
    for (const lane of this.free) {
      lane.conn?.quit();
      this.drop(lane);
    }
  }
}

/** Resolves when the connection's data stream and socket have no bytes waiting to be written. */
function drained(conn: SMTPConnection): Promise<void> {
  const c = conn as unknown as { _currentDataStream?: { writableLength: number; readableLength: number }; _socket?: { writableLength: number; destroyed: boolean } };
  return new Promise((resolve, reject) => {
    const check = () => {
      const ds = c._currentDataStream;
      const socket = c._socket;
      if (socket?.destroyed) return reject(new Error('connection closed during DATA'));
      if (!socket || ((ds ? ds.writableLength + ds.readableLength : 0) === 0 && socket.writableLength === 0)) return resolve();
      // Polled once per event-loop turn: 'drain' only fires after a write that returned false.
      setImmediate(check);
    };
    check();
  });
}

function failure(err: unknown, afterGate: boolean): SendOutcome {
  const e = err as { responseCode?: number; message?: string; code?: string };
  const code = typeof e?.responseCode === 'number' ? e.responseCode : null;
  const answered = code !== null && code >= 400;
  return {
    ok: false,
    temporary: !answered || code! < 500,
    answered,
    abandoned: false,
    code,
    message: String(e?.message ?? err).slice(0, 500) + (afterGate && !answered ? ' (after the end of data was sent)' : ''),
  };
}

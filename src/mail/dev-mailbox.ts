// The development mailbox: with no SMTP server configured, `serve` runs this small SMTP server on
// 127.0.0.1 and keeps every mail it receives as an .eml file under PAPERBOY_DATA_DIR/mail/, so that
// a newcomer sees the confirmation and the digests at /dev/mail. Tests use it as a real SMTP peer.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface DevMailbox {
  port: number;
  close(): Promise<void>;
}

export const mailDir = (dataDir: string) => path.join(dataDir, 'mail');

export async function startDevMailbox(dataDir: string, port: number): Promise<DevMailbox> {
  const dir = mailDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        if ((stream as any).sizeExceeded) return callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
        // Written under a temporary name, then renamed: a listing never sees half a mail.
        const name = `${Date.now().toString().padStart(15, '0')}-${randomBytes(4).toString('hex')}.eml`;
        writeFileSync(path.join(dir, `.${name}.tmp`), Buffer.concat(chunks));
        renameSync(path.join(dir, `.${name}.tmp`), path.join(dir, name));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {});
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const fileName = /^\d{15}-[0-9a-f]{8}\.eml$/;

/** The stored mails, newest first. */
export function listMailFiles(dataDir: string, limit = 100): string[] {
  let names: string[];
  try {
    names = readdirSync(mailDir(dataDir));
  } catch {
    return [];
  }
  return names
    .filter((n) => fileName.test(n))
    .sort()
    .reverse()
    .slice(0, limit);
}

/** One stored mail parsed, or undefined for a name that is not one (never a path outside the folder). */
export async function readMail(dataDir: string, name: string): Promise<ParsedMail | undefined> {
  if (!fileName.test(name)) return undefined;
  try {
    return await simpleParser(readFileSync(path.join(mailDir(dataDir), name)));
  } catch {
    return undefined;
  }
}

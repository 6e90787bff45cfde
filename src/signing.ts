// HMAC signatures for unforgeable links and tokens (preference links, unsubscribe, CSRF).
// Several secrets may be configured, newest first: sign with the newest, accept any (rotation).
import { createHmac, randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class Signer {
  constructor(private readonly secrets: string[]) {
    if (!secrets.length) throw new Error('at least one secret is needed');
  }

  /** A URL-safe signature of `purpose` and `message` with the newest secret. */
  sign(purpose: string, message: string): string {
    return mac(this.secrets[0], purpose, message);
  }

  verify(purpose: string, message: string, signature: string): boolean {
    const given = Buffer.from(signature);
    return this.secrets.some((secret) => {
      const expected = Buffer.from(mac(secret, purpose, message));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }
}

function mac(secret: string, purpose: string, message: string): string {
  return createHmac('sha256', secret).update(purpose).update('\0').update(message).digest('base64url');
}

/** The configured secrets, or one generated once and kept in the data folder (mode 0600). */
export function loadSecrets(configured: string, dataDir: string): string[] {
  const list = configured
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length) return list;
  const file = path.join(dataDir, 'secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return [readFileSync(file, 'utf8').trim()];
}

/** A random URL-safe token (sign-in links, sessions, API tokens). */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** How tokens are stored: only their hash, so a database leak reveals no usable token. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

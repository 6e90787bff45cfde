// Email addresses as subscribers type them: accepted when a mail server would accept them
// (plus tags, dots, apostrophes, quoted local parts, internationalised domains), refused when they
// could smuggle anything into a header or an SMTP command (CR, LF, commas, angle brackets, NUL).
import { domainToASCII } from 'node:url';
import { badRequest } from '../errors.js';

const atext = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*$/;
const quoted = /^"([\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;

/** The address lower-cased and trimmed, or an AppError (bad_request) saying what is wrong. */
export function normalizeAddress(input: unknown): string {
  if (typeof input !== 'string' || !input.trim()) throw badRequest('Enter an email address.');
  const value = input.trim();
  if (value.length > 254 || /[\r\n\0]/.test(value)) throw badRequest('That is not a valid email address.');
  const at = value.lastIndexOf('@');
  if (at < 1 || at === value.length - 1) throw badRequest('That is not a valid email address: it needs a name, an @ and a domain.');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || !(atext.test(local) || quoted.test(local))) throw badRequest('That is not a valid email address.');
  const ascii = domainToASCII(domain.toLowerCase());
  if (!ascii || ascii.length > 253 || !/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(ascii)) {
    throw badRequest('That is not a valid email address: the domain does not look right.');
  }
  return `${local}@${domain}`.toLowerCase();
}

// Subscribers share a few domains; converting one costs a URL-parser call per message otherwise.
const asciiDomains = new Map<string, string>();

/** The ASCII form used in the SMTP envelope (internationalised domain in punycode). */
export function envelopeAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  let ascii = asciiDomains.get(domain);
  if (ascii === undefined) {
    if (asciiDomains.size >= 10_000) asciiDomains.clear();
    asciiDomains.set(domain, (ascii = domainToASCII(domain)));
  }
  return `${address.slice(0, at)}@${ascii}`;
}

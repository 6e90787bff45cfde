// The headers every response carries, and the content policy of HTML pages. Set by an onSend hook
// on the normal path (app.ts) and written directly by the cached-page fast path (early-answers.ts).

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
};

/** HTML only: no inline scripts (every script is a file under /assets); KaTeX output needs inline styles. */
export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = { ...SECURITY_HEADERS, 'content-security-policy': CSP };

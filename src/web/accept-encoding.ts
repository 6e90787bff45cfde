// Content-coding negotiation for the one coding the site produces.

const seen = new Map<string, boolean>();

/** Whether a request's Accept-Encoding takes gzip (RFC 9110 12.5.3): named, or `*`, with q above 0. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (!header) return false;
  if (typeof header !== 'string') return parseAcceptsGzip(String(header));
  // Browsers send one of a few values: each is parsed once.
  let known = seen.get(header);
  if (known === undefined) {
    known = parseAcceptsGzip(header);
    if (seen.size >= 100) seen.clear();
    seen.set(header, known);
  }
  return known;
}

function parseAcceptsGzip(header: string): boolean {
  let star = false;
  for (const item of header.split(',')) {
    const [coding, ...params] = item.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const wanted = q === undefined || Number(q.slice(2)) > 0;
    if (coding === 'gzip' || coding === 'x-gzip') return wanted;
    if (coding === '*') star = wanted;
  }
  return star;
}

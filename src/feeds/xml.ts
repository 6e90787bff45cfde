// Escaping for XML feeds. Every text and attribute value goes through xmlText(): characters XML 1.0
// forbids (control characters, lone surrogates, U+FFFE/U+FFFF) are dropped, markup characters are
// escaped. No CDATA sections, so a hostile `]]>` is ordinary escaped text.

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Removes characters that XML 1.0 cannot carry (also used for JSON Feed, so all formats agree). */
export const xmlSafe = (value: string) => value.replace(FORBIDDEN, '');

/** A value escaped for XML text or a double-quoted attribute. */
export const xmlText = (value: string | number) => xmlSafe(String(value)).replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** `<name attr="...">text</name>`, escaped; omitted entirely when text is null/undefined. */
export function element(name: string, text: string | null | undefined, attrs: Record<string, string> = {}): string {
  if (text === null || text === undefined) return '';
  return `<${name}${attributes(attrs)}>${xmlText(text)}</${name}>`;
}

/** `<name attr="..."/>`, escaped. */
export const emptyElement = (name: string, attrs: Record<string, string>) => `<${name}${attributes(attrs)}/>`;

function attributes(attrs: Record<string, string>): string {
  return Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${xmlText(v)}"`)
    .join('');
}

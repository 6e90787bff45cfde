// The mails paperboy sends, as an HTML part for mail clients and a plain-text part with the same
// content. Mail-client HTML: table layout, inline CSS, no scripts, no remote fonts or images, fluid
// up to 600 px so it reads at 375 px, and a color-scheme/dark media block for dark mode. Every value
// goes through the escaping `html` template; titles have their LaTeX turned into readable text.
import { escapeHtml, html, raw, safeUrl, type SafeHtml } from '../web/views/html.js';
import { latexToText } from '../text/latex.js';
import { EncodedPiece, joinPieces, type BodyPiece } from './base64-body.js';
import type { Paper } from '../store/papers.js';
import type { DigestSection } from './compose.js';
import type { MailLinks } from './links.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** The two parts as pieces of UTF-8 (digests: mostly cached pieces whose base64 is kept, see
   * base64-body.ts); when present, the message is built from these and `text`/`html` are decoded
   * from them only if read. */
  pieces?: { text: BodyPiece[]; html: BodyPiece[] };
}

const sectionTitle: Record<DigestSection['kind'], (label: string) => string> = {
  trending: () => 'Trending',
  daily: () => 'On the daily list',
  topic: (l) => `Topic: ${l}`,
  category: (l) => `New in ${l}`,
  author: (l) => `New from ${l}`,
};

/** One line, no control characters: what may go into a header such as Subject. */
export function oneLine(value: string, max = 200): string {
  const flat = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function authorsLine(authors: string[]): string {
  return authors.length > 3 ? `${authors.slice(0, 3).join(', ')} et al.` : authors.join(', ');
}

function summary(abstract: string, max = 220): string {
  const text = latexToText(abstract);
  return text.length > max ? `${text.slice(0, text.lastIndexOf(' ', max) > 100 ? text.lastIndexOf(' ', max) : max)}…` : text;
}

function frame(o: { title: string | SafeHtml; preheader: string | SafeHtml; body: SafeHtml; footer: SafeHtml }): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">
<title>${o.title}</title>
<style>
@media (prefers-color-scheme: dark) {
  .pb-bg { background: #111418 !important; }
  .pb-card { background: #1b1f24 !important; color: #e6e6e6 !important; }
  .pb-muted { color: #a8b0b8 !important; }
  .pb-link { color: #8ab4ff !important; }
}
@media (max-width: 480px) { .pb-card { padding: 16px !important; } }
</style></head>
<body style="margin:0;padding:0;background:#f3f4f6;" class="pb-bg">
<div style="display:none;max-height:0;overflow:hidden;">${o.preheader}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="pb-bg" style="background:#f3f4f6;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="pb-card" style="max-width:600px;background:#ffffff;color:#1f2328;border-radius:8px;padding:24px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;">
${o.body}
<tr><td style="padding-top:24px;border-top:1px solid #d0d7de;font-size:13px;color:#57606a;" class="pb-muted">${o.footer}</td></tr>
</table>
</td></tr></table>
</body></html>`.value;
}

function footerHtml(why: string, links: MailLinks): SafeHtml {
  return html`<p style="margin:0 0 8px 0;">${why}</p>
<p style="margin:0;"><a class="pb-link" style="color:#0969da;" href="${safeUrl(links.preferences)}">Change what you receive</a> · <a class="pb-link" style="color:#0969da;" href="${safeUrl(links.unsubscribe)}">Unsubscribe</a></p>`;
}

function footerText(why: string, links: MailLinks): string {
  return `--\n${why}\nChange what you receive: ${links.preferences}\nUnsubscribe: ${links.unsubscribe}\n`;
}

interface PaperFragments {
  title: string;
  /** The paper's table row, UTF-8. */
  html: EncodedPiece;
  /** The paper's lines in the text part, UTF-8, each ending in a newline. */
  text: EncodedPiece;
}

// A paper looks the same in every subscriber's digest, so its HTML and text are rendered and
// encoded (UTF-8, then base64) once per version: LaTeX conversion, escaping and encoding of the
// papers otherwise dominate the cost of a digest, which is mostly papers.
const fragmentCache = new Map<string, PaperFragments>();

function fragments(baseUrl: string, p: Paper): PaperFragments {
  const key = `${baseUrl}|${p.id}|${p.changedAt}|${p.upvotes}`;
  let f = fragmentCache.get(key);
  if (f) return f;
  if (fragmentCache.size >= 20_000) fragmentCache.clear();
  const url = `${baseUrl}/papers/${p.id}`;
  const title = latexToText(p.title);
  const abstract = summary(p.abstract);
  const authors = authorsLine(p.authors);
  f = {
    title,
    html: piece(html`<tr><td style="padding:8px 0 12px 0;border-bottom:1px solid #eaeef2;">
<a class="pb-link" href="${safeUrl(url)}" style="color:#0969da;font-weight:600;font-size:16px;text-decoration:none;">${title}</a>
<div class="pb-muted" style="color:#57606a;font-size:13px;margin-top:2px;">${authors}${p.upvotes ? html` · ▲ ${p.upvotes}` : ''}</div>
<div style="font-size:14px;margin-top:4px;">${abstract}</div>
</td></tr>`.value),
    text: piece([`* ${oneLine(title, 500)}`, `  ${oneLine(authors, 300)}${p.upvotes ? ` · ${p.upvotes} upvotes` : ''}`, `  ${oneLine(abstract, 400)}`, `  ${url}`, '', ''].join('\n')),
  };
  fragmentCache.set(key, f);
  return f;
}

export interface DigestView {
  siteName: string;
  baseUrl: string;
  periodLabel: string; // "Friday, 27 November 2026" or "week 48, 2026"
  sections: DigestSection[];
  papers: Map<string, Paper>;
  links: MailLinks;
  why: string;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const piece = (text: string) => new EncodedPiece(utf8(text));

// Where a digest's own values go in its frame: markup no escaped value can contain (its '<' would be &lt;).
const TITLE = '<pb-title/>';
const PREHEADER = '<pb-preheader/>';
const PERIOD = '<pb-period/>';
const SECTIONS = '<pb-sections/>';
const FOOTER = '<pb-footer/>';

/** The digest frame between its values, rendered and encoded once: [before title, ..., after footer]. */
let digestFrame: EncodedPiece[] | undefined;

function frameBetweenValues(): EncodedPiece[] {
  if (digestFrame) return digestFrame;
  const shell = frame({
    title: raw(TITLE),
    preheader: raw(PREHEADER),
    body: html`<tr><td style="padding-bottom:8px;"><h1 style="margin:0;font-size:22px;line-height:1.3;">Your papers for ${raw(PERIOD)}</h1></td></tr>
${raw(SECTIONS)}`,
    footer: raw(FOOTER),
  });
  const between: string[] = [];
  let from = 0;
  for (const marker of [TITLE, PREHEADER, PERIOD, SECTIONS, FOOTER]) {
    const at = shell.indexOf(marker, from);
    between.push(shell.slice(from, at));
    from = at + marker.length;
  }
  between.push(shell.slice(from));
  return (digestFrame = between.map(piece));
}

// Section headings recur across subscribers (the same topics, categories and authors).
const headingCache = new Map<string, { html: EncodedPiece; text: EncodedPiece }>();

function heading(title: string): { html: EncodedPiece; text: EncodedPiece } {
  let h = headingCache.get(title);
  if (!h) {
    if (headingCache.size >= 5_000) headingCache.clear();
    const line = oneLine(title, 300);
    h = {
      html: piece(html`<tr><td style="padding-top:20px;"><h2 style="margin:0 0 8px 0;font-size:17px;text-transform:none;">${title}</h2></td></tr>\n`.value),
      text: piece(`${line}\n${'='.repeat(Math.min(60, line.length))}\n\n`),
    };
    headingCache.set(title, h);
  }
  return h;
}

export function renderDigest(v: DigestView): RenderedMail {
  const sections = v.sections
    .map((s) => ({ ...s, papers: s.paperIds.map((id) => v.papers.get(id)).filter((p): p is Paper => !!p) }))
    .filter((s) => s.papers.length);
  const count = sections.reduce((n, s) => n + s.papers.length, 0);
  const first = sections[0]?.papers[0];
  const subject = oneLine(`${v.siteName} digest, ${v.periodLabel}: ${first ? fragments(v.baseUrl, first).title : ''}${count > 1 ? ` and ${count - 1} more` : ''}`);

  // The frame, section headings and papers are cached pieces; the subscriber's own values go between.
  const [beforeTitle, beforePreheader, beforePeriod, beforeSections, beforeFooter, end] = frameBetweenValues();
  const htmlPieces: BodyPiece[] = [
    beforeTitle,
    utf8(escapeHtml(subject)),
    beforePreheader,
    utf8(escapeHtml(`${count} paper${count === 1 ? '' : 's'} for ${v.periodLabel}`)),
    beforePeriod,
    utf8(escapeHtml(v.periodLabel)),
    beforeSections,
  ];
  const textPieces: BodyPiece[] = [utf8(`Your papers for ${v.periodLabel}\n\n`)];
  for (const s of sections) {
    const h = heading(sectionTitle[s.kind](s.label));
    htmlPieces.push(h.html);
    textPieces.push(h.text);
    for (const p of s.papers) {
      const f = fragments(v.baseUrl, p);
      htmlPieces.push(f.html);
      textPieces.push(f.text);
    }
  }
  htmlPieces.push(beforeFooter, utf8(footerHtml(v.why, v.links).value), end);
  textPieces.push(utf8(footerText(v.why, v.links)));
  const pieces = { html: htmlPieces, text: textPieces };
  return {
    subject,
    pieces,
    get html() {
      return joinPieces(pieces.html).toString('utf8');
    },
    get text() {
      return joinPieces(pieces.text).toString('utf8');
    },
  };
}

export function renderConfirmation(o: { siteName: string; confirmUrl: string; expiresHours: number }): RenderedMail {
  const subject = oneLine(`Confirm your ${o.siteName} subscription`);
  const why = `Someone (hopefully you) asked to receive ${o.siteName} digests at this address. If it was not you, ignore this mail: nothing more will be sent.`;
  const body = html`<tr><td><h1 style="margin:0 0 12px 0;font-size:22px;">Confirm your subscription</h1>
<p style="margin:0 0 16px 0;">Press the button to start receiving trending papers. The link works for ${o.expiresHours} hours.</p>
<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr><td style="border-radius:6px;background:#1f883d;">
<a href="${safeUrl(o.confirmUrl)}" style="display:inline-block;padding:10px 18px;color:#ffffff;font-weight:600;text-decoration:none;">Confirm subscription</a>
</td></tr></table>
<p class="pb-muted" style="margin:16px 0 0 0;font-size:13px;color:#57606a;">Or open this address: ${o.confirmUrl}</p></td></tr>`;
  return {
    subject,
    html: frame({ title: subject, preheader: 'One click to confirm', body, footer: html`<p style="margin:0;">${why}</p>` }),
    text: `Confirm your subscription\n\nOpen this link to start receiving trending papers (it works for ${o.expiresHours} hours):\n${o.confirmUrl}\n\n--\n${why}\n`,
  };
}

export function renderAlreadySubscribed(o: { siteName: string; links: MailLinks }): RenderedMail {
  const subject = oneLine(`You are subscribed to ${o.siteName}`);
  const why = `Someone asked to subscribe this address to ${o.siteName}; it already is, so nothing changed.`;
  const body = html`<tr><td><h1 style="margin:0 0 12px 0;font-size:22px;">You are already subscribed</h1>
<p style="margin:0;">Your subscription is unchanged. You can <a class="pb-link" style="color:#0969da;" href="${safeUrl(o.links.preferences)}">change what you receive</a> at any time.</p></td></tr>`;
  return {
    subject,
    html: frame({ title: subject, preheader: 'Nothing changed', body, footer: footerHtml(why, o.links) }),
    text: `You are already subscribed\n\nYour subscription is unchanged.\n\n${footerText(why, o.links)}`,
  };
}


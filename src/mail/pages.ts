// HTML pages of subscriptions: the neutral "check your inbox" page, confirmation, preferences,
// unsubscribe, and the development mailbox viewer. Views only: handlers live in routes.ts.
import type { ParsedMail } from 'mailparser';
import { html, safeUrl, type SafeHtml } from '../web/views/html.js';
import type { Subscriber } from '../store/subscribers.js';

export function checkInboxPage(): SafeHtml {
  return html`<section class="mail-page">
<h1>Check your inbox</h1>
<p>If that address can receive digests, a message is on its way. Open it and confirm to start receiving trending papers.</p>
<p>Nothing arrives? Look in the spam folder, or try again in an hour.</p>
<p><a href="/">Back to today's papers</a></p>
</section>`;
}

export function subscribeFormPage(csrf: string): SafeHtml {
  return html`<section class="mail-page">
<h1>Get trending papers in your email inbox</h1>
<form method="post" action="/subscribe" class="subscribe">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="subscribe-email-page">E-mail address</label>
  <span class="row"><input id="subscribe-email-page" name="email" type="email" required placeholder="you@example.org" autocomplete="email">
  <button type="submit">Subscribe</button></span>
</form>
<p>You will get one mail to confirm; nothing else is sent until you do.</p>
</section>`;
}

export function confirmPage(token: string, csrf: string, email: string): SafeHtml {
  return html`<section class="mail-page">
<h1>Confirm your subscription</h1>
<p>Start sending paperboy digests to <strong>${email}</strong>?</p>
<form method="post" action="/subscribe/confirm">
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="t" value="${token}">
  <button type="submit">Confirm subscription</button>
</form>
</section>`;
}

export function messagePage(title: string, text: string, link?: { href: string; label: string }): SafeHtml {
  return html`<section class="mail-page">
<h1>${title}</h1>
<p>${text}</p>
${link ? html`<p><a href="${safeUrl(link.href)}">${link.label}</a></p>` : ''}
</section>`;
}

const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export interface PreferencesView {
  subscriber: Subscriber;
  action: string;
  csrf: string;
  token?: string;
  notice?: string;
  unsubscribeUrl?: string;
}

export function preferencesPage(v: PreferencesView): SafeHtml {
  const s = v.subscriber;
  const frequency = s.status === 'active' ? s.frequency : 'paused';
  const option = (value: string, label: string, current: string) => html`<option value="${value}"${current === value ? html` selected` : ''}>${label}</option>`;
  return html`<section class="mail-page preferences">
<h1>Your digest</h1>
<p>Digests go to <strong>${s.email}</strong>.${s.status === 'unsubscribed' ? ' You are unsubscribed; choose a frequency and save to receive digests again.' : ''}</p>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
<form method="post" action="${v.action}">
  <input type="hidden" name="_csrf" value="${v.csrf}">
  ${v.token ? html`<input type="hidden" name="t" value="${v.token}">` : ''}
  <fieldset>
    <legend>When</legend>
    <label for="frequency">Frequency</label>
    <select id="frequency" name="frequency">
      ${option('daily', 'Daily (mornings after arXiv announcements, Monday to Friday)', frequency)}
      ${option('weekly', 'Weekly', frequency)}
      ${option('paused', 'Paused', frequency)}
    </select>
    <label for="hour">Hour</label>
    <select id="hour" name="hour">${Array.from({ length: 24 }, (_, h) => option(String(h), `${String(h).padStart(2, '0')}:00`, String(s.hour)))}</select>
    <label for="timezone">Time zone</label>
    <input id="timezone" name="timezone" value="${s.timezone}" placeholder="Europe/Paris" maxlength="64" required>
    <label for="weekday">Day of a weekly digest</label>
    <select id="weekday" name="weekday">${weekdayNames.map((n, i) => option(String(i), n, String(s.weekday)))}</select>
  </fieldset>
  <fieldset>
    <legend>What</legend>
    <label for="top_n">Trending papers</label>
    <input id="top_n" name="top_n" type="number" min="0" max="50" value="${s.topN}">
    <label><input type="checkbox" name="include_daily" value="1"${s.includeDaily ? html` checked` : ''}> Include the daily list</label>
    <label for="categories">arXiv categories (e.g. cs.CL, stat.ML), separated by commas</label>
    <input id="categories" name="categories" value="${s.categories.join(', ')}" maxlength="500">
    <label for="topics">Topics: one search query per line</label>
    <textarea id="topics" name="topics" rows="4" maxlength="2000">${s.topics.join('\n')}</textarea>
    <label for="authors">Authors you follow: one name per line</label>
    <textarea id="authors" name="authors" rows="4" maxlength="2000">${s.authors.join('\n')}</textarea>
  </fieldset>
  <button type="submit">Save preferences</button>
</form>
${v.unsubscribeUrl ? html`<p><a href="${safeUrl(v.unsubscribeUrl)}">Unsubscribe from all digests</a></p>` : ''}
</section>`;
}

export function unsubscribePage(postUrl: string, email: string): SafeHtml {
  return html`<section class="mail-page">
<h1>Unsubscribe</h1>
<p>Stop sending paperboy digests to <strong>${email}</strong>?</p>
<form method="post" action="${safeUrl(postUrl)}">
  <input type="hidden" name="List-Unsubscribe" value="One-Click">
  <button type="submit">Unsubscribe</button>
</form>
</section>`;
}

export function mailboxListPage(items: Array<{ name: string; mail: ParsedMail | undefined }>): SafeHtml {
  return html`<section class="mail-page dev-mail">
<h1>Development mailbox</h1>
<p>No SMTP server is configured, so paperboy keeps every mail it sends here. Set PAPERBOY_SMTP_URL to send real mail.</p>
${
  items.length
    ? html`<table class="mail-list"><thead><tr><th>Received</th><th>To</th><th>Subject</th></tr></thead><tbody>
${items.map(
  ({ name, mail }) => html`<tr><td>${mail?.date?.toISOString().replace('T', ' ').slice(0, 19) ?? ''}</td><td>${addressText(mail?.to)}</td><td><a href="/dev/mail/${name}">${mail?.subject || '(no subject)'}</a></td></tr>`,
)}
</tbody></table>`
    : html`<p>No mail yet. Subscribe with any address to see the confirmation arrive.</p>`
}
</section>`;
}

function addressText(to: ParsedMail['to']): string {
  if (!to) return '';
  return (Array.isArray(to) ? to : [to]).map((a) => a.text).join(', ');
}

export function mailboxMessagePage(name: string, mail: ParsedMail): SafeHtml {
  const text = mail.text ?? '';
  const links = [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
  const headers = ['from', 'to', 'subject', 'date', 'message-id', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post'];
  return html`<section class="mail-page dev-mail">
<p><a href="/dev/mail">← All mail</a></p>
<h1>${mail.subject || '(no subject)'}</h1>
<table class="mail-headers">${headers.map((h) => html`<tr><th>${h}</th><td>${headerText(mail, h)}</td></tr>`)}</table>
${links.length ? html`<h2>Links in this mail</h2><ul class="mail-links">${links.map((l) => html`<li><a href="${safeUrl(l)}">${l}</a></li>`)}</ul>` : ''}
${mail.html ? html`<h2>HTML part</h2><iframe class="mail-html" title="HTML part of the mail" sandbox src="/dev/mail/${name}/html" style="width:100%;min-height:480px;border:1px solid #ccc;"></iframe>` : ''}
<h2>Text part</h2>
<pre class="mail-text">${text}</pre>
</section>`;
}

function headerText(mail: ParsedMail, name: string): string {
  if (name === 'list-unsubscribe' || name === 'list-id') {
    const line = mail.headerLines.find((l) => l.key === name);
    return line ? line.line.slice(line.line.indexOf(':') + 1).trim() : '';
  }
  const v = mail.headers.get(name);
  if (v === undefined || v === null) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && 'text' in (v as object)) return String((v as { text: string }).text);
  return String(v);
}

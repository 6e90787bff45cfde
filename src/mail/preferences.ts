// The preferences form, read and validated: what a subscriber may ask for, with clear messages for
// anything out of range. Shared by the signed-link page and the members' settings page.
import { badRequest } from '../errors.js';
import type { Preferences } from '../store/subscribers.js';
import { isValidTimeZone } from './schedule.js';

export interface PreferencesForm extends Preferences {
  active: boolean;
}

const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[v.length - 1] ?? '') : '');

function intIn(v: unknown, min: number, max: number, what: string): number {
  const n = Number(str(v));
  if (!Number.isInteger(n) || n < min || n > max) throw badRequest(`${what} must be a whole number from ${min} to ${max}.`);
  return n;
}

function lines(v: unknown, max: number, maxLength: number, what: string): string[] {
  const list = [...new Set(str(v).split(/\r?\n/).map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean))];
  if (list.length > max) throw badRequest(`At most ${max} ${what}.`);
  for (const l of list) if (l.length > maxLength) throw badRequest(`Each of the ${what} can be at most ${maxLength} characters long.`);
  return list;
}

export function parsePreferencesForm(body: Record<string, unknown> | undefined): PreferencesForm {
  const b = body ?? {};
  const frequency = str(b.frequency);
  if (!['daily', 'weekly', 'paused'].includes(frequency)) throw badRequest('Choose daily, weekly or paused.');
  const timezone = str(b.timezone).trim() || 'UTC';
  if (!isValidTimeZone(timezone)) throw badRequest(`Unknown time zone "${timezone.slice(0, 64)}". Use a name like Europe/Paris or America/New_York.`);
  const categories = [...new Set(str(b.categories).split(/[,\s]+/).map((c) => c.trim()).filter(Boolean))];
  if (categories.length > 20) throw badRequest('At most 20 categories.');
  for (const c of categories) if (!/^[a-z-]+(\.[A-Za-z-]+)?$/.test(c)) throw badRequest(`"${c.slice(0, 40)}" is not an arXiv category; they look like cs.CL or hep-th.`);
  return {
    active: frequency !== 'paused',
    frequency: frequency === 'weekly' ? 'weekly' : 'daily',
    hour: intIn(b.hour, 0, 23, 'The hour'),
    timezone,
    weekday: intIn(b.weekday ?? '1', 0, 6, 'The weekday'),
    topN: intIn(b.top_n ?? '0', 0, 50, 'The number of trending papers'),
    includeDaily: str(b.include_daily) === '1' || str(b.include_daily) === 'on',
    categories,
    topics: lines(b.topics, 10, 200, 'topics'),
    authors: lines(b.authors, 20, 100, 'authors'),
  };
}

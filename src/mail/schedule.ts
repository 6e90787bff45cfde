// When a subscriber's digest is due, and which period it belongs to, in the subscriber's own time
// zone. Daily digests go out on the mornings after arXiv announcements: arXiv announces Sunday to
// Thursday evenings (US Eastern), so daily digests are sent Monday to Friday, local time.
import type { Frequency, Subscriber } from '../store/subscribers.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', weekday: 'short' });
    formatters.set(tz, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

export interface LocalTime {
  day: string; // YYYY-MM-DD
  hour: number;
  weekday: number; // 0 = Sunday
}

// A digest run asks for the same instant in a handful of zones thousands of times; formatToParts
// is slow, so answers are kept per zone and minute.
const recent = new Map<string, LocalTime>();

export function localTime(at: Date, tz: string): LocalTime {
  const key = `${tz}|${Math.floor(at.getTime() / 60_000)}`;
  let hit = recent.get(key);
  if (!hit) {
    if (recent.size > 10_000) recent.clear();
    recent.set(key, (hit = computeLocalTime(at, tz)));
  }
  return hit;
}

function computeLocalTime(at: Date, tz: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(isValidTimeZone(tz) ? tz : 'UTC').formatToParts(at)) parts[p.type] = p.value;
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour), weekday: weekdays[parts.weekday] ?? 0 };
}

/** ISO week (2026-W48) of a calendar day. */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) + 3); // the Thursday of this week decides the year
  const year = d.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round(((d.getTime() - jan4.getTime()) / 86_400_000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The outbox period key of a subscriber's digest at `at`: daily:YYYY-MM-DD or weekly:YYYY-Www. */
export function periodOf(s: Pick<Subscriber, 'frequency' | 'timezone'>, at: Date): string {
  const local = localTime(at, s.timezone);
  return s.frequency === 'weekly' ? `weekly:${isoWeek(local.day)}` : `daily:${local.day}`;
}

/** Whether the subscriber's digest for the current period should go out now (or later today). */
export function isDue(s: Pick<Subscriber, 'frequency' | 'timezone' | 'hour' | 'weekday'>, at: Date): boolean {
  const local = localTime(at, s.timezone);
  if (local.hour < s.hour) return false;
  if (s.frequency === 'weekly') return local.weekday === s.weekday;
  return local.weekday >= 1 && local.weekday <= 5;
}

export function frequencies(period: 'daily' | 'weekly' | 'all'): Frequency[] {
  return period === 'all' ? ['daily', 'weekly'] : [period];
}

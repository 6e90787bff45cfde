// Calendar arithmetic for the daily, weekly and monthly lists (UTC days, ISO weeks).
export const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
export const WEEK_RE = /^(\d{4})-W(\d{2})$/;
export const MONTH_RE = /^(\d{4})-(\d{2})$/;

const ms = 86_400_000;
const fmt = (t: number) => new Date(t).toISOString().slice(0, 10);

export function validDay(day: string): boolean {
  if (!DAY_RE.test(day)) return false;
  const t = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(t) && fmt(t) === day;
}

export const addDays = (day: string, n: number) => fmt(Date.parse(`${day}T00:00:00Z`) + n * ms);

/** ISO week (YYYY-Www) of a day. */
export function weekOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(d.getTime() + (3 - dow) * ms);
  const year = thursday.getUTCFullYear();
  const jan4 = Date.UTC(year, 0, 4);
  const week1Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * ms;
  const n = Math.floor((thursday.getTime() - week1Monday) / (7 * ms)) + 1;
  return `${year}-W${String(n).padStart(2, '0')}`;
}

/** First and last day of an ISO week, or null if it does not exist. */
export function weekRange(week: string): { from: string; to: string } | null {
  const m = WEEK_RE.exec(week);
  if (!m) return null;
  const year = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || n > 53) return null;
  const jan4 = Date.UTC(year, 0, 4);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * ms + (n - 1) * 7 * ms;
  const from = fmt(monday);
  if (weekOf(from) !== week) return null; // week 53 of a 52-week year
  return { from, to: fmt(monday + 6 * ms) };
}

export function monthRange(month: string): { from: string; to: string } | null {
  const m = MONTH_RE.exec(month);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return null;
  return { from: fmt(Date.UTC(y, mo - 1, 1)), to: fmt(Date.UTC(y, mo, 0)) };
}

export function shiftMonth(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}

export function shiftWeek(week: string, n: number): string {
  const r = weekRange(week)!;
  return weekOf(addDays(r.from, 7 * n));
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "Friday, 20 November 2026" (by hand: Intl formatting costs milliseconds per call). */
export function longDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return `${WEEKDAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${MONTHS[m - 1] ?? '?'} ${y}`;
}

// Day ranges of the daily-list parameters: one day, an ISO week (Monday to Sunday) or a month.
import { badRequest } from '../errors.js';

export interface DayRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Monday..Sunday of ISO week `YYYY-Www` (week 1 is the week with the year's first Thursday). */
export function isoWeekRange(week: string): DayRange {
  const [year, w] = [Number(week.slice(0, 4)), Number(week.slice(6))];
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday = 0
  const monday = jan4 - weekday * DAY_MS + (w - 1) * 7 * DAY_MS;
  if (w === 53 && isoWeekRange(`${year + 1}-W01`).from === day(monday)) throw badRequest(`week: ${year} has no week 53`);
  return { from: day(monday), to: day(monday + 6 * DAY_MS) };
}

export function monthRange(month: string): DayRange {
  const [year, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return { from: `${month}-01`, to: day(Date.UTC(year, m, 0)) };
}

/** The range asked for by date, week or month (at most one of them), or undefined for "the latest list". */
export function rangeOf(q: { date?: string; week?: string; month?: string }): DayRange | undefined {
  const given = [q.date, q.week, q.month].filter((v) => v !== undefined).length;
  if (given > 1) throw badRequest('give at most one of date, week and month');
  if (q.date) return { from: q.date, to: q.date };
  if (q.week) return isoWeekRange(q.week);
  if (q.month) return monthRange(q.month);
  return undefined;
}

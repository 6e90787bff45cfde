// The published trending formula as pure functions: no database, no clock. Everything that ranks
// papers (the full pass, the incremental hook, explanations, docs/trending.md) goes through here,
// so the page that explains the formula and the code that applies it cannot drift apart.

export type WindowName = 'day' | 'week' | 'month';
export const WINDOW_NAMES: readonly WindowName[] = ['day', 'week', 'month'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Length of each window. */
export const WINDOW_MS: Record<WindowName, number> = { day: DAY, week: 7 * DAY, month: 30 * DAY };

export const TERM_NAMES = ['upvotes', 'comments', 'stars', 'views'] as const;
export type TermName = (typeof TERM_NAMES)[number];
export type Weights = Record<TermName, number>;

/** Vote-ring damping (documented on /about/trending and in docs/trending.md). */
export const VOTE_RULES = {
  /** An account younger than this when it votes is a "new account". */
  youngAccountMs: DAY,
  /** What one vote from a new account counts for. */
  youngWeight: 0.25,
  /** This many new-account votes on one paper within `burstSpanMs` form a burst... */
  burstSize: 5,
  burstSpanMs: HOUR,
  /** ...and each vote of a burst counts for this much. */
  burstWeight: 0.05,
} as const;

/**
 * Parses `PAPERBOY_TRENDING_WEIGHTS` entries (`name=value`). Unknown or repeated names and values
 * that are not finite non-negative numbers are errors; terms not named keep weight 0.
 */
export function parseWeights(entries: readonly string[]): Weights {
  const weights: Weights = { upvotes: 0, comments: 0, stars: 0, views: 0 };
  const seen = new Set<string>();
  for (const entry of entries) {
    const m = /^\s*([a-z]+)\s*=\s*([^=]+?)\s*$/.exec(entry);
    if (!m) throw new Error(`"${entry}" is not name=value`);
    const [, name, rawValue] = m;
    if (!(TERM_NAMES as readonly string[]).includes(name)) throw new Error(`unknown term "${name}" (known: ${TERM_NAMES.join(', ')})`);
    if (seen.has(name)) throw new Error(`term "${name}" given twice`);
    const value = Number(rawValue);
    if (!Number.isFinite(value) || value < 0 || value > 1000) throw new Error(`weight of "${name}" must be a number from 0 to 1000`);
    seen.add(name);
    weights[name as TermName] = value;
  }
  return weights;
}

/** The time-decay factor of an event `ageMs` old: 1 now, 1/2 after one half-life. */
export function decay(ageMs: number, halfLifeHours: number): number {
  return 2 ** (-Math.max(0, ageMs) / (halfLifeHours * HOUR));
}

export interface Vote {
  /** When the vote was cast (epoch ms). */
  at: number;
  /** When the voter's account was created (epoch ms). */
  voterCreatedAt: number;
}

/**
 * What each vote counts for under the vote-ring rule: 1 for an established account; 1/4 for an
 * account less than a day old; 1/20 for each new-account vote that is part of a burst (five or
 * more new-account votes on the same paper within one hour). Votes must be sorted by time.
 */
export function voteWeights(votes: readonly Vote[]): number[] {
  const weights: number[] = votes.map((v) => (v.at - v.voterCreatedAt < VOTE_RULES.youngAccountMs ? VOTE_RULES.youngWeight : 1));
  const young = votes.flatMap((v, i) => (weights[i] < 1 ? [i] : []));
  // Two pointers over the new-account votes: every maximal run that fits in one burst span and has
  // at least burstSize votes marks all its votes (a difference array keeps this linear).
  const mark = new Array<number>(young.length + 1).fill(0);
  let k = 0;
  for (let j = 0; j < young.length; j++) {
    if (k < j) k = j;
    while (k + 1 < young.length && votes[young[k + 1]].at - votes[young[j]].at <= VOTE_RULES.burstSpanMs) k++;
    if (k - j + 1 >= VOTE_RULES.burstSize) {
      mark[j]++;
      mark[k + 1]--;
    }
  }
  let run = 0;
  for (let i = 0; i < young.length; i++) {
    run += mark[i];
    if (run > 0) weights[young[i]] = VOTE_RULES.burstWeight;
  }
  return weights;
}

export interface StarSample {
  at: number;
  stars: number;
}

/**
 * Stars gained per day over a window: from the last sample at or before the window's start (or the
 * first sample inside it) to the last sample; never negative (unstarring is not negative momentum
 * worth ranking on), and measured over at least one day so a fresh pair of samples minutes apart
 * cannot produce a huge rate. Samples must be sorted by time.
 */
export function starVelocity(samples: readonly StarSample[], windowStart: number, now: number): number {
  let base: StarSample | undefined;
  let last: StarSample | undefined;
  for (const s of samples) {
    if (s.at > now) break;
    if (s.at <= windowStart || !base) base = s;
    last = s;
  }
  if (!base || !last || last === base) return 0;
  const days = Math.max(1, (last.at - base.at) / DAY);
  return Math.max(0, last.stars - base.stars) / days;
}

/** The signals of one paper in one window, as stored and explained. */
export interface WindowSignals {
  /** Upvotes after vote-ring damping and time decay. */
  upvotes: number;
  /** Upvotes in the window, counted plainly (shown beside the damped value). */
  upvoteCount: number;
  /** Visible comments, time-decayed. */
  comments: number;
  commentCount: number;
  /** GitHub stars gained per day. */
  starsPerDay: number;
  /** Page views, time-decayed. */
  views: number;
  viewCount: number;
}

export const emptySignals = (): WindowSignals => ({ upvotes: 0, upvoteCount: 0, comments: 0, commentCount: 0, starsPerDay: 0, views: 0, viewCount: 0 });

export interface Term {
  name: TermName;
  value: number;
  contribution: number;
  description: string;
}

/**
 * score = w_upvotes·U + w_comments·C + w_stars·log2(1 + S) + w_views·V
 * where U, C, V are time-decayed sums and S is stars gained per day.
 */
export function scoreTerms(s: WindowSignals, w: Weights): { score: number; terms: Term[] } {
  const terms: Term[] = [
    {
      name: 'upvotes',
      value: round(s.upvotes),
      contribution: w.upvotes * s.upvotes,
      description: `${s.upvoteCount} upvote${s.upvoteCount === 1 ? '' : 's'} in the window, counting ${round(s.upvotes)} after time decay and vote-ring damping, × ${w.upvotes}`,
    },
    {
      name: 'comments',
      value: round(s.comments),
      contribution: w.comments * s.comments,
      description: `${s.commentCount} comment${s.commentCount === 1 ? '' : 's'}, counting ${round(s.comments)} after time decay, × ${w.comments}`,
    },
    {
      name: 'stars',
      value: round(s.starsPerDay),
      contribution: w.stars * Math.log2(1 + s.starsPerDay),
      description: `${round(s.starsPerDay)} GitHub stars gained per day, log2(1 + ${round(s.starsPerDay)}) × ${w.stars}`,
    },
    {
      name: 'views',
      value: round(s.views),
      contribution: w.views * s.views,
      description: `${s.viewCount} page view${s.viewCount === 1 ? '' : 's'}, counting ${round(s.views)} after time decay, × ${w.views}`,
    },
  ];
  for (const t of terms) t.contribution = round(t.contribution);
  const score = round(terms.reduce((sum, t) => sum + t.contribution, 0));
  return { score, terms };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** The score alone (the full pass scores a million papers; the descriptions are for explanations). Same value as scoreTerms. */
export function scoreOf(s: WindowSignals, w: Weights): number {
  return round(round(w.upvotes * s.upvotes) + round(w.comments * s.comments) + round(w.stars * Math.log2(1 + s.starsPerDay)) + round(w.views * s.views));
}

/** The stored form of a paper's signals, all windows (trending_scores.terms). */
export type StoredSignals = Record<WindowName, WindowSignals>;

/**
 * Events of weight 1 already added up per window by the database (the full pass gets established
 * accounts' votes and page views this way instead of ten million rows): `count[w]` events in window
 * w, and `decayed[w]` the sum of their count × decay(age), exactly what windowSignals would add one by one.
 */
export interface WindowSums {
  count: Record<WindowName, number>;
  decayed: Record<WindowName, number>;
}

/** Everything that happened to one paper that the formula looks at. */
export interface PaperEvents {
  /** Votes weighed one by one (vote-ring rule), sorted by time. */
  votes: Vote[];
  /** Further votes that all count 1, pre-summed per window; added to `votes`. */
  voteSums?: WindowSums;
  /** Times of visible comments. */
  comments: number[];
  /** Views per UTC day (YYYY-MM-DD). */
  views: Array<{ day: string; count: number }>;
  /** Further views pre-summed per window (a day's views timed at its middle); added to `views`. */
  viewSums?: WindowSums;
  /** Star samples of the paper's repository, sorted by time. */
  stars: StarSample[];
  /** starVelocity of the repository's samples per window, when already computed (a repository is shared by papers). */
  starsPerDay?: Record<WindowName, number>;
}

/** Stars per day of one repository's samples in every window (starVelocity at each window's start). */
export function starVelocities(samples: readonly StarSample[], now: number): Record<WindowName, number> {
  const out = { day: 0, week: 0, month: 0 };
  if (samples.length > 1) for (const w of WINDOW_NAMES) out[w] = starVelocity(samples, now - WINDOW_MS[w], now);
  return out;
}

/**
 * The signals of one paper in every window at `now`. An event counts in a window when it happened
 * within the window's length before `now`; a day of views counts from the middle of that day.
 */
export function windowSignals(e: PaperEvents, now: number, halfLifeHours: number): StoredSignals {
  const out = { day: emptySignals(), week: emptySignals(), month: emptySignals() };
  const weights = voteWeights(e.votes);
  const add = (at: number, weight: number, field: 'upvotes' | 'comments' | 'views', countField: 'upvoteCount' | 'commentCount' | 'viewCount', count = 1) => {
    if (at > now + HOUR) return; // from the future: a clock problem, not momentum
    const age = now - at;
    const d = decay(age, halfLifeHours) * weight * count;
    for (const w of WINDOW_NAMES) {
      if (age > WINDOW_MS[w]) continue;
      out[w][field] += d;
      out[w][countField] += count;
    }
  };
  e.votes.forEach((v, i) => add(v.at, weights[i], 'upvotes', 'upvoteCount'));
  for (const w of WINDOW_NAMES) {
    if (e.voteSums) {
      out[w].upvotes += e.voteSums.decayed[w];
      out[w].upvoteCount += e.voteSums.count[w];
    }
    if (e.viewSums) {
      out[w].views += e.viewSums.decayed[w];
      out[w].viewCount += e.viewSums.count[w];
    }
  }
  for (const at of e.comments) add(at, 1, 'comments', 'commentCount');
  for (const v of e.views) add(Math.min(now, Date.parse(`${v.day}T12:00:00Z`)), 1, 'views', 'viewCount', v.count);
  const stars = e.starsPerDay ?? starVelocities(e.stars, now);
  for (const w of WINDOW_NAMES) out[w].starsPerDay = stars[w];
  return out;
}

/** True when a paper has nothing that could give it a score in any window. */
export function isEmpty(s: StoredSignals): boolean {
  const m = s.month;
  return m.upvoteCount === 0 && m.commentCount === 0 && m.viewCount === 0 && s.day.starsPerDay === 0 && s.week.starsPerDay === 0 && m.starsPerDay === 0;
}

// ---- the stored form -------------------------------------------------------------------------
// A full pass writes one row per paper with signals (up to a million), so the stored JSON is
// compact: per window [upvotes, upvoteCount, comments, commentCount, starsPerDay, views, viewCount],
// plus the paper's upvotes per day over the last 30 days for the sparklines on /trending.

export interface UpvoteHistory {
  /** The UTC day of counts[0]. */
  from: string;
  counts: number[];
}

const FIELDS = ['upvotes', 'upvoteCount', 'comments', 'commentCount', 'starsPerDay', 'views', 'viewCount'] as const;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function encodeSignals(s: StoredSignals, history?: UpvoteHistory): string {
  const w = (x: WindowSignals) => FIELDS.map((f) => r4(x[f]));
  return JSON.stringify({ d: w(s.day), w: w(s.week), m: w(s.month), ...(history ? { h: [history.from, ...history.counts] } : {}) });
}

export function decodeSignals(json: string): { signals: StoredSignals; history?: UpvoteHistory } {
  const o = JSON.parse(json) as { d?: number[]; w?: number[]; m?: number[]; h?: [string, ...number[]] };
  const w = (a: number[] | undefined): WindowSignals => {
    const out = emptySignals();
    FIELDS.forEach((f, i) => (out[f] = Number(a?.[i] ?? 0)));
    return out;
  };
  const history = o.h ? { from: String(o.h[0]), counts: o.h.slice(1).map(Number) } : undefined;
  return { signals: { day: w(o.d), week: w(o.w), month: w(o.m) }, history };
}

/** How many days of upvote history are stored with a score (the longest sparkline). */
export const HISTORY_DAYS = 30;

/** Midnight (UTC) of the first day of the stored history: `days - 1` days before `now`'s day. */
export function historyStart(now: number, days = HISTORY_DAYS): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - (days - 1) * DAY;
}

/** The day (0 = the history's first) a vote at `at` is counted on, or -1 outside the history. */
export function historyDay(at: number, now: number, days = HISTORY_DAYS): number {
  if (at > now + HOUR) return -1; // from the future: not counted anywhere
  const i = Math.floor((at - historyStart(now, days)) / DAY);
  return i >= 0 && i < days ? i : -1;
}

/** A history from upvotes counted per day (counts[0] is the history's first day), leading empty days trimmed. */
export function historyFromCounts(counts: readonly number[], now: number): UpvoteHistory | undefined {
  const start = counts.findIndex((c) => c > 0);
  if (start < 0) return undefined;
  return { from: new Date(historyStart(now, counts.length) + start * DAY).toISOString().slice(0, 10), counts: counts.slice(start) };
}

/** Upvotes per UTC day over the `days` days ending with `now`'s day, leading empty days trimmed. */
export function upvoteHistory(votes: readonly Vote[], now: number, days = HISTORY_DAYS): UpvoteHistory | undefined {
  const counts = new Array<number>(days).fill(0);
  for (const v of votes) {
    const i = historyDay(v.at, now, days);
    if (i >= 0) counts[i]++;
  }
  return historyFromCounts(counts, now);
}

/** A history laid out on the `days` days ending with `now`'s day (zeros where nothing is known). */
export function historyOnAxis(h: UpvoteHistory | undefined, now: number, days: number): number[] {
  const out = new Array<number>(days).fill(0);
  if (!h) return out;
  const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  const offset = Math.round((Date.parse(`${h.from}T00:00:00Z`) - (today - (days - 1) * 86_400_000)) / 86_400_000);
  h.counts.forEach((c, i) => {
    const j = offset + i;
    if (j >= 0 && j < days) out[j] = c;
  });
  return out;
}

// Applies the formula to the stored signals: a full pass over every paper with recent signals (the
// worker runs it periodically, which also lets time decay move old papers down), and the
// incremental update of one paper when its signals change (an upvote shows on /trending at once).
import type { AppContext } from '../context.js';
import { dayOf } from '../clock.js';
import {
  type ScoreRow,
  type VoteSumParams,
  type VoteSumRow,
  type VoteSumHistoryRow,
  commentTimesSince,
  establishedVoteSums,
  reposOfPapers,
  starPointsOfPapers,
  starSamplesSince,
  viewSums,
  viewsSince,
  votesOfNewAccounts,
  votesOfPaper,
  buildScoreTable,
  writePaperScore,
} from '../store/signals.js';
import { bumpTrendingVersion } from './version.js';
import {
  type PaperEvents,
  type StoredSignals,
  type UpvoteHistory,
  type Vote,
  type WindowSums,
  type Weights,
  type WindowName,
  WINDOW_MS,
  HISTORY_DAYS,
  encodeSignals,
  historyDay,
  historyFromCounts,
  historyStart,
  isEmpty,
  parseWeights,
  scoreOf,
  starVelocities,
  upvoteHistory,
  windowSignals,
} from './formula.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** How far back signals are read: the longest window, plus a week of star history for its base sample. */
const LOOKBACK_MS = WINDOW_MS.month + 7 * DAY;
/** Papers per page of vote sums: bounds the pass's memory and lets requests in between pages. */
const SUM_PAGE = 20_000;

export function weightsOf(ctx: AppContext): Weights {
  return parseWeights(ctx.config.PAPERBOY_TRENDING_WEIGHTS);
}

/** The row stored for a paper: its score in each window and its signals (for explanations). */
export function scoreRow(paperId: string, signals: StoredSignals, weights: Weights, history?: UpvoteHistory): ScoreRow {
  return {
    paper_id: paperId,
    score_day: scoreOf(signals.day, weights),
    score: scoreOf(signals.week, weights),
    score_month: scoreOf(signals.month, weights),
    terms: encodeSignals(signals, history),
  };
}

export interface FullPassResult {
  papers: number;
  /** Upvotes in the month window that counted (suspended accounts' votes do not). */
  votes: number;
  ms: number;
  /**
   * Where the time went: reading the smaller signals (comments, view and star sums, new accounts'
   * votes), adding up the established accounts' votes in the database and scoring each paper,
   * writing the scores into the new table, indexing it and swapping it in.
   */
  stages: { readMs: number; sumAndScoreMs: number; writeMs: number; indexAndSwapMs: number };
}

/** The signals of a paper other than established accounts' votes, gathered before the votes are summed. */
interface OtherEvents {
  votes: Vote[];
  comments: number[];
  viewSums?: WindowSums;
  starsPerDay?: Record<WindowName, number>;
}

const sums = (r: VoteSumRow | VoteSumHistoryRow): WindowSums => ({ count: { day: r[1], week: r[2], month: r[3] }, decayed: { day: r[4], week: r[5], month: r[6] } });

/**
 * Recomputes every paper's score as of now. The ten million votes of a big instance are added up
 * per paper and window inside the database (establishedVoteSums), and so are page views and star
 * series; JavaScript sees one row per paper, plus the few votes of accounts young enough for the
 * vote-ring rule, one by one. The formula (windowSignals, scoreOf) is applied here, in one place.
 */
export async function recomputeAll(ctx: AppContext): Promise<FullPassResult> {
  const started = Date.now();
  const db = ctx.store.db;
  const nowDate = ctx.clock.now();
  const now = nowDate.getTime();
  const passStart = nowDate.toISOString();
  const iso = (ms: number) => new Date(ms).toISOString();
  const since = iso(now - LOOKBACK_MS);
  const weights = weightsOf(ctx);
  const H = ctx.config.PAPERBOY_TRENDING_HALF_LIFE_HOURS;
  const params: VoteSumParams = {
    now,
    halfLifeHours: H,
    dayStart: iso(now - WINDOW_MS.day),
    weekStart: iso(now - WINDOW_MS.week),
    monthStart: iso(now - WINDOW_MS.month),
    latest: iso(now + HOUR), // later votes are clock trouble (windowSignals ignores them too)
    // Two days, not one: accounts are compared as text, so a second's formatting slack cannot matter.
    establishedBefore: iso(now - WINDOW_MS.month - 2 * DAY),
    historyStart: historyStart(now),
  };

  // Everything but the established votes, keyed by paper (a few hundred thousand papers at most).
  const other = new Map<string, OtherEvents>();
  const of = (paperId: string) => {
    let e = other.get(paperId);
    if (!e) other.set(paperId, (e = { votes: [], comments: [] }));
    return e;
  };
  let voteCount = 0;
  for (const [paperId, at, voterCreatedAt] of await votesOfNewAccounts(ctx.store, params)) {
    of(paperId).votes.push({ at: Date.parse(at), voterCreatedAt: Date.parse(voterCreatedAt) });
    voteCount++;
  }
  for (const c of await commentTimesSince(db, since)) of(c.paper_id).comments.push(Date.parse(c.created_at));
  for (const row of await viewSums(ctx.store, params, dayOf(new Date(now - LOOKBACK_MS)))) of(row[0]).viewSums = sums(row);
  for (const { paperId, samples } of await starPointsOfPapers(ctx.store, params, since)) {
    of(paperId).starsPerDay = starVelocities(
      samples.map((s) => ({ at: Date.parse(s.at), stars: s.stars })),
      now,
    );
  }
  const read = Date.now();

  // Scores go into a fresh table page by page (memory stays at one page of rows), which then
  // replaces the live one; the stage times below split summing and scoring from writing.
  const build = await buildScoreTable(ctx.store, passStart);
  let rows: ScoreRow[] = [];
  let papers = 0;
  let writeMs = 0;
  const flush = async () => {
    const t = Date.now();
    papers += rows.length;
    await build.add(rows);
    rows = [];
    writeMs += Date.now() - t;
  };
  const finish = (paperId: string, e: OtherEvents | undefined, voteSums?: WindowSums, historyDays = '') => {
    const votes = e?.votes ?? [];
    const events: PaperEvents = { votes, voteSums, comments: e?.comments ?? [], views: [], viewSums: e?.viewSums, stars: [], starsPerDay: e?.starsPerDay };
    const signals = windowSignals(events, now, H);
    if (isEmpty(signals)) return;
    // Upvotes per day for the sparklines: the database's day codes plus the votes weighed here.
    const perDay = new Array<number>(HISTORY_DAYS).fill(0);
    for (let i = 0; i < historyDays.length; i++) {
      const day = historyDays.charCodeAt(i) - 48;
      if (day >= 0 && day < HISTORY_DAYS) perDay[day]++;
    }
    for (const v of votes) {
      const day = historyDay(v.at, now);
      if (day >= 0) perDay[day]++;
    }
    rows.push(scoreRow(paperId, signals, weights, historyFromCounts(perDay, now)));
  };
  let after = '';
  for (;;) {
    const page = await establishedVoteSums(ctx.store, params, after, SUM_PAGE);
    for (const row of page) {
      voteCount += row[3];
      const e = other.get(row[0]);
      other.delete(row[0]);
      finish(row[0], e, sums(row), row[7]);
    }
    await flush(); // also lets requests in between pages
    if (page.length < SUM_PAGE) break;
    after = page[page.length - 1][0];
  }
  // Papers with signals but no established votes.
  for (const [paperId, e] of other) finish(paperId, e);
  await flush();

  const scored = Date.now();
  await build.swap();
  bumpTrendingVersion();
  const end = Date.now();
  const result = {
    papers,
    votes: voteCount,
    ms: end - started,
    stages: { readMs: read - started, sumAndScoreMs: scored - read - writeMs, writeMs, indexAndSwapMs: end - scored },
  };
  ctx.log.info(result, 'trending recomputed');
  return result;
}

/** Recomputes one paper's score as of now (a few indexed reads and one write). */
export async function recomputePaper(ctx: AppContext, paperId: string): Promise<void> {
  const db = ctx.store.db;
  const now = ctx.clock.now().getTime();
  const since = new Date(now - LOOKBACK_MS).toISOString();
  const [votes, comments, views, repos] = await Promise.all([
    votesOfPaper(db, paperId, since),
    commentTimesSince(db, since, paperId),
    viewsSince(db, dayOf(new Date(now - LOOKBACK_MS)), paperId),
    reposOfPapers(db, [paperId]),
  ]);
  const stars = repos.length ? await starSamplesSince(db, since, [repos[0].github_repo]) : [];
  const voteList = votes.map((v) => ({ at: Date.parse(v.at), voterCreatedAt: Date.parse(v.voter_created_at) }));
  const signals = windowSignals(
    {
      votes: voteList,
      comments: comments.map((c) => Date.parse(c.created_at)),
      views: views.map((v) => ({ day: v.day, count: Number(v.count) })),
      stars: stars.map((s) => ({ at: Date.parse(s.at), stars: Number(s.stars) })),
    },
    now,
    ctx.config.PAPERBOY_TRENDING_HALF_LIFE_HOURS,
  );
  await writePaperScore(db, paperId, isEmpty(signals) ? null : scoreRow(paperId, signals, weightsOf(ctx), upvoteHistory(voteList, now)), new Date(now).toISOString());
}

// Applies the formula to the stored signals: a full pass over every paper with recent signals (the
// worker runs it periodically, which also lets time decay move old papers down), and the
// incremental update of one paper when its signals change (an upvote shows on /trending at once).
import type { AppContext } from '../context.js';
import { dayOf } from '../clock.js';
import {
  type ScoreRow,
  commentTimesSince,
  reposOfPapers,
  starSamplesSince,
  allStarSamplesSince,
  allViewsSince,
  streamVotesSince,
  voterCreatedTimes,
  viewsSince,
  votesOfPaper,
  writeFullPass,
  writePaperScore,
} from '../store/signals.js';
import { bumpTrendingVersion } from './version.js';
import { type PaperEvents, type StarSample, type StoredSignals, type UpvoteHistory, type Vote, type Weights, WINDOW_MS, encodeSignals, isEmpty, parseWeights, scoreOf, upvoteHistory, windowSignals } from './formula.js';

const DAY = 86_400_000;
/** How far back signals are read: the longest window, plus a week of star history for its base sample. */
const LOOKBACK_MS = WINDOW_MS.month + 7 * DAY;

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
  votes: number;
  ms: number;
  /** Where the time went: reading the small signals, streaming and scoring votes, writing scores. */
  stages: { readMs: number; scoreMs: number; writeMs: number };
}

/** Recomputes every paper's score as of now. */
export async function recomputeAll(ctx: AppContext): Promise<FullPassResult> {
  const started = Date.now();
  const db = ctx.store.db;
  const nowDate = ctx.clock.now();
  const now = nowDate.getTime();
  const passStart = nowDate.toISOString();
  const since = new Date(now - LOOKBACK_MS).toISOString();
  const weights = weightsOf(ctx);
  const H = ctx.config.PAPERBOY_TRENDING_HALF_LIFE_HOURS;

  // The smaller signals first, keyed by paper; then votes streamed paper by paper.
  const comments = new Map<string, number[]>();
  for (const c of await commentTimesSince(db, since)) push(comments, c.paper_id, Date.parse(c.created_at));
  const views = new Map<string, Array<{ day: string; count: number }>>();
  for (const [paperId, day, count] of await allViewsSince(ctx.store, dayOf(new Date(now - LOOKBACK_MS)))) push(views, paperId, { day, count: Number(count) });
  const samples = new Map<string, StarSample[]>();
  for (const [repo, at, stars] of await allStarSamplesSince(ctx.store, since)) push(samples, repo, { at: Date.parse(at), stars: Number(stars) });
  const repoOf = new Map<string, string>();
  if (samples.size) for (const r of await reposOfPapers(db)) if (samples.has(r.github_repo)) repoOf.set(r.id, r.github_repo);

  const voters = await voterCreatedTimes(ctx.store);
  const read = Date.now();

  const rows: ScoreRow[] = [];
  const done = new Set<string>();
  const finish = (paperId: string, votes: Vote[]) => {
    done.add(paperId);
    const events: PaperEvents = { votes, comments: comments.get(paperId) ?? [], views: views.get(paperId) ?? [], stars: starsOf(repoOf.get(paperId)) };
    const signals = windowSignals(events, now, H);
    if (!isEmpty(signals)) rows.push(scoreRow(paperId, signals, weights, upvoteHistory(votes, now)));
  };
  const starsOf = (repo: string | undefined) => (repo ? (samples.get(repo) ?? []) : []);

  let current: string | undefined;
  let votes: Vote[] = [];
  let voteCount = 0;
  for await (const page of streamVotesSince(ctx.store, since)) {
    for (const [paperId, at, userId] of page) {
      voteCount++;
      if (paperId !== current) {
        if (current !== undefined) finish(current, votes);
        current = paperId;
        votes = [];
      }
      const voterCreatedAt = voters.get(Number(userId));
      if (voterCreatedAt === undefined) continue; // a suspended account
      votes.push({ at: Date.parse(at), voterCreatedAt });
    }
  }
  if (current !== undefined) finish(current, votes);
  for (const id of new Set([...comments.keys(), ...views.keys(), ...repoOf.keys()])) if (!done.has(id)) finish(id, []);

  const scored = Date.now();
  await writeFullPass(ctx.store, rows, passStart);
  bumpTrendingVersion();
  const end = Date.now();
  const result = { papers: rows.length, votes: voteCount, ms: end - started, stages: { readMs: read - started, scoreMs: scored - read, writeMs: end - scored } };
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

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

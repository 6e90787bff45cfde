// The GitHub stars job: finds repositories newly linked from papers, then asks GitHub about the ones
// that are due, within the quota. Each repository is asked about once however many papers link it;
// hot papers' repositories are due again sooner than old ones'; a rate limit pauses every worker
// (the pause is stored) until GitHub's reset time or its Retry-After.
import type { AppContext } from '../context.js';
import { paperSignalsChanged } from '../rank/hooks.js';
import { addRepos, dueRepos, getMeta, recordStars, repoAudience, setMeta, unknownLinkedRepos, updateRepo, type GithubRepo } from '../store/signals.js';
import { GithubClient } from './github-client.js';
import { normalizeRepoName } from './github-links.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const PAUSE_KEY = 'github_paused_until';

export interface RefreshOptions {
  /** Most repositories asked about in this run (default: 10 without a token, 300 with one). */
  limit?: number;
  client?: GithubClient;
}

export interface RefreshResult {
  discovered: number;
  checked: number;
  updated: number;
  notModified: number;
  notFound: number;
  errors: number;
  /** Set when the run stopped (or did not start) because of a rate limit: until when. */
  pausedUntil?: string;
}

export function githubClientFor(ctx: AppContext): GithubClient {
  return new GithubClient({
    baseUrl: ctx.config.PAPERBOY_GITHUB_API_URL,
    token: ctx.config.PAPERBOY_GITHUB_TOKEN || undefined,
    timeoutMs: Math.min(ctx.config.PAPERBOY_HTTP_TIMEOUT_MS, 20_000),
    now: () => ctx.clock.now().getTime(),
  });
}

/** How long until a repository is asked about again: hot papers often, old ones rarely. */
export function nextCheckIn(audience: { newestPublished: string | null; bestScore: number }, now: number, withToken: boolean): number {
  const age = audience.newestPublished ? now - Date.parse(audience.newestPublished) : Infinity;
  if (audience.bestScore > 0 || age < 7 * DAY) return withToken ? 2 * HOUR : 6 * HOUR;
  if (age < 60 * DAY) return DAY;
  return 7 * DAY;
}

export async function refreshGithub(ctx: AppContext, options: RefreshOptions = {}): Promise<RefreshResult> {
  const db = ctx.store.db;
  const result: RefreshResult = { discovered: 0, checked: 0, updated: 0, notModified: 0, notFound: 0, errors: 0 };
  const nowIso = () => ctx.clock.now().toISOString();

  // 1. Repositories newly linked: track the real ones, remember the rest as skipped.
  const linked = await unknownLinkedRepos(db);
  if (linked.length) {
    await addRepos(
      db,
      linked.map((name) => (normalizeRepoName(name) === name ? { fullName: name, status: 'ok' as const } : { fullName: name, status: 'skipped' as const })),
      nowIso(),
    );
    result.discovered = linked.length;
  }

  // 2. Respect a pause left by an earlier rate limit.
  const paused = await getMeta(db, PAUSE_KEY);
  if (paused && paused > nowIso()) return { ...result, pausedUntil: paused };

  const withToken = Boolean(ctx.config.PAPERBOY_GITHUB_TOKEN);
  const client = options.client ?? githubClientFor(ctx);
  const due = await dueRepos(db, nowIso(), options.limit ?? (withToken ? 300 : 10));
  for (const repo of due) {
    const answer = await client.getRepo(repo.canonical_name ?? repo.full_name, repo.etag);
    if (answer.kind === 'rate_limited') {
      result.pausedUntil = new Date(answer.until).toISOString();
      await setMeta(db, PAUSE_KEY, result.pausedUntil);
      ctx.log.warn({ until: result.pausedUntil, secondary: answer.secondary }, 'GitHub rate limit: pausing star refresh');
      break;
    }
    result.checked++;
    await applyAnswer(ctx, repo, answer, withToken, result);
    // Out of quota after this answer: stop before GitHub has to refuse us.
    if (client.rate.remaining === 0 && client.rate.reset) {
      result.pausedUntil = new Date(client.rate.reset).toISOString();
      await setMeta(db, PAUSE_KEY, result.pausedUntil);
      break;
    }
  }
  return result;
}

async function applyAnswer(ctx: AppContext, repo: GithubRepo, answer: Exclude<import('./github-client.js').RepoAnswer, { kind: 'rate_limited' }>, withToken: boolean, result: RefreshResult) {
  const db = ctx.store.db;
  const nowDate = ctx.clock.now();
  const now = nowDate.getTime();
  const nowIso = nowDate.toISOString();
  const audience = await repoAudience(db, repo.full_name);
  const next = (ms: number) => new Date(now + ms).toISOString();
  switch (answer.kind) {
    case 'ok': {
      result.updated++;
      await recordStars(db, repo.full_name, answer.stars, nowIso);
      await updateRepo(db, repo.full_name, {
        canonical_name: answer.canonicalName === repo.full_name ? null : answer.canonicalName,
        etag: answer.etag,
        stars: answer.stars,
        status: 'ok',
        checked_at: nowIso,
        next_check_at: next(nextCheckIn(audience, now, withToken)),
      });
      if (answer.stars !== repo.stars) for (const id of audience.paperIds) await paperSignalsChanged(ctx, id);
      return;
    }
    case 'not_modified':
      result.notModified++;
      // Unchanged stars are still a sample: the velocity over the window needs to know it stayed flat.
      if (repo.stars !== null) await recordStars(db, repo.full_name, repo.stars, nowIso);
      await updateRepo(db, repo.full_name, { status: 'ok', checked_at: nowIso, next_check_at: next(nextCheckIn(audience, now, withToken)) });
      return;
    case 'not_found':
      result.notFound++;
      await updateRepo(db, repo.full_name, { status: 'not_found', etag: null, checked_at: nowIso, next_check_at: next(30 * DAY) });
      return;
    case 'error':
      result.errors++;
      ctx.log.warn({ repo: repo.full_name, reason: answer.message }, 'GitHub answer unusable');
      await updateRepo(db, repo.full_name, { status: 'error', checked_at: nowIso, next_check_at: next(HOUR) });
      return;
  }
}

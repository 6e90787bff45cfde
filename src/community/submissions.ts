// Submitting a paper to today's list by arXiv id or URL; curators may also place any paper on any
// day or take it off its list.
import type { AppContext } from '../context.js';
import { AppError, badRequest, forbidden, notFound } from '../errors.js';
import { fetchArxivPapers } from '../ingest/atom-client.js';
import { parseArxivId } from '../ingest/arxiv-id.js';
import { appendAudit } from '../store/audit.js';
import { noteContentChange, setFeatureDay, unfeaturePaper } from '../store/daily.js';
import { featurePaper, getPaper, touchPaper, upsertPapers } from '../store/papers.js';
import type { User } from '../store/users.js';

/** Finds the paper in the store or fetches it from arXiv; returns its canonical id. */
async function ensurePaper(ctx: AppContext, input: string): Promise<string> {
  const parsed = parseArxivId(String(input ?? ''));
  if (!parsed) throw badRequest('That is not an arXiv identifier or link. Paste something like 2401.01234 or https://arxiv.org/abs/2401.01234.');
  const known = await getPaper(ctx.store.db, parsed.id);
  if (known) {
    if (known.hidden) throw notFound(`Paper ${parsed.id} has been removed by the moderators.`);
    return known.id;
  }
  let fetched;
  try {
    fetched = await fetchArxivPapers(ctx, [parsed.id]);
  } catch (err) {
    if (err instanceof AppError) throw err;
    ctx.log.warn({ err, id: parsed.id }, 'arXiv lookup failed');
    throw new AppError('upstream', 'arXiv did not answer. Try again in a minute.');
  }
  const paper = fetched.find((p) => p.id === parsed.id);
  if (!paper) throw notFound(`arXiv has no paper ${parsed.id}.`);
  const now = ctx.clock.now().toISOString();
  await ctx.store.db.transaction().execute((trx) => upsertPapers(trx, [paper], now));
  return paper.id;
}

/** Imports the paper if unknown and puts it on today's list; an already listed paper keeps its day. */
export async function submitPaper(ctx: AppContext, user: User, input: string): Promise<{ paperId: string; day: string; created: boolean }> {
  if (user.suspended) throw new AppError('forbidden', 'This account is suspended.');
  const paperId = await ensurePaper(ctx, input);
  const now = ctx.clock.now();
  const today = now.toISOString().slice(0, 10);
  const r = await featurePaper(ctx.store.db, { paperId, day: today, submittedBy: user.id, submittedAt: now.toISOString() });
  noteContentChange();
  return { paperId, day: r.day, created: r.created };
}

function requireCurator(user: User): void {
  if (user.role !== 'curator' && user.role !== 'admin') throw forbidden('Only curators and admins can do this.');
}

/** Curators: put any paper (known or fetched) on the list of `day`, moving it if already listed. */
export async function featureOnDay(ctx: AppContext, actor: User, input: string, day: string): Promise<{ paperId: string; day: string }> {
  requireCurator(actor);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw badRequest('Days look like 2024-01-31.');
  const paperId = await ensurePaper(ctx, input);
  const now = ctx.clock.now().toISOString();
  await setFeatureDay(ctx.store.db, { paperId, day, by: actor.id, now });
  await touchPaper(ctx.store.db, paperId, now);
  noteContentChange();
  await appendAudit(ctx.store.db, { actorId: actor.id, action: 'feature_paper', targetType: 'paper', targetId: paperId, detail: `on ${day}`, now });
  return { paperId, day };
}

/** Curators: take a paper off its daily list (it stays in the store). */
export async function removeFromDaily(ctx: AppContext, actor: User, paperId: string): Promise<void> {
  requireCurator(actor);
  const now = ctx.clock.now().toISOString();
  if (!(await unfeaturePaper(ctx.store.db, paperId))) throw notFound(`Paper ${paperId} is on no daily list.`);
  await touchPaper(ctx.store.db, paperId, now);
  noteContentChange();
  await appendAudit(ctx.store.db, { actorId: actor.id, action: 'unfeature_paper', targetType: 'paper', targetId: paperId, now });
}

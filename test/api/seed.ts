// Test data for the API and feed tests: a few papers (one old-style id, one with hostile text), daily
// lists on two days, members with a signed-in session.
import { hashToken, randomToken } from '../../src/signing.js';
import { recomputeAll } from '../../src/rank/recompute.js';
import { featurePaper, type PaperInput, refreshPaperCounters, upsertPapers } from '../../src/store/papers.js';
import { ensureUser, type User } from '../../src/store/users.js';
import type { TestContext } from '../helpers.js';

export const HOSTILE_TITLE = 'Breaking ]]> feeds <script>alert(1)</script> & "quotes" \u0001\u0008\uFFFE\uD800 with $\\alpha$-nets';
export const HOSTILE_ABSTRACT = 'An abstract with ]]> and <![CDATA[ nested ]]> and <b>bold</b> & \u000B vertical tab. Second sentence here.';

export function paper(id: string, overrides: Partial<PaperInput> = {}): PaperInput {
  return {
    id,
    version: 2,
    title: `Paper ${id} on $O(n^2)$ sorting`,
    abstract: `We study sorting networks of depth $\\log n$. Our method improves prior bounds by a constant factor. Code is released.`,
    authors: ['Ada Lovelace', 'Léon Bottou'],
    categories: ['cs.DS', 'cs.LG'],
    publishedAt: '2026-11-17T18:00:00Z',
    updatedAt: '2026-11-18T18:00:00Z',
    links: { abs: `https://arxiv.org/abs/${id}`, pdf: `https://arxiv.org/pdf/${id}`, code: ['https://github.com/owner/repo'], project: 'https://example.org/project' },
    source: 'test',
    ...overrides,
  };
}

export interface Seeded {
  alice: User;
  bob: User;
}

/** Five papers: three on 2026-11-19 (one submitted by alice), one on 2026-11-20, one never listed. */
export async function seed(ctx: TestContext): Promise<Seeded> {
  const db = ctx.store.db;
  const now = ctx.clock.now().toISOString();
  await upsertPapers(
    db,
    [
      paper('2611.00001'),
      paper('2611.00002', { title: 'Graph networks for weather', authors: ['Grace Hopper'], categories: ['cs.LG'] }),
      paper('2611.00003', { title: HOSTILE_TITLE, abstract: HOSTILE_ABSTRACT, authors: ['Mallory <evil@example.org>', 'Eve & Co'] }),
      paper('hep-th/9901001', { title: 'Old style strings', categories: ['hep-th'], version: 1, publishedAt: '1999-01-04T00:00:00Z', updatedAt: '1999-01-04T00:00:00Z', links: { abs: 'https://arxiv.org/abs/hep-th/9901001' } }),
      paper('2611.00005', { title: 'Never listed', categories: ['math.CO'] }),
    ],
    now,
  );
  const alice = await ensureUser(db, 'alice@example.org', 'member', now);
  const bob = await ensureUser(db, 'bob@example.org', 'member', now);
  await featurePaper(db, { paperId: '2611.00001', day: '2026-11-19', submittedBy: alice.id, submittedAt: '2026-11-19T08:30:00.000Z' });
  await featurePaper(db, { paperId: '2611.00002', day: '2026-11-19', submittedBy: null, submittedAt: '2026-11-19T09:00:00.000Z' });
  await featurePaper(db, { paperId: '2611.00003', day: '2026-11-19', submittedBy: null, submittedAt: '2026-11-19T10:00:00.000Z' });
  await featurePaper(db, { paperId: 'hep-th/9901001', day: '2026-11-20', submittedBy: bob.id, submittedAt: '2026-11-20T07:00:00.000Z' });
  // Upvotes (2611.00002: two, 2611.00001: one), then the trending scores from them.
  for (const [user, paperId] of [[alice, '2611.00002'], [bob, '2611.00002'], [bob, '2611.00001']] as const) {
    await db.insertInto('upvotes').values({ user_id: user.id, paper_id: paperId, created_at: now }).execute();
  }
  await refreshPaperCounters(db, '2611.00002', now);
  await refreshPaperCounters(db, '2611.00001', now);
  await recomputeAll(ctx);
  return { alice, bob };
}

/** A signed-in browser of `user`: the session and nonce cookies, and the CSRF token forms carry. */
export async function signIn(ctx: TestContext, user: User): Promise<{ cookies: Record<string, string>; csrf: string }> {
  const session = randomToken();
  const nonce = randomToken(18);
  const now = ctx.clock.now();
  await ctx.store.db
    .insertInto('sessions')
    .values({ id: hashToken(session), user_id: user.id, created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + 86_400_000).toISOString(), user_agent: null, ip: null })
    .execute();
  return { cookies: { pb_session: session, pb_nonce: nonce }, csrf: ctx.signer.sign('csrf', nonce) };
}

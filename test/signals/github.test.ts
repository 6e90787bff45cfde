// The GitHub client and the stars job against a local server replaying GitHub's answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { GithubClient } from '../../src/signals/github-client.js';
import { refreshGithub, PAUSE_KEY } from '../../src/signals/github-refresh.js';
import { normalizeRepoName, repoFromUrl } from '../../src/signals/github-links.js';
import { getPaper } from '../../src/store/papers.js';
import { getMeta, getRepo, starHistory } from '../../src/store/signals.js';
import { makeTestContext } from '../helpers.js';
import { addPaper } from '../rank/seed.js';
import { fixture, startReplay } from './replay.js';

const REPO = '/repos/octocat/hello-world';
const BY_ID = '/repositories/1296269';

function clientFor(url: string, o: { token?: string; timeoutMs?: number; maxBodyBytes?: number; now?: () => number } = {}) {
  return new GithubClient({ baseUrl: url, timeoutMs: o.timeoutMs ?? 5000, token: o.token, maxBodyBytes: o.maxBodyBytes, now: o.now });
}

test('200: stars, canonical name and ETag; anonymous without a token, Bearer with one', async (t) => {
  const gh = await startReplay();
  t.after(() => gh.close());
  gh.routes.set(REPO, fixture('repo-200'));
  const answer = await clientFor(gh.url).getRepo('octocat/hello-world');
  assert.deepEqual(answer, { kind: 'ok', canonicalName: 'octocat/hello-world', stars: 3107, etag: 'W/"8a3a3bd7cbd1b33d6bfa1ad1f0dca0bc7ad3fa2c1ec6a1cbbd2a4c4f0e0ef06a"' });
  assert.equal(gh.requests[0].headers.authorization, undefined);
  assert.match(String(gh.requests[0].headers['user-agent']), /paperboy/);
  assert.equal(gh.requests[0].headers.accept, 'application/vnd.github+json');
  const withToken = clientFor(gh.url, { token: 'ghp_secret123' });
  await withToken.getRepo('octocat/hello-world');
  assert.equal(gh.requests[1].headers.authorization, 'Bearer ghp_secret123');
  assert.equal(withToken.rate.remaining, 59);
  assert.equal(withToken.rate.reset, 1795770000 * 1000);
});

test('304: the ETag is sent back and an unchanged repository is reported as such', async (t) => {
  const gh = await startReplay();
  t.after(() => gh.close());
  gh.routes.set(REPO, fixture('repo-304'));
  const answer = await clientFor(gh.url).getRepo('octocat/hello-world', 'W/"abc"');
  assert.deepEqual(answer, { kind: 'not_modified' });
  assert.equal(gh.requests[0].headers['if-none-match'], 'W/"abc"');
});

test('301: a renamed repository is followed to its canonical name', async (t) => {
  const gh = await startReplay();
  t.after(() => gh.close());
  gh.routes.set('/repos/octocat/old-name', fixture('repo-301'));
  gh.routes.set(BY_ID, fixture('repo-200'));
  const answer = await clientFor(gh.url).getRepo('octocat/old-name');
  assert.equal(answer.kind, 'ok');
  assert.equal(answer.kind === 'ok' && answer.canonicalName, 'octocat/hello-world');
  assert.deepEqual(
    gh.requests.map((r) => r.path),
    ['/repos/octocat/old-name', BY_ID],
  );
});

test('a redirect to another host is refused, so the token never leaves the API host', async (t) => {
  const gh = await startReplay();
  const other = await startReplay();
  t.after(() => Promise.all([gh.close(), other.close()]));
  gh.routes.set(REPO, { status: 301, headers: { location: `${other.url}/steal` }, body: { message: 'Moved Permanently' } });
  const answer = await clientFor(gh.url, { token: 'ghp_secret123' }).getRepo('octocat/hello-world');
  assert.equal(answer.kind, 'error');
  assert.equal(other.requests.length, 0);
});

test('404: gone repositories are reported as not found', async (t) => {
  const gh = await startReplay();
  t.after(() => gh.close());
  gh.routes.set(REPO, fixture('repo-404'));
  assert.deepEqual(await clientFor(gh.url).getRepo('octocat/hello-world'), { kind: 'not_found' });
});

test('403 rate limited: wait until X-RateLimit-Reset; secondary limit: wait Retry-After', async (t) => {
  const gh = await startReplay();
  t.after(() => gh.close());
  gh.routes.set(REPO, fixture('repo-403-rate-limited'));
  gh.routes.set('/repos/octocat/spoon-knife', fixture('repo-403-secondary'));
  const now = Date.parse('2026-11-20T12:00:00Z');
  const client = clientFor(gh.url, { now: () => now });
  assert.deepEqual(await client.getRepo('octocat/hello-world'), { kind: 'rate_limited', until: 1795770000 * 1000, secondary: false });
  assert.deepEqual(await client.getRepo('octocat/spoon-knife'), { kind: 'rate_limited', until: now + 120_000, secondary: true });
});

test('malformed, huge and slow answers are errors, not crashes', async (t) => {
  const gh = await startReplay();
  t.after(() => gh.close());
  gh.routes.set('/repos/a/not-json', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"stargazers_count": 12, "full_na'));
  gh.routes.set('/repos/a/no-stars', { status: 200, headers: {}, body: { full_name: 'a/no-stars', stargazers_count: 'many' } });
  gh.routes.set('/repos/a/huge', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`{"full_name":"a/huge","stargazers_count":1,"pad":"`);
    const chunk = 'x'.repeat(64 * 1024);
    let sent = 0;
    const more = () => {
      while (sent < 64 && res.write(chunk)) sent++;
      if (sent < 64) res.once('drain', more);
      else res.end('"}');
    };
    more();
  });
  gh.routes.set('/repos/a/slow', (_req, res) => {
    const timer = setTimeout(() => res.writeHead(200).end('{}'), 5000);
    res.on('close', () => clearTimeout(timer));
  });
  const client = clientFor(gh.url, { timeoutMs: 300, maxBodyBytes: 256 * 1024 });
  const kinds = async (name: string) => client.getRepo(name);
  assert.deepEqual(await kinds('a/not-json'), { kind: 'error', message: 'malformed repository answer' });
  assert.deepEqual(await kinds('a/no-stars'), { kind: 'error', message: 'malformed repository answer' });
  const huge = await kinds('a/huge');
  assert.equal(huge.kind, 'error');
  assert.match(huge.kind === 'error' ? huge.message : '', /too large/);
  const started = Date.now();
  const slow = await kinds('a/slow');
  assert.equal(slow.kind, 'error');
  assert.match(slow.kind === 'error' ? slow.message : '', /300 ms/);
  assert.ok(Date.now() - started < 3000);
});

test('links: blob and tree URLs reduce to owner/repo; gists, org pages and other hosts are skipped', () => {
  assert.equal(repoFromUrl('https://github.com/OpenAI/Whisper/blob/main/README.md'), 'openai/whisper');
  assert.equal(repoFromUrl('https://github.com/facebookresearch/segment-anything/tree/main/notebooks'), 'facebookresearch/segment-anything');
  assert.equal(repoFromUrl('https://github.com/karpathy/nanoGPT.git'), 'karpathy/nanogpt');
  assert.equal(repoFromUrl('https://raw.githubusercontent.com/owner/repo/main/x.py'), 'owner/repo');
  assert.equal(repoFromUrl('https://gist.github.com/karpathy/d4dee566867f8291f086'), null);
  assert.equal(repoFromUrl('https://github.com/openai'), null);
  assert.equal(repoFromUrl('https://github.com/orgs/huggingface/repositories'), null);
  assert.equal(repoFromUrl('https://github.com/features/copilot'), null);
  assert.equal(repoFromUrl('https://gitlab.com/a/b'), null);
  assert.equal(repoFromUrl('javascript:alert(1)'), null);
  assert.equal(normalizeRepoName('orgs/huggingface'), null);
  assert.equal(normalizeRepoName('a/..'), null);
  assert.equal(normalizeRepoName('Owner/Repo'), 'owner/repo');
});

test('the stars job: a repository shared by papers is fetched once, then conditionally; rate limits pause it', async (t) => {
  const gh = await startReplay();
  const lines: string[] = [];
  const ctx = await makeTestContext({ PAPERBOY_GITHUB_API_URL: gh.url, PAPERBOY_GITHUB_TOKEN: 'ghp_verysecret' });
  (ctx as { log: pino.Logger }).log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    }),
  );
  t.after(async () => {
    await gh.close();
    await ctx.cleanup();
  });
  await addPaper(ctx, '2611.00001', { code: ['https://github.com/octocat/Hello-World'] });
  await addPaper(ctx, '2611.00002', { code: ['https://github.com/octocat/hello-world/blob/master/README'] });
  await addPaper(ctx, '2611.00003', { code: ['https://github.com/orgs/octocat/people'] });
  await addPaper(ctx, '2611.00004', { code: ['https://github.com/octocat/gone'] });
  gh.routes.set(REPO, [fixture('repo-200'), fixture('repo-304'), fixture('repo-403-rate-limited')]);
  gh.routes.set('/repos/octocat/gone', fixture('repo-404'));

  const first = await refreshGithub(ctx);
  assert.equal(first.discovered, 3, 'octocat/hello-world, orgs/octocat (skipped), octocat/gone');
  assert.equal(first.updated, 1);
  assert.equal(first.notFound, 1);
  assert.deepEqual(gh.requests.map((r) => r.path).sort(), ['/repos/octocat/gone', REPO]);
  assert.equal((await getPaper(ctx.store.db, '2611.00001'))?.githubStars, 3107);
  assert.equal((await getPaper(ctx.store.db, '2611.00002'))?.githubStars, 3107);
  assert.equal((await getRepo(ctx.store.db, 'orgs/octocat'))?.status, 'skipped');
  const repo = await getRepo(ctx.store.db, 'octocat/hello-world');
  assert.equal(repo?.status, 'ok');
  // A paper published two days ago is hot: checked again within hours, not days.
  assert.ok(Date.parse(repo!.next_check_at) - ctx.clock.now().getTime() <= 6 * 3_600_000);

  // Nothing is due yet: no request.
  await refreshGithub(ctx);
  assert.equal(gh.requests.length, 2);

  ctx.clock.advance(7 * 3_600_000);
  const second = await refreshGithub(ctx);
  assert.equal(second.notModified, 1);
  assert.equal(gh.requests[2].headers['if-none-match'], repo!.etag);
  assert.equal(gh.requests[2].headers.authorization, 'Bearer ghp_verysecret');
  assert.deepEqual(
    (await starHistory(ctx.store.db, 'octocat/hello-world')).map((s) => s.stars),
    [3107, 3107],
    'an unchanged answer still extends the history',
  );

  ctx.clock.advance(7 * 3_600_000);
  const third = await refreshGithub(ctx);
  assert.equal(third.pausedUntil, new Date(1795770000 * 1000).toISOString());
  assert.equal(await getMeta(ctx.store.db, PAUSE_KEY), third.pausedUntil);
  ctx.clock.advance(3_600_000);
  const paused = await refreshGithub(ctx);
  assert.equal(paused.pausedUntil, third.pausedUntil);
  assert.equal(gh.requests.length, 4, 'no request while paused');
  assert.ok(!lines.join('').includes('ghp_verysecret'), 'the token is never logged');
});

test('the stars job follows a rename and asks by the new name afterwards', async (t) => {
  const gh = await startReplay();
  const ctx = await makeTestContext({ PAPERBOY_GITHUB_API_URL: gh.url });
  t.after(async () => {
    await gh.close();
    await ctx.cleanup();
  });
  await addPaper(ctx, '2611.00010', { code: ['https://github.com/octocat/old-name'] });
  gh.routes.set('/repos/octocat/old-name', fixture('repo-301'));
  gh.routes.set(BY_ID, fixture('repo-200'));
  gh.routes.set(REPO, fixture('repo-304'));
  await refreshGithub(ctx);
  const repo = await getRepo(ctx.store.db, 'octocat/old-name');
  assert.equal(repo?.canonical_name, 'octocat/hello-world');
  assert.equal((await getPaper(ctx.store.db, '2611.00010'))?.githubStars, 3107);
  ctx.clock.advance(8 * 86_400_000);
  await refreshGithub(ctx);
  assert.equal(gh.requests.at(-1)?.path, REPO);
});

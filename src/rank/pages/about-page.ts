// /about/trending: the formula as this instance applies it, with its configured weights and
// half-life and the vote-ring rule, rendered from the same constants the ranking code uses.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { html } from '../../web/views/html.js';
import { layout } from '../../web/views/layout.js';
import { VOTE_RULES, WINDOW_MS } from '../formula.js';
import { weightsOf } from '../recompute.js';

const HOUR = 3_600_000;

export function aboutTrendingPage(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const w = weightsOf(ctx);
    const H = ctx.config.PAPERBOY_TRENDING_HALF_LIFE_HOURS;
    const body = html`<article class="prose about-trending">
<h1>How trending works</h1>
<p>Every paper's trending score is computed by the formula below, in the open. This instance uses the
weights and half-life shown here; its operator can tune them (<code>PAPERBOY_TRENDING_WEIGHTS</code>,
<code>PAPERBOY_TRENDING_HALF_LIFE_HOURS</code>). Each paper page shows its own terms under
“Why it is trending”.</p>

<h2>The score</h2>
<p class="formula"><code>score = ${w.upvotes} × U + ${w.comments} × C + ${w.stars} × log<sub>2</sub>(1 + S) + ${w.views} × V</code></p>
<dl>
  <dt><var>U</var>, upvotes</dt>
  <dd>The sum over the paper's upvotes in the window of <code>weight × 2<sup>−age / ${H} h</sup></code>: a vote counts fully now, half after ${H} hours, a quarter after ${2 * H} hours.</dd>
  <dt><var>C</var>, comments</dt>
  <dd>The same time-decayed sum over visible comments (hidden or deleted comments do not count).</dd>
  <dt><var>S</var>, GitHub stars per day</dt>
  <dd>Stars the paper's code repository gained per day over the window, from the star counts this site records;
  log-scaled, so a repository gaining 1,000 stars a day does not drown everything else (log<sub>2</sub>(1 + 7) = 3, log<sub>2</sub>(1 + 1023) = 10).
  A repository shared by several papers counts for each of them.</dd>
  <dt><var>V</var>, page views</dt>
  <dd>Time-decayed views of the paper's page, counted per day without recording who viewed; crawlers, link previews and scripts are not counted.</dd>
</dl>

<h2>Windows</h2>
<p>Today counts what happened in the last ${WINDOW_MS.day / HOUR} hours, this week the last ${WINDOW_MS.week / HOUR / 24} days,
this month the last ${WINDOW_MS.month / HOUR / 24} days. A paper with nothing in a window is not in that window's list.</p>

<h2>Vote rings</h2>
<p>One account has one vote per paper. Votes from accounts created moments before voting are how vote rings work, so:</p>
<ul>
  <li>A vote from an account less than ${VOTE_RULES.youngAccountMs / HOUR} hours old when it voted counts ${VOTE_RULES.youngWeight} of a vote.</li>
  <li>When ${VOTE_RULES.burstSize} or more such new-account votes land on the same paper within ${VOTE_RULES.burstSpanMs / 60_000} minutes, each vote of that burst counts ${VOTE_RULES.burstWeight}.</li>
  <li>Votes of suspended accounts do not count.</li>
</ul>

<h2>When scores change</h2>
<p>A paper's score is recomputed the moment it gets an upvote or a comment or its star count changes,
and every paper's score is recomputed every ten minutes, so that time decay moves older papers down.
Papers hidden by moderators are never listed, whatever their score.</p>
<p><a href="/trending">See what is trending</a></p>
</article>`;
    return reply.type('text/html; charset=utf-8').send(
      layout({ title: 'How trending works', description: 'The published trending formula: signals, weights, time decay and vote-ring damping.', url: `${ctx.config.baseUrl}/about/trending`, body, viewer: request.viewer, csrf: request.csrfToken }),
    );
  };
}

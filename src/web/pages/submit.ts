// Submitting a paper by arXiv id or URL (members); curators may pick any day.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { enforceLimit } from '../../community/limits.js';
import { isCurator } from '../../community/moderation.js';
import { featureOnDay, submitPaper } from '../../community/submissions.js';
import { field, messagePage, wantsJson } from '../respond.js';
import { requireViewer } from '../session.js';
import { longDay } from '../dates.js';
import { html } from '../views/html.js';

export function submitForm(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const user = requireViewer(request);
    return messagePage(
      request,
      reply,
      'Submit a paper',
      html`<section class="narrow">
<h1>Submit a paper</h1>
<p>Paste an arXiv identifier or link (abstract or PDF). The paper goes on today's list with your name on it.</p>
<form method="post" action="/submit" class="stack" data-enhance="submit">
  <input type="hidden" name="_csrf" value="${request.csrfToken}">
  <label for="paper-input">arXiv id or URL</label>
  <input id="paper-input" name="paper" required maxlength="300" placeholder="2401.01234 or https://arxiv.org/abs/2401.01234" autocomplete="off">
  ${
    isCurator(user)
      ? html`<label for="submit-day">Day (curators: any day)</label><input id="submit-day" name="day" type="date" value="${ctx.clock.now().toISOString().slice(0, 10)}">`
      : ''
  }
  <button type="submit">Submit</button>
  <p class="result" role="status" aria-live="polite"></p>
</form>
</section>`,
      200,
      'submit',
    );
  };
}

export function submitAction(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const user = requireViewer(request);
    enforceLimit(ctx, 'submit', { account: user.id, ip: request.ip });
    const input = field(request.body, 'paper');
    const day = field(request.body, 'day');
    const today = ctx.clock.now().toISOString().slice(0, 10);
    let result: { paperId: string; day: string; created: boolean };
    if (day && day !== today && isCurator(user)) result = { ...(await featureOnDay(ctx, user, input, day)), created: true };
    else result = await submitPaper(ctx, user, input);
    const url = `/papers/${result.paperId}`;
    const message = result.created ? `Added to the list of ${longDay(result.day)}.` : `Already on the list of ${longDay(result.day)}.`;
    if (wantsJson(request)) return reply.send({ ...result, url, message });
    return messagePage(
      request,
      reply,
      result.created ? 'Paper submitted' : 'Already listed',
      html`<section class="narrow"><h1>${result.created ? 'Thanks, it is on the list' : 'Already on a list'}</h1>
<p>${message}</p>
<p><a href="${url}">Open the paper</a> · <a href="/papers/date/${result.day}">See the list of ${longDay(result.day)}</a> · <a href="/submit">Submit another</a></p></section>`,
    );
  };
}

// Pictures of momentum, drawn on the server as small SVGs: no JavaScript, colours from the page's
// own text and accent colours (currentColor and CSS variables, so dark mode just works), and a
// text description for screen readers. Every value goes through the escaping html template.
import type { AppContext } from '../context.js';
import { dayOf } from '../clock.js';
import { getPaper } from '../store/papers.js';
import { starHistory, upvotesPerDay } from '../store/signals.js';
import { html, type SafeHtml } from '../web/views/html.js';

const DAY = 86_400_000;
const CHART_DAYS = 60;

/** Consecutive UTC days ending today. */
export function lastDays(now: Date, n: number): string[] {
  return Array.from({ length: n }, (_, i) => dayOf(new Date(now.getTime() - (n - 1 - i) * DAY)));
}

/** Polyline points of a series scaled into a box; null values (no data yet) are left out. */
export function points(values: Array<number | null>, width: number, height: number, pad = 2): string {
  const known = values.filter((v): v is number => v !== null);
  const max = Math.max(...known, 0);
  const min = Math.min(...known, max);
  const span = max - min || 1;
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  return values
    .flatMap((v, i) => (v === null ? [] : [`${(pad + i * step).toFixed(1)},${(height - pad - ((v - min) / span) * (height - 2 * pad)).toFixed(1)}`]))
    .join(' ');
}

/** A tiny line chart of daily counts, with what it shows spelled out for assistive technology. */
export function sparkline(values: number[], label: string): SafeHtml {
  const w = 96;
  const h = 24;
  return html`<svg class="sparkline" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${label}" focusable="false" style="color: var(--accent, currentColor); vertical-align: middle"><polyline fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" points="${points(values, w, h)}"/></svg>`;
}

/** The paper page's chart: total upvotes and GitHub stars, day by day, over the last 60 days. */
export async function momentumChart(ctx: AppContext, paperId: string): Promise<SafeHtml> {
  const paper = await getPaper(ctx.store.db, paperId);
  if (!paper || paper.hidden) return html``;
  const axis = lastDays(ctx.clock.now(), CHART_DAYS);
  const [perDay, stars] = await Promise.all([upvotesPerDay(ctx.store.db, [paperId]), paper.githubRepo ? starHistory(ctx.store.db, paper.githubRepo) : Promise.resolve([])]);

  // Cumulative upvotes at the end of each day (votes before the chart's first day start the line).
  const upvotes = new Array<number>(CHART_DAYS).fill(0);
  let total = 0;
  let di = 0;
  for (const r of perDay) {
    while (di < CHART_DAYS && axis[di] < r.day) upvotes[di++] = total;
    total += r.n;
  }
  while (di < CHART_DAYS) upvotes[di++] = total;

  // Stars: the last sample at or before each day's end; days before the first sample have none.
  const starLine: Array<number | null> = new Array(CHART_DAYS).fill(null);
  let si = 0;
  let last: number | null = null;
  for (let d = 0; d < CHART_DAYS; d++) {
    const end = `${axis[d]}T23:59:59.999Z`;
    while (si < stars.length && stars[si].at <= end) last = Number(stars[si++].stars);
    starLine[d] = last;
  }
  const starValues = starLine.filter((v): v is number => v !== null);
  if (total === 0 && starValues.length === 0) return html``;

  const w = 320;
  const h = 120;
  const plotH = 96;
  const id = `momentum-${paperId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const firstUp = upvotes[0];
  const starFrom = starValues[0];
  const starTo = starValues[starValues.length - 1];
  const description =
    `Over the ${CHART_DAYS} days from ${axis[0]} to ${axis[CHART_DAYS - 1]}, upvotes went from ${firstUp} to ${total}` +
    (starValues.length ? ` and GitHub stars of ${paper.githubRepo} from ${starFrom} to ${starTo}` : '') +
    '. Each line is scaled to its own range.';
  const starPoints = starValues.length ? points(starLine, w, plotH) : '';
  return html`<figure class="momentum">
<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-labelledby="${id}-t ${id}-d" focusable="false" style="max-width: 100%; height: auto">
<title id="${id}-t">Momentum of this paper: upvotes and GitHub stars</title>
<desc id="${id}-d">${description}</desc>
<line x1="0" y1="${plotH}" x2="${w}" y2="${plotH}" stroke="currentColor" stroke-opacity="0.3"/>
<polyline fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" points="${points(upvotes, w, plotH)}"/>
${starPoints ? html`<polyline fill="none" style="stroke: var(--accent, currentColor)" stroke-width="2" stroke-dasharray="5 3" stroke-linejoin="round" points="${starPoints}"/>` : ''}
<text x="2" y="${h - 4}" font-size="11" fill="currentColor">— upvotes ${firstUp}→${total}</text>
${starValues.length ? html`<text x="${w / 2}" y="${h - 4}" font-size="11" style="fill: var(--accent, currentColor)">- - stars ${starFrom}→${starTo}</text>` : ''}
</svg>
</figure>`;
}

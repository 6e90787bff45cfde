// From stored papers to the API's JSON: the Hugging Face shapes (hf-papers-api.md) and paperboy's
// own v1 paper object. One mapping function per shape.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Paper } from '../store/papers.js';
import type { Listing, Submitter } from '../store/api-queries.js';
import { latexToText } from '../text/latex.js';
import { firstSentence, keyPhrases } from './summary.js';
import type { hfDailyItem, hfPaper, hfUser, v1Paper } from './schemas.js';

export type HfPaper = z.infer<typeof hfPaper>;
export type HfDailyItem = z.infer<typeof hfDailyItem>;
export type HfUser = z.infer<typeof hfUser>;
export type V1Paper = z.infer<typeof v1Paper>;

const EPOCH = '1970-01-01T00:00:00.000Z';

/** ISO 8601 UTC with milliseconds and Z, as the official client parses it. */
export function isoMs(value: string | null | undefined): string {
  const t = value ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? new Date(t).toISOString() : EPOCH;
}

// HF ids are 24 hex digits (MongoDB ObjectIds); ours are derived from stable keys so they never change.
const objectId = (key: string) => createHash('sha1').update(key).digest('hex').slice(0, 24);

/** Imports and the demo corpus have no submitting member; clients still expect a user object. */
const FLAGS = { isPro: false, isHf: false, isHfAdmin: false, isMod: false, isUserFollowing: false };
const SYSTEM_USER: HfUser = { _id: '000000000000000000000000', user: 'paperboy', fullname: 'paperboy', name: 'paperboy', avatarUrl: '', type: 'system', ...FLAGS };

export function hfUserOf(s: Submitter | null): HfUser {
  if (!s) return SYSTEM_USER;
  return { _id: objectId(`user:${s.username}`), user: s.username, fullname: s.displayName, name: s.username, avatarUrl: '', type: 'user', ...FLAGS };
}

/** When a paper went on its daily list: the submission time if it falls on that day, else the day itself. */
export function listedAt(listing: Listing): string {
  const at = isoMs(listing.submittedAt);
  return at.slice(0, 10) === listing.day ? at : `${listing.day}T00:00:00.000Z`;
}

export function toHfPaper(p: Paper, listing: Listing | undefined): HfPaper {
  return {
    id: p.id,
    authors: p.authors.map((name, i) => ({ _id: objectId(`author:${p.id}:${i}`), name, hidden: false })),
    publishedAt: isoMs(p.publishedAt),
    submittedOnDailyAt: listing ? listedAt(listing) : null,
    title: p.title,
    summary: p.abstract,
    upvotes: p.upvotes,
    numComments: p.numComments,
    discussionId: p.id,
    ai_summary: firstSentence(p.abstract),
    ai_keywords: keyPhrases(p.title, p.abstract),
    githubRepo: p.githubRepo ? `https://github.com/${p.githubRepo}` : null,
    githubStars: p.githubStars,
    projectPage: p.links.project ?? null,
    submittedOnDailyBy: listing ? hfUserOf(listing.submitter) : null,
  };
}

/**
 * A daily item, also the shape of a search result. A search result that was never on a daily list has
 * null publishedAt and submittedBy, so huggingface_hub reports no submission date or submitter for it
 * (as paper_info does for the same paper) rather than its arXiv date and a made-up submitter.
 */
export function toHfDailyItem(p: Paper, listing: Listing | undefined): HfDailyItem {
  const paper = toHfPaper(p, listing);
  return {
    paper,
    publishedAt: paper.submittedOnDailyAt,
    title: p.title,
    summary: p.abstract,
    thumbnail: '',
    numComments: p.numComments,
    // huggingface_hub takes paper.upvotes and falls back to this one when that is 0 (else it says None).
    upvotes: p.upvotes,
    // huggingface_hub reads these from the outer object only; inside `paper` it never sees them.
    ai_summary: paper.ai_summary,
    ai_keywords: paper.ai_keywords,
    githubRepo: paper.githubRepo,
    githubStars: paper.githubStars,
    projectPage: paper.projectPage,
    submittedBy: listing ? hfUserOf(listing.submitter) : null,
    isAuthorParticipating: false,
  };
}

export function toV1Paper(baseUrl: string, p: Paper, dailyDay: string | null): V1Paper {
  return {
    id: p.id,
    version: p.version,
    url: `${baseUrl}/papers/${p.id}`,
    title: p.title,
    titleText: latexToText(p.title),
    abstract: p.abstract,
    authors: p.authors,
    categories: p.categories,
    primaryCategory: p.primaryCategory,
    publishedAt: isoMs(p.publishedAt),
    updatedAt: isoMs(p.updatedAt),
    comments: p.comments,
    journalRef: p.journalRef,
    doi: p.doi,
    license: p.license,
    links: p.links,
    githubRepo: p.githubRepo,
    githubStars: p.githubStars,
    upvotes: p.upvotes,
    numComments: p.numComments,
    dailyDay,
  };
}

/** The paper page as Markdown (GET /papers/{id}.md, huggingface_hub's read_paper). */
export function paperMarkdown(baseUrl: string, p: Paper, listing: Listing | undefined): string {
  const lines = [`# ${latexToText(p.title)}`, '', `**Authors:** ${p.authors.join(', ')}`, ''];
  lines.push(`**arXiv:** ${p.id}${p.version ? `v${p.version}` : ''} · **Published:** ${isoMs(p.publishedAt).slice(0, 10)} · **Categories:** ${p.categories.join(', ')}`);
  if (listing) lines.push(`**On the daily list of:** ${listing.day}${listing.submitter ? ` (submitted by ${listing.submitter.username})` : ''}`);
  lines.push(`**Upvotes:** ${p.upvotes} · **Comments:** ${p.numComments}`, '', '## Abstract', '', p.abstract.trim(), '', '## Links', '');
  lines.push(`- Paper page: ${baseUrl}/papers/${p.id}`);
  if (p.links.abs) lines.push(`- arXiv: ${p.links.abs}`);
  if (p.links.pdf) lines.push(`- PDF: ${p.links.pdf}`);
  if (p.links.doi || p.doi) lines.push(`- DOI: ${p.links.doi ?? `https://doi.org/${p.doi}`}`);
  for (const code of p.links.code ?? []) lines.push(`- Code: ${code}`);
  if (p.links.project) lines.push(`- Project page: ${p.links.project}`);
  if (p.journalRef) lines.push('', `Journal reference: ${p.journalRef}`);
  if (p.comments) lines.push('', `Comments: ${p.comments}`);
  return `${lines.join('\n')}\n`;
}

// The demo corpus that ships in the repo (data/demo/): loaded on first start so that a newcomer sees
// a full site: today's list holds the 61 papers of a real trending-papers page, earlier days hold real
// arXiv records from recorded Atom and OAI-PMH answers, and a few demo members have upvoted them.
// Everything is deterministic (no randomness), and loading twice changes nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../context.js';
import { dayOf } from '../clock.js';
import { countPapers, featurePapers, type PaperInput, refreshPapersCounters, upsertPapers } from '../store/papers.js';
import { insertUpvote } from '../store/upvotes.js';
import { ensureUser, setUserRole, type User } from '../store/users.js';
import { parseAtom } from './atom.js';
import { kaggleToPaper } from './kaggle.js';
import { cleanText, findLinks } from './normalize.js';
import { parseOai } from './oai.js';

export const demoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'demo');

// Demo accounts use the reserved .invalid domain, so no mail can ever reach anyone.
const MEMBERS = ['ak', 'ada', 'grace', 'alan', 'emmy', 'kurt', 'sofia', 'yann', 'fei', 'geoff', 'yoshua', 'daphne'];

/** A stable non-arXiv id for a paper known only by its title: "demo-" and 10 hex digits of its hash. */
export function demoId(title: string): string {
  return `demo-${createHash('sha256').update(cleanText(title).toLowerCase()).digest('hex').slice(0, 10)}`;
}

/** A number in [0, 1) from a string, the same everywhere (FNV-1a). */
function unit(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 4294967296;
}

interface DemoList {
  day: string;
  papers: PaperInput[];
}

function readDemo(name: string): string {
  return readFileSync(path.join(demoDir, name), 'utf8');
}

/** The demo papers and which day each list is on, relative to `today`. */
export function demoLists(today: Date): { lists: DemoList[]; unlisted: PaperInput[] } {
  const day = (back: number) => dayOf(new Date(today.getTime() - back * 86_400_000));

  const reference = JSON.parse(readDemo('reference-papers.json')) as { papers: Array<{ title: string; abstract: string; github: string[] }> };
  const listedAt = `${day(1)}T18:00:00.000Z`;
  const referencePapers: PaperInput[] = reference.papers.map((p) => {
    const found = findLinks(p.abstract);
    const code = [...new Set([...p.github.map((g) => g.replace(/[.,;]+$/, '')), ...(found.code ?? [])])];
    return {
      id: demoId(p.title),
      version: 1,
      title: cleanText(p.title),
      abstract: cleanText(p.abstract),
      authors: [], // the captured page shows no authors
      categories: [],
      publishedAt: listedAt,
      updatedAt: listedAt,
      links: code.length ? { code } : {},
      source: 'demo',
    };
  });

  const atom = (file: string) => parseAtom(readDemo(file), { trusted: true }).papers;
  const oai = (file: string) => parseOai(readDemo(file), { trusted: true }).records.flatMap((r) => (r.result?.ok ? [r.result.paper] : []));
  const recent = atom('atom-cs-ai-lg-2026.xml');
  const transformer = atom('atom-transformer-2026.xml');
  const testing = atom('atom-testing-2026.xml');
  const raw2016 = oai('oai-arxivraw-cs-2016.xml');
  const older = [...oai('oai-arxivraw-2014.xml'), ...oai('oai-arxiv-2015.xml')];
  const kaggle = readDemo('kaggle-sample.jsonl')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      const r = kaggleToPaper(JSON.parse(l));
      return r.ok ? [r.paper] : [];
    });

  const lists: DemoList[] = [
    { day: day(0), papers: referencePapers },
    { day: day(1), papers: recent.slice(0, 30) },
    { day: day(2), papers: [...recent.slice(30), ...transformer] },
    { day: day(3), papers: testing.slice(0, 30) },
    { day: day(4), papers: testing.slice(30, 60) },
    { day: day(5), papers: testing.slice(60, 100) },
    { day: day(6), papers: raw2016.slice(0, 25) },
    { day: day(7), papers: raw2016.slice(25, 50) },
    { day: day(8), papers: [...raw2016.slice(50, 70), ...older] },
  ];
  return { lists, unlisted: [...raw2016.slice(70), ...kaggle] };
}

export interface DemoSummary {
  papers: number;
  lists: number;
  upvotes: number;
}

/** Loads (or reloads, changing nothing) the demo corpus. */
export async function loadDemo(ctx: AppContext): Promise<DemoSummary> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const { lists, unlisted } = demoLists(now);
  const db = ctx.store.db;
  const members: User[] = [];
  for (const name of MEMBERS) members.push(await ensureUser(db, `${name}@demo.invalid`, 'member', nowIso));
  if (members[0].role === 'member') await setUserRole(db, members[0].id, 'curator'); // "ak" curates, as on the reference page
  const all = [...lists.flatMap((l) => l.papers), ...unlisted];
  await db.transaction().execute(async (trx) => {
    await upsertPapers(trx, all, nowIso);
  });
  const features: Parameters<typeof featurePapers>[1] = [];
  const votes: Array<{ userId: number; paperId: string; at: string }> = [];
  for (const list of lists) {
    for (const [position, paper] of list.papers.entries()) {
      const submitter = list === lists[0] ? members[0] : members[Math.floor(unit(`by:${paper.id}`) * members.length)];
      const submittedAt = clampToNow(Date.parse(`${list.day}T07:00:00Z`) + position * 4 * 60_000, now);
      features.push({ paperId: paper.id, day: list.day, submittedBy: submitter.id, submittedAt });
      // A few papers draw most of the votes, as on the real page.
      const voters = Math.round(unit(paper.id) ** 2.5 * members.length);
      for (let v = 0; v < voters; v++) {
        const voter = members[(v + Math.floor(unit(`v:${paper.id}`) * members.length)) % members.length];
        votes.push({ userId: voter.id, paperId: paper.id, at: clampToNow(Date.parse(`${list.day}T08:00:00Z`) + v * 47 * 60_000, now) });
      }
    }
  }
  await db.transaction().execute(async (trx) => {
    await featurePapers(trx, features);
    for (const v of votes) await insertUpvote(trx, v.userId, v.paperId, v.at);
    await refreshPapersCounters(
      trx,
      features.map((f) => f.paperId),
      nowIso,
    );
  });
  const upvotes = votes.length;
  ctx.log.info({ papers: all.length, lists: lists.length }, 'demo corpus loaded');
  return { papers: all.length, lists: lists.length, upvotes };
}

function clampToNow(t: number, now: Date): string {
  return new Date(Math.min(t, now.getTime())).toISOString();
}

/** Loads the demo corpus when the store has no papers at all (first start). */
/** Loads the demo corpus into an empty store; true when it did. */
export async function loadDemoIfEmpty(ctx: AppContext): Promise<boolean> {
  if ((await countPapers(ctx.store.db)) > 0) return false;
  await loadDemo(ctx);
  return true;
}

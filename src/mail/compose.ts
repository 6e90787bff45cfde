// Which papers go into one subscriber's digest. Sections in order: trending, the daily list,
// topics (saved searches), categories, authors. A paper appears at most once per digest (in the
// first section that has it) and never in a later digest of the same subscriber: `alreadySent` comes
// from digest_papers, where the outbox reserves a digest's papers when its row is created.
// The composer caches every section source for the run, since thousands of subscribers share them.
import type { AppContext } from '../context.js';
import type { Frequency, Subscriber } from '../store/subscribers.js';
import { authorKey, dailyPapers, latestDailyDay, papersByAuthor, papersByCategory, type Paper } from '../store/papers.js';
import { trendingPapers } from '../store/trending.js';
import { searchPapers } from '../search/search.js';

export type SectionKind = 'trending' | 'daily' | 'topic' | 'category' | 'author';

export interface DigestSection {
  kind: SectionKind;
  /** What the section is about: the topic query, the category, the author; '' for trending/daily. */
  label: string;
  paperIds: string[];
}

export interface ComposedDigest {
  sections: DigestSection[];
  paperIds: string[];
}

/** How many papers a topic, category or author section holds at most. */
export const SECTION_LIMIT = 5;
const TRENDING_MAX = 50;

/** Section sources loaded once per run and shared by the daily and weekly composers. */
export interface SourceCache {
  sources: Map<string, Promise<Paper[]>>;
  papers: Map<string, Paper>;
}

export const newSourceCache = (): SourceCache => ({ sources: new Map(), papers: new Map() });

const LONGEST_WINDOW_DAYS = 8;

export class Composer {
  private readonly cache: Map<string, Promise<Paper[]>>;
  readonly papers: Map<string, Paper>;
  /** Sources once loaded (this composer's window applied), for selecting without awaiting. */
  private readonly loaded = new Map<string, Paper[]>();
  /** New papers for topic/category/author sections: the last few days, a little more than a period. */
  private readonly since: string;
  /** What the shared sources are loaded with: the longest window; each composer filters to its own. */
  private readonly loadSince: string;

  constructor(
    private readonly ctx: AppContext,
    private readonly frequency: Frequency,
    private readonly now: Date,
    shared: SourceCache = newSourceCache(),
  ) {
    this.cache = shared.sources;
    this.papers = shared.papers;
    const days = frequency === 'weekly' ? LONGEST_WINDOW_DAYS : 3;
    this.since = new Date(now.getTime() - days * 86_400_000).toISOString();
    this.loadSince = new Date(now.getTime() - LONGEST_WINDOW_DAYS * 86_400_000).toISOString();
  }

  private source(key: string, load: () => Promise<Paper[]>): Promise<Paper[]> {
    let p = this.cache.get(key);
    if (!p) {
      p = load().then((list) => {
        for (const paper of list) this.papers.set(paper.id, paper);
        return list.filter((x) => !x.hidden);
      });
      this.cache.set(key, p);
    }
    return p;
  }

  private trending(): Promise<Paper[]> {
    return this.source(`trending:${this.frequency}`, () => trendingPapers(this.ctx.store.db, { window: this.frequency === 'weekly' ? 'week' : 'day', limit: TRENDING_MAX }));
  }

  private daily(): Promise<Paper[]> {
    return this.source(`daily:${this.frequency}`, async () => {
      const day = await latestDailyDay(this.ctx.store.db);
      if (!day) return [];
      const from = this.frequency === 'weekly' ? new Date(Date.parse(`${day}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10) : day;
      return (await dailyPapers(this.ctx.store.db, from, day)).slice(0, 30);
    });
  }

  private topic(query: string): Promise<Paper[]> {
    return this.recent(this.source(`topic:${query.toLowerCase()}`, async () => (await searchPapers(this.ctx, query, { limit: 20, since: this.loadSince })).hits.map((h) => h.paper)));
  }

  private category(category: string): Promise<Paper[]> {
    return this.recent(this.source(`category:${category}`, async () => papersByCategory(this.ctx.store.db, category, 20, 0, this.loadSince)));
  }

  private author(name: string): Promise<Paper[]> {
    return this.recent(this.source(`author:${authorKey(name)}`, async () => papersByAuthor(this.ctx.store.db, authorKey(name), 20, 0, this.loadSince)));
  }

  private async recent(list: Promise<Paper[]>): Promise<Paper[]> {
    const all = await list;
    return this.since === this.loadSince ? all : all.filter((p) => p.publishedAt >= this.since);
  }

  /** Loads what the subscriber's digest draws on that no earlier digest of the run loaded. Most
   * digests of a run find everything loaded: that is checked without creating a promise. */
  load(s: Subscriber): Promise<void> | undefined {
    const has = (key: string) => this.loaded.has(key);
    if ((s.topN <= 0 || has('trending')) && (!s.includeDaily || has('daily')) && s.topics.every((q) => has(`topic:${q.toLowerCase()}`)) && s.categories.every((c) => has(`category:${c}`)) && s.authors.every((a) => has(`author:${authorKey(a)}`))) return undefined;
    return this.loadMissing(s);
  }

  private async loadMissing(s: Subscriber): Promise<void> {
    const need = async (key: string, load: () => Promise<Paper[]>) => {
      if (!this.loaded.has(key)) this.loaded.set(key, await load());
    };
    if (s.topN > 0) await need('trending', () => this.trending());
    if (s.includeDaily) await need('daily', () => this.daily());
    for (const q of s.topics) await need(`topic:${q.toLowerCase()}`, () => this.topic(q));
    for (const c of s.categories) await need(`category:${c}`, () => this.category(c));
    for (const a of s.authors) await need(`author:${authorKey(a)}`, () => this.author(a));
  }

  /** The digest, from sources already loaded (`load`): no database work, no waiting. */
  select(s: Subscriber, alreadySent: ReadonlySet<string>): ComposedDigest {
    const used = new Set<string>();
    const sections: DigestSection[] = [];
    const take = (key: string, kind: SectionKind, label: string, limit: number) => {
      const list = this.loaded.get(key);
      if (!list) throw new Error(`digest source ${key} was not loaded`);
      const ids: string[] = [];
      for (const p of list) {
        if (ids.length >= limit) break;
        if (used.has(p.id) || alreadySent.has(p.id)) continue;
        used.add(p.id);
        ids.push(p.id);
      }
      if (ids.length) sections.push({ kind, label, paperIds: ids });
    };
    if (s.topN > 0) take('trending', 'trending', '', s.topN);
    if (s.includeDaily) take('daily', 'daily', '', 30);
    for (const q of s.topics) take(`topic:${q.toLowerCase()}`, 'topic', q, SECTION_LIMIT);
    for (const c of s.categories) take(`category:${c}`, 'category', c, SECTION_LIMIT);
    for (const a of s.authors) take(`author:${authorKey(a)}`, 'author', a, SECTION_LIMIT);
    return { sections, paperIds: sections.flatMap((x) => x.paperIds) };
  }

  async compose(s: Subscriber, alreadySent: ReadonlySet<string>): Promise<ComposedDigest> {
    await this.load(s);
    return this.select(s, alreadySent);
  }
}

/** Sections are stored with the outbox row as ["kind|label|id", ...] so the sender can rebuild them. */
export function encodeSections(sections: DigestSection[]): string[] {
  return sections.flatMap((s) => s.paperIds.map((id) => `${s.kind}\u001f${s.label}\u001f${id}`));
}

export function decodeSections(entries: string[]): DigestSection[] {
  const out: DigestSection[] = [];
  for (const e of entries) {
    const [kind, label, id] = e.includes('\u001f') ? e.split('\u001f') : ['trending', '', e];
    const last = out[out.length - 1];
    if (last && last.kind === kind && last.label === label) last.paperIds.push(id);
    else out.push({ kind: kind as SectionKind, label, paperIds: [id] });
  }
  return out;
}

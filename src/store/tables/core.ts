// Row types of the paper store's core tables: papers, their authors and categories, daily lists,
// harvest cursors, ingest problems, background jobs. Times are ISO-8601 UTC strings, days YYYY-MM-DD,
// flags 0/1 integers and lists JSON text, so that SQLite and PostgreSQL store them alike.
import type { Generated } from 'kysely';

export interface PapersTable {
  id: string; // canonical arXiv id without version (2401.01234, hep-th/9901001) or a stable non-arXiv id
  version: number;
  title: string;
  abstract: string;
  authors: string; // JSON array of names, in order
  categories: string; // JSON array, primary first
  primary_category: string | null;
  published_at: string; // v1 date
  updated_at: string; // date of the latest version
  comments: string | null;
  journal_ref: string | null;
  doi: string | null;
  license: string | null;
  links: string; // JSON PaperLinks
  github_repo: string | null; // owner/name of the first code repository, if any
  source: string; // arxiv | kaggle | demo | manual
  hidden: Generated<number>;
  upvotes: Generated<number>; // denormalised count of upvotes
  num_comments: Generated<number>; // denormalised count of visible comments
  github_stars: number | null;
  created_at: string; // when it entered this store
  changed_at: string; // last change of the stored row (cache invalidation, incremental indexing)
}

export interface PaperAuthorsTable {
  paper_id: string;
  position: number;
  name: string;
  name_key: string; // lower-cased, accent-free, for author pages and author: filters
}

export interface PaperCategoriesTable {
  paper_id: string;
  category: string;
  is_primary: number;
}

export interface DailyFeaturesTable {
  id: Generated<number>;
  paper_id: string; // unique: a paper is on one daily list at most
  day: string; // YYYY-MM-DD
  submitted_by: number | null; // users.id; null for imports and the demo corpus
  submitted_at: string;
}

export interface HarvestCursorsTable {
  source: string; // e.g. oai:arXiv:cs
  datestamp: string | null; // last record datestamp fully stored: the next run's `from`
  resumption_token: string | null;
  started_from: string | null; // the `from` of the harvest in progress
  updated_at: string;
}

export interface IngestProblemsTable {
  id: Generated<number>;
  source: string; // file path, URL or source name
  location: string; // line number, record id
  message: string;
  created_at: string;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: string; // JSON
  unique_key: string | null; // at most one pending job per key
  status: string; // pending | running | done | failed
  run_at: string;
  lease_until: string | null;
  locked_by: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface CoreTables {
  papers: PapersTable;
  paper_authors: PaperAuthorsTable;
  paper_categories: PaperCategoriesTable;
  daily_features: DailyFeaturesTable;
  harvest_cursors: HarvestCursorsTable;
  ingest_problems: IngestProblemsTable;
  jobs: JobsTable;
  meta: MetaTable;
}

// The requests huggingface_hub's HfApi sends, and what its PaperInfo makes of the JSON it gets back,
// as read from the client's source (not run: it cannot be installed here). Read in copies of the
// upstream repository (the stored huggingface/huggingface_hub itself, 1fb0107b, predates these methods):
//   src/huggingface_hub/hf_api.py (HfApi.list_daily_papers, list_papers, paper_info, read_paper;
//   PaperInfo, PaperAuthor, User, Organization) at scm-repo-mirror/huggingface_huggingface_hub
//   9611cb3542a7cfeadf1664333857669871f0a9d1 and Stars1233/huggingface_hub
//   7d7603c0c3dd14aab1bdbd877687cf76cfaa3471 (newer; the same paper code plus linked models/datasets/
//   Spaces); utils/_datetime.py parse_datetime at huggingface/huggingface_hub
//   32f441b01d2fb31185bac790c6bca4e18e834ea6; utils/_http.py (the httpx client factory,
//   hf_raise_for_status, _format) from a stored httpx-era copy whose commit the index did not give.
// What the client does, in our words:
// - list_daily_papers: GET {endpoint}/api/daily_papers with only the arguments given, in the order
//   p, limit, sort, date, week, month, submitter; list_papers: GET /api/papers/search with q (only when
//   the query is non-empty) then limit. Both send the hub headers (a user agent, and "authorization:
//   Bearer <token>" when the user has a Hugging Face token saved). Each element of the JSON array
//   becomes a PaperInfo.
// - paper_info: GET /api/papers/{id}, the id pasted into the path as is; read_paper: GET /papers/{id}.md
//   and returns the body text. Neither adds headers beyond the HTTP library's own.
// - Any status >= 400 raises; the message is taken from a JSON object's "error" (the body must then be
//   an object, not an array) or from a non-HTML text body. The command-line tool reports a 404 as
//   "paper not found". The HTTP client follows redirects and accepts gzip and deflate.
// - PaperInfo takes each field from the inner "paper" object first and the outer object second,
//   where "first" means "if truthy": a 0 or "" inside "paper" falls through to the outer key. Dates are
//   parsed with the one format YYYY-MM-DDTHH:MM:SS.<1-6 digits>Z (anything else raises). The outer
//   publishedAt is the daily-list date unless it was used up as the publication date (paper_info's
//   top-level object), in which case submittedOnDailyAt is. The submitter is submittedBy or
//   submittedOnDailyBy, read as a user (user, fullname, avatarUrl, ...; "orgs", if present, must be a
//   list). Authors must be objects with a name. Keys it does not read become attributes as they are,
//   overwriting a parsed attribute of the same name.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { gunzipSync, inflateSync } from 'node:zlib';

export interface ClientResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** The user agent build_hf_headers sends (its exact text does not matter to the server). */
const HUB_USER_AGENT = 'unknown/None; hf_hub/1.1.0; python/3.11.7; torch/N/A';
/** The default user agent of httpx, which paper_info and read_paper send. */
const HTTPX_USER_AGENT = 'python-httpx/0.28.1';

/** The query string httpx builds from a dict: in insertion order, None values already left out, spaces as "+". */
export function clientQuery(params: Array<[string, string | number | undefined]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of params) if (v !== undefined) q.append(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * One GET the way the client sends it: over a real socket, with the client's headers; `hub` adds the
 * hub headers (and a saved Hugging Face token, which paperboy must ignore rather than reject).
 */
export function clientGet(base: string, path: string, opts: { hub: boolean; token?: string }): Promise<ClientResponse> {
  const headers: Record<string, string> = {
    accept: '*/*',
    'accept-encoding': 'gzip, deflate',
    connection: 'keep-alive',
    'user-agent': opts.hub ? HUB_USER_AGENT : HTTPX_USER_AGENT,
    'x-amzn-trace-id': randomUUID(),
  };
  if (opts.hub && opts.token) headers.authorization = `Bearer ${opts.token}`;
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(path, base), { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        const body = encoding === 'gzip' ? gunzipSync(raw) : encoding === 'deflate' ? inflateSync(raw) : raw;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

// ---- what PaperInfo reads ----------------------------------------------------------------------

/** The client's one datetime format: 4-2-2T2:2:2, a 1-6 digit fraction and Z. */
const CLIENT_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{1,6})Z$/;

export class ClientParseError extends Error {}

function fail(where: string, message: string): never {
  throw new ClientParseError(`${where}: ${message}`);
}

/** Parses a date as the client does (a real calendar time in that exact format), else fails. */
export function clientDatetime(value: unknown, where: string): string {
  if (typeof value !== 'string') fail(where, `a date must be a string, got ${JSON.stringify(value)}`);
  const m = CLIENT_DATETIME.exec(value);
  if (!m) fail(where, `${value} is not YYYY-MM-DDTHH:MM:SS.fffZ`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) fail(where, `${value} is not a real time`);
  return value;
}

/** Python truthiness of a JSON value. */
const truthy = (v: unknown) => !(v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Removes and returns a key (Python's dict.pop(key, None)). */
function take(o: Record<string, unknown>, key: string): unknown {
  const v = o[key];
  delete o[key];
  return v ?? null;
}

/** `a or b` in Python: b is only evaluated (and its key only popped) when a is falsy. */
function either(a: () => unknown, b: () => unknown): unknown {
  const first = a();
  return truthy(first) ? first : b();
}

const checkKwargs = (o: Record<string, unknown>, where: string) => {
  // Every object is passed as **kwargs to a constructor whose first parameter is self.
  if ('self' in o) fail(where, 'a key named "self" breaks the constructor call');
};

export interface ClientUser {
  username: string;
  fullname: string;
  avatarUrl: string;
}

function clientUser(raw: unknown, where: string): ClientUser {
  if (!isObject(raw)) fail(where, 'a user must be an object');
  checkKwargs(raw, where);
  const str = (k: string, v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : fail(`${where}.${k}`, 'must be a string'));
  for (const k of ['isFollowing', 'isPro']) if (raw[k] !== undefined && raw[k] !== null && typeof raw[k] !== 'boolean') fail(`${where}.${k}`, 'must be a boolean');
  if ('orgs' in raw) {
    if (!Array.isArray(raw.orgs)) fail(`${where}.orgs`, 'is iterated: must be a list');
    raw.orgs.forEach((org, i) => isObject(org) || fail(`${where}.orgs[${i}]`, 'must be an object'));
  }
  return { username: str('user', raw.user), fullname: str('fullname', raw.fullname), avatarUrl: str('avatarUrl', raw.avatarUrl) };
}

/** The attribute names PaperInfo sets itself; a leftover key with one of these names overwrites it. */
const PAPER_INFO_ATTRIBUTES = [
  'id', 'authors', 'published_at', 'title', 'summary', 'upvotes', 'discussion_id', 'source', 'comments', 'submitted_at', 'submitted_by',
  'ai_summary', 'ai_keywords', 'organization', 'project_page', 'github_repo', 'github_stars',
  'linked_models', 'num_total_models', 'linked_datasets', 'num_total_datasets', 'linked_spaces',
];

/** PaperInfo's view of one object, with dates as the strings it parsed. */
export interface ClientPaper {
  id: string;
  authors: string[] | null;
  publishedAt: string | null;
  title: string | null;
  summary: string | null;
  upvotes: number | null;
  discussionId: string | null;
  comments: number;
  submittedAt: string | null;
  submittedBy: ClientUser | null;
  aiSummary: string | null;
  aiKeywords: string[] | null;
  projectPage: string | null;
  githubRepo: string | null;
  githubStars: number | null;
}

/** What PaperInfo(**raw) ends up with; fails where the client would raise or read a wrong type. */
export function clientPaperInfo(rawValue: unknown, where = 'item'): ClientPaper {
  if (!isObject(rawValue)) fail(where, 'each element must be a JSON object');
  checkKwargs(rawValue, where);
  const rest: Record<string, unknown> = { ...rawValue };
  const paperValue = take(rest, 'paper') ?? {};
  if (!isObject(paperValue)) fail(`${where}.paper`, 'must be an object');
  const paper: Record<string, unknown> = { ...paperValue };
  const read: Record<string, unknown> = {};

  const id = (read.id = either(() => take(rest, 'id'), () => take(paper, 'id')));
  if (typeof id !== 'string' || !id) fail(`${where}.id`, 'must be a non-empty string');

  const authors = (read.authors = either(() => take(paper, 'authors'), () => take(rest, 'authors')));
  let authorNames: string[] | null = null;
  if (truthy(authors)) {
    if (!Array.isArray(authors)) fail(`${where}.authors`, 'must be a list');
    authorNames = authors.map((a, i) => {
      const at = `${where}.authors[${i}]`;
      if (!isObject(a)) fail(at, 'must be an object');
      checkKwargs(a, at);
      if (truthy(a.user)) clientUser(a.user, `${at}.user`);
      if (truthy(a.statusLastChangedAt)) clientDatetime(a.statusLastChangedAt, `${at}.statusLastChangedAt`);
      if (a.name !== undefined && typeof a.name !== 'string') fail(`${at}.name`, 'must be a string');
      return (a.name as string | undefined) ?? '';
    });
  }

  const published = (read.published_at = either(() => take(paper, 'publishedAt'), () => take(rest, 'publishedAt')));
  const publishedAt = truthy(published) ? clientDatetime(published, `${where}.publishedAt`) : null;
  const title = (read.title = take(rest, 'title'));
  read.source = take(rest, 'source');
  const summary = (read.summary = either(() => take(paper, 'summary'), () => take(rest, 'summary')));
  const upvotes = (read.upvotes = either(() => take(paper, 'upvotes'), () => take(rest, 'upvotes')));
  const discussionId = (read.discussion_id = either(() => take(paper, 'discussionId'), () => take(rest, 'discussionId')));
  const comments = (read.comments = 'numComments' in rest ? take(rest, 'numComments') : 0);
  const submitted = (read.submitted_at = either(() => take(rest, 'publishedAt'), () => take(rest, 'submittedOnDailyAt')));
  const submittedAt = truthy(submitted) ? clientDatetime(submitted, `${where}.submittedAt`) : null;
  const by = (read.submitted_by = either(() => take(rest, 'submittedBy'), () => take(rest, 'submittedOnDailyBy')));
  const submittedBy = truthy(by) ? clientUser(by, `${where}.submittedBy`) : null;
  const aiSummary = (read.ai_summary = take(rest, 'ai_summary'));
  const aiKeywords = (read.ai_keywords = take(rest, 'ai_keywords'));
  const organization = (read.organization = take(rest, 'organization'));
  if (truthy(organization) && !isObject(organization)) fail(`${where}.organization`, 'must be an object');
  const projectPage = (read.project_page = take(rest, 'projectPage'));
  const githubRepo = (read.github_repo = take(rest, 'githubRepo'));
  const githubStars = (read.github_stars = take(rest, 'githubStars'));
  for (const key of ['linkedModels', 'linkedDatasets', 'linkedSpaces']) {
    const v = take(rest, key);
    if (v !== null && (!Array.isArray(v) || !v.every(isObject))) fail(`${where}.${key}`, 'must be a list of objects');
  }

  // Leftover outer keys become attributes as they are: one named like a parsed attribute replaces it.
  for (const key of Object.keys(rest)) {
    if (PAPER_INFO_ATTRIBUTES.includes(key) && JSON.stringify(rest[key]) !== JSON.stringify(read[key])) {
      fail(`${where}.${key}`, `left over and overwrites the parsed ${key} (${JSON.stringify(read[key])}) with ${JSON.stringify(rest[key])}`);
    }
  }

  const typed = <T>(v: unknown, type: string, key: string): T | null => (v === null ? null : typeof v === type ? (v as T) : fail(`${where}.${key}`, `must be a ${type}, got ${JSON.stringify(v)}`));
  if (aiKeywords !== null && (!Array.isArray(aiKeywords) || !aiKeywords.every((k) => typeof k === 'string'))) fail(`${where}.ai_keywords`, 'must be a list of strings');
  if (typeof comments !== 'number' || !Number.isInteger(comments)) fail(`${where}.numComments`, 'must be an integer');
  return {
    id,
    authors: authorNames,
    publishedAt,
    title: typed<string>(title, 'string', 'title'),
    summary: typed<string>(summary, 'string', 'summary'),
    upvotes: typed<number>(upvotes, 'number', 'upvotes'),
    discussionId: typed<string>(discussionId, 'string', 'discussionId'),
    comments,
    submittedAt,
    submittedBy,
    aiSummary: typed<string>(aiSummary, 'string', 'ai_summary'),
    aiKeywords: aiKeywords as string[] | null,
    projectPage: typed<string>(projectPage, 'string', 'projectPage'),
    githubRepo: typed<string>(githubRepo, 'string', 'githubRepo'),
    githubStars: typed<number>(githubStars, 'number', 'githubStars'),
  };
}

/** A list method's answer: 200 and a JSON array, each element read as PaperInfo. */
export function clientPaperList(res: ClientResponse, what: string): ClientPaper[] {
  if (res.status !== 200) fail(what, `status ${res.status}: ${res.text.slice(0, 200)}`);
  const body: unknown = JSON.parse(res.text);
  if (!Array.isArray(body)) fail(what, 'the client iterates the answer: it must be a JSON array');
  return body.map((item, i) => clientPaperInfo(item, `${what}[${i}]`));
}

/** What the client can tell of an error answer: the status and the server's message. */
export function clientError(res: ClientResponse): { status: number; message: string } {
  if (res.status < 400) fail('error', `expected an error status, got ${res.status}`);
  let message = '';
  try {
    const data: unknown = JSON.parse(res.text);
    // The client calls .get("error") on the parsed body: anything but an object would raise there.
    if (!isObject(data)) fail('error body', 'a JSON error body must be an object');
    message = typeof data.error === 'string' ? data.error : '';
  } catch (err) {
    if (err instanceof ClientParseError) throw err;
    if (!String(res.headers['content-type'] ?? '').includes('html')) message = res.text;
  }
  return { status: res.status, message };
}

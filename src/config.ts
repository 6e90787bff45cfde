// Typed, frozen configuration read from the environment (and an optional .env file).
// Every option has a default and a validator; a wrong value stops startup with a message that names
// the variable and what it accepts. The README's configuration table documents the same options.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseWeights } from './rank/formula.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);
const url = z.string().url();
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

// One entry per environment variable: [validator, default (as the string a user would write), doc].
const options = {
  PORT: [int(0, 65535), '3000', 'TCP port of the web server'],
  HOST: [z.string().min(1), '127.0.0.1', 'interface the web server binds to (0.0.0.0 for all)'],
  DATABASE_URL: [
    z.string(),
    '',
    'postgres://… for PostgreSQL; a file path or sqlite:PATH for SQLite; unset: ./data/paperboy.db',
  ],
  LOG_LEVEL: [z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info', 'pino log level'],
  PAPERBOY_BASE_URL: [z.union([url, z.literal('')]), '', 'public URL of the site, used in mails and feeds (default http://HOST:PORT)'],
  PAPERBOY_SECRET: [
    z.string(),
    '',
    'server secret(s) for signed links and tokens, comma separated, newest first (rotation); unset: generated once into ./data/secret',
  ],
  PAPERBOY_DATA_DIR: [z.string().min(1), './data', 'where the SQLite file, the generated secret and dev mail live'],
  PAPERBOY_DEMO: [bool, 'true', 'load the bundled demo corpus on first start when the store is empty'],
  PAPERBOY_WORKER: [bool, 'true', 'run the background worker inside `serve`'],
  PAPERBOY_DB_POOL_SIZE: [int(1, 200), '10', 'PostgreSQL connections per process'],
  PAPERBOY_JOB_LEASE_SECONDS: [int(1, 86_400), '300', 'how long a worker holds a job before another may retry it (renewed while the job runs)'],
  PAPERBOY_TRUST_PROXY: [bool, 'false', 'trust X-Forwarded-* headers (behind a reverse proxy)'],
  // arXiv
  PAPERBOY_ARXIV_OAI_URL: [url, 'https://oaipmh.arxiv.org/oai', 'arXiv OAI-PMH endpoint'],
  PAPERBOY_ARXIV_API_URL: [url, 'https://export.arxiv.org/api/query', 'arXiv Atom API endpoint'],
  PAPERBOY_ARXIV_DELAY_MS: [int(0, 600_000), '3000', 'minimum pause between two arXiv requests (terms of use: 3000)'],
  PAPERBOY_HTTP_TIMEOUT_MS: [int(100, 600_000), '30000', 'timeout of one outgoing HTTP request'],
  PAPERBOY_HARVEST_SETS: [csv, '', 'OAI-PMH sets the worker harvests incrementally every 6 hours (e.g. cs,stat); empty: none'],
  // mail
  PAPERBOY_SMTP_URL: [z.string(), '', 'smtp(s)://user:pass@host:port; unset: a built-in development mailbox'],
  PAPERBOY_DEV_SMTP_PORT: [int(0, 65535), '2525', 'port of the built-in development mailbox when no SMTP is configured'],
  PAPERBOY_MAIL_FROM: [z.string().min(3), 'paperboy <paperboy@localhost>', 'From header of every mail'],
  PAPERBOY_MAIL_RATE: [num(0.1, 100_000), '50', 'maximum mails per second'],
  PAPERBOY_DKIM_DOMAIN: [z.string(), '', 'DKIM signing domain (optional)'],
  PAPERBOY_DKIM_SELECTOR: [z.string(), '', 'DKIM selector (optional)'],
  PAPERBOY_DKIM_KEY_FILE: [z.string(), '', 'path of the DKIM private key, PEM (optional)'],
  // search
  PAPERBOY_EMBEDDER: [z.enum(['bundled', 'openai', 'none']), 'bundled', 'embedding provider'],
  PAPERBOY_EMBEDDINGS_URL: [z.union([url, z.literal('')]), '', 'OpenAI-compatible /v1/embeddings base URL'],
  PAPERBOY_EMBEDDINGS_MODEL: [z.string(), '', 'model name for the OpenAI-compatible server'],
  PAPERBOY_EMBEDDINGS_KEY: [z.string(), '', 'API key for the OpenAI-compatible server (never logged)'],
  PAPERBOY_SEARCH_LANGUAGE: [z.string().regex(/^[a-z_]+$/), 'english', 'PostgreSQL text-search configuration (stemming language) of the full-text index; a change takes effect at `paperboy search reindex`'],
  // signals and trending
  PAPERBOY_GITHUB_API_URL: [url, 'https://api.github.com', 'GitHub REST API base URL'],
  PAPERBOY_GITHUB_TOKEN: [z.string(), '', 'GitHub token (optional; 60 requests/hour without)'],
  PAPERBOY_TRENDING_HALF_LIFE_HOURS: [num(1, 24 * 365), '36', 'half-life of the trending time decay'],
  PAPERBOY_TRENDING_WEIGHTS: [
    // Names and values checked at boot by the formula's own parser, so a typo cannot silently zero a term.
    csv.superRefine((entries, zctx) => {
      try {
        parseWeights(entries);
      } catch (err) {
        zctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
    'upvotes=1,comments=0.5,stars=0.7,views=0.05',
    'weights of the trending terms, name=value pairs',
  ],
  // abuse limits
  PAPERBOY_RATE_LIMIT_PER_MIN: [int(1, 1_000_000), '600', 'requests per minute per IP (general)'],
  PAPERBOY_API_TOKEN_RATE_LIMIT_PER_MIN: [int(1, 1_000_000), '1200', 'API requests per minute per personal API token'],
  PAPERBOY_ADMIN_EMAILS: [csv, '', 'addresses made admin when they first sign in'],
} as const;

type Options = typeof options;
type Parsed = { [K in keyof Options]: z.output<Options[K][0]> };

export type Config = Parsed & {
  readonly baseUrl: string;
  readonly databaseKind: 'sqlite' | 'postgres';
  readonly sqlitePath: string;
  readonly dataDir: string;
};

export class ConfigError extends Error {}

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, [schema, fallback]] of Object.entries(options)) {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : raw;
    const result = (schema as z.ZodTypeAny).safeParse(value);
    if (result.success) out[name] = result.data;
    else problems.push(`${name}=${JSON.stringify(raw)}: ${describe(name)} (${result.error.issues[0]?.message})`);
  }
  if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);

  const parsed = out as Parsed;
  const dataDir = path.resolve(parsed.PAPERBOY_DATA_DIR);
  const dbUrl = parsed.DATABASE_URL;
  const databaseKind = /^postgres(ql)?:\/\//.test(dbUrl) ? 'postgres' : 'sqlite';
  const sqlitePath = databaseKind === 'sqlite' ? (dbUrl ? dbUrl.replace(/^sqlite:/, '') : path.join(dataDir, 'paperboy.db')) : '';
  const shownHost = parsed.HOST === '0.0.0.0' || parsed.HOST === '::' ? 'localhost' : parsed.HOST;
  const baseUrl = (parsed.PAPERBOY_BASE_URL || `http://${shownHost}:${parsed.PORT}`).replace(/\/$/, '');
  return Object.freeze({ ...parsed, baseUrl, databaseKind, sqlitePath, dataDir });
}

/** Loads `.env` from the working directory into process.env (never overriding what is set). */
export async function loadDotEnv(file = '.env'): Promise<void> {
  if (!existsSync(file)) return;
  const dotenv = await import('dotenv');
  dotenv.config({ path: file, quiet: true });
}

function describe(name: string): string {
  return (options as Record<string, readonly [unknown, string, string]>)[name]?.[2] ?? '';
}

/** The documented table of options, for the README and `paperboy config`. */
export function configTable(): Array<{ name: string; default: string; doc: string }> {
  return Object.entries(options).map(([name, [, def, doc]]) => ({ name, default: def, doc }));
}

/** A config for tests: defaults plus overrides, never reading the real environment. */
export function testConfig(overrides: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({ LOG_LEVEL: 'silent', PAPERBOY_DEMO: 'false', PAPERBOY_WORKER: 'false', PAPERBOY_EMBEDDER: 'none', ...overrides });
}

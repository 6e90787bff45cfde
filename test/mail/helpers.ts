// Shared set-up of the mail tests: a test context whose SMTP server is a local sink, papers on a
// daily list, and confirmed subscribers.
import { makeTestContext, type TestContext } from '../helpers.js';
import { featurePaper, upsertPapers, type PaperInput } from '../../src/store/papers.js';
import { insertSubscribers, defaultPreferences, type Preferences } from '../../src/store/subscribers.js';
import { closeMailTransport } from '../../src/mail/transport.js';
import { startSink, type Sink } from './smtp-sink.js';

export const BASE_URL = 'http://paperboy.test';

export interface MailTest {
  ctx: TestContext;
  sink: Sink;
  done(): Promise<void>;
}

export async function mailTest(env: Record<string, string> = {}): Promise<MailTest> {
  const sink = await startSink();
  const ctx = await makeTestContext({ PAPERBOY_SMTP_URL: sink.url, PAPERBOY_MAIL_RATE: '100000', PAPERBOY_BASE_URL: BASE_URL, PAPERBOY_MAIL_FROM: 'Paperboy Digest <digest@paperboy.test>', ...env });
  return {
    ctx,
    sink,
    done: async () => {
      closeMailTransport(ctx);
      await sink.close();
      await ctx.cleanup();
    },
  };
}

export function paper(id: string, over: Partial<PaperInput> = {}): PaperInput {
  return {
    id,
    version: 1,
    title: `Paper ${id}`,
    abstract: `An abstract for ${id} about transformers and attention.`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    categories: ['cs.CL'],
    publishedAt: '2026-11-19T18:00:00Z',
    updatedAt: '2026-11-19T18:00:00Z',
    source: 'arxiv',
    ...over,
  };
}

export async function addPapers(ctx: TestContext, papers: PaperInput[], day = '2026-11-20'): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await upsertPapers(ctx.store.db, papers, now);
  for (const p of papers) await featurePaper(ctx.store.db, { paperId: p.id, day, submittedBy: null, submittedAt: now });
}

export async function addSubscribers(ctx: TestContext, emails: string[], prefs: Partial<Preferences> = {}): Promise<void> {
  await insertSubscribers(
    ctx.store.db,
    emails.map((email) => ({ ...defaultPreferences, ...prefs, email, status: 'active' as const })),
    ctx.clock.now().toISOString(),
  );
}

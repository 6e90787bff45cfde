// The member's digest subscription through the API (token only). Validation is the mail domain's own
// (parsePreferencesForm), so the API accepts exactly what the preferences page accepts.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { AppContext } from '../context.js';
import { parsePreferencesForm } from '../mail/preferences.js';
import { ensureMemberSubscriber, getSubscriber, type Subscriber, unsubscribe, updatePreferences } from '../store/subscribers.js';
import type { ApiRegistry } from './registry.js';
import { subscriptionBody, v1Subscription } from './schemas.js';

const out = (s: Subscriber): z.infer<typeof v1Subscription> => ({
  email: s.email,
  status: s.status,
  frequency: s.frequency,
  hour: s.hour,
  timezone: s.timezone,
  weekday: s.weekday,
  topN: s.topN,
  includeDaily: s.includeDaily,
  categories: s.categories,
  topics: s.topics,
  authors: s.authors,
});

export function registerSubscription(app: FastifyInstance, ctx: AppContext, api: ApiRegistry): void {
  const db = ctx.store.db;
  const now = () => ctx.clock.now().toISOString();

  api.add(app, {
    method: 'GET',
    url: '/api/v1/subscription',
    path: '/api/v1/subscription',
    tag: 'Account',
    auth: true,
    summary: 'Your digest subscription',
    description: 'A member who never subscribed gets a paused subscription with the default preferences.',
    response: v1Subscription,
    handler: async ({ user }) => out(await ensureMemberSubscriber(db, user.id, user.email, now())),
  });

  api.add(app, {
    method: 'POST',
    url: '/api/v1/subscription',
    path: '/api/v1/subscription',
    tag: 'Account',
    auth: true,
    summary: 'Change your digest subscription',
    description: 'Send only the fields to change. frequency "paused" pauses the digests; daily or weekly (re)activates them.',
    body: subscriptionBody,
    response: v1Subscription,
    handler: async ({ body, user }) => {
      const current = await ensureMemberSubscriber(db, user.id, user.email, now());
      const merged = { ...current, ...body };
      const frequency = body.frequency ?? (current.status === 'active' ? current.frequency : 'paused');
      // The same rules as the preferences page: its form parser is the one validator.
      const form = parsePreferencesForm({
        frequency,
        hour: String(merged.hour),
        timezone: merged.timezone,
        weekday: String(merged.weekday),
        top_n: String(merged.topN),
        include_daily: merged.includeDaily ? '1' : '0',
        categories: merged.categories.join(','),
        topics: merged.topics.join('\n'),
        authors: merged.authors.join('\n'),
      });
      await updatePreferences(db, current.id, form, form.active, now());
      return out((await getSubscriber(db, current.id))!);
    },
  });

  api.add(app, {
    method: 'POST',
    url: '/api/v1/subscription/unsubscribe',
    path: '/api/v1/subscription/unsubscribe',
    tag: 'Account',
    auth: true,
    summary: 'Stop all digests',
    response: v1Subscription,
    handler: async ({ user }) => {
      const current = await ensureMemberSubscriber(db, user.id, user.email, now());
      await unsubscribe(db, current.id, now());
      return out((await getSubscriber(db, current.id))!);
    },
  });
}

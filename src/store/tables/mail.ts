// Row types of subscriptions and digest delivery: subscribers with their preferences, the outbox
// (one row per subscriber and period), and the papers each subscriber has already been sent.
import type { Generated } from 'kysely';

export interface SubscribersTable {
  id: Generated<number>;
  email: string; // lower-cased
  status: string; // pending | active | paused | unsubscribed | suspended
  user_id: number | null;
  frequency: string; // daily | weekly
  hour: number; // local hour of sending, 0..23
  timezone: string; // IANA name
  weekday: number; // 0 = Sunday .. 6, for weekly
  top_n: number; // how many trending papers
  include_daily: number;
  categories: string; // JSON array
  topics: string; // JSON array of search queries
  authors: string; // JSON array of author names
  confirm_token_hash: string | null;
  confirm_expires_at: string | null;
  hard_bounces: Generated<number>;
  created_at: string;
  confirmed_at: string | null;
  updated_at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  subscriber_id: number;
  period: string; // e.g. daily:2026-11-27, weekly:2026-W48; unique with subscriber_id
  kind: string; // digest | confirm | signin
  status: string; // pending | sending | sent | failed | skipped
  message_id: string; // stable per row, so a resend after a lost ack is detectable
  paper_ids: string; // JSON array
  attempts: Generated<number>;
  lease_until: string | null;
  locked_by: string | null;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface DigestPapersTable {
  subscriber_id: number;
  paper_id: string;
  sent_at: string;
}

export interface MailTables {
  subscribers: SubscribersTable;
  outbox: OutboxTable;
  digest_papers: DigestPapersTable;
}

// Row types of private feed access: revocable tokens that open a member's saved-topics feed.
import type { Generated } from 'kysely';

export interface FeedTokensTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string; // sha256; the token itself is shown once, inside the feed URL
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface FeedTables {
  feed_tokens: FeedTokensTable;
}

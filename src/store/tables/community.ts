// Row types of people and their actions: accounts, sessions, sign-in links, upvotes, comments,
// moderation audit, personal API tokens.
import type { Generated } from 'kysely';

export interface UsersTable {
  id: Generated<number>;
  email: string; // lower-cased
  username: string; // unique, URL-safe
  display_name: string;
  role: string; // member | curator | admin
  suspended: Generated<number>;
  created_at: string;
}

export interface SessionsTable {
  id: string; // sha256 of the cookie token
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  user_agent: string | null;
  ip: string | null;
}

export interface LoginTokensTable {
  token_hash: string; // sha256 of the emailed token
  email: string;
  binding_hash: string; // sha256 of the nonce cookie of the browser that asked
  next_path: string | null; // where to land after sign-in (a local path only)
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface UpvotesTable {
  user_id: number;
  paper_id: string;
  created_at: string;
}

export interface CommentsTable {
  id: Generated<number>;
  paper_id: string;
  user_id: number;
  parent_id: number | null; // one level of replies
  body: string; // Markdown source (safe subset rendered at display)
  hidden: Generated<number>; // by a curator
  deleted: Generated<number>; // by its author
  created_at: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor_id: number | null;
  action: string; // hide_paper, hide_comment, suspend_user, feature_paper, ...
  target_type: string;
  target_id: string;
  detail: string | null;
  created_at: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string; // sha256; the token itself is shown once
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CommunityTables {
  users: UsersTable;
  sessions: SessionsTable;
  login_tokens: LoginTokensTable;
  upvotes: UpvotesTable;
  comments: CommentsTable;
  audit_log: AuditLogTable;
  api_tokens: ApiTokensTable;
}

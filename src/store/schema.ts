// The database as Kysely sees it: every table's row type, composed from one file per domain.
import type { CoreTables } from './tables/core.js';
import type { CommunityTables } from './tables/community.js';
import type { MailTables } from './tables/mail.js';
import type { SignalTables } from './tables/signals.js';
import type { SearchTables } from './tables/search.js';
import type { FeedTables } from './tables/feeds.js';
import type { MailControlTables } from './tables/mail-control.js';

export interface Database extends CoreTables, CommunityTables, MailTables, SignalTables, SearchTables, FeedTables, MailControlTables {}

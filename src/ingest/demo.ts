// The demo corpus that ships in the repo: loaded on first start so a newcomer sees a full site.
import type { AppContext } from '../context.js';

export async function loadDemoIfEmpty(_ctx: AppContext): Promise<void> {}

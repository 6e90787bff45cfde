// Every background task the worker knows, gathered from the domains that define them.
import type { TaskDefinition } from './worker.js';
import { tasks as ingestTasks } from '../ingest/tasks.js';
import { tasks as mailTasks } from '../mail/tasks.js';
import { tasks as searchTasks } from '../search/tasks.js';
import { tasks as signalTasks } from '../signals/tasks.js';
import { tasks as rankTasks } from '../rank/tasks.js';

export const allTasks: TaskDefinition[] = [...ingestTasks, ...mailTasks, ...searchTasks, ...signalTasks, ...rankTasks];

// Background tasks of this domain, run by the worker (src/worker).
import type { TaskDefinition } from '../worker/worker.js';

export const tasks: TaskDefinition[] = [];

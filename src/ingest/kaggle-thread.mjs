// Entry of the snapshot reader thread. Worker threads do not inherit the TypeScript loader of the
// process (bin/paperboy.mjs registers it, tests and benchmarks pass --import tsx), so the thread
// registers it itself before loading its TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./kaggle-thread.ts');

// Entry of the SMTP thread. Worker threads do not inherit the TypeScript loader of the process
// (bin/paperboy.mjs registers it, tests and benchmarks pass --import tsx), so the thread registers
// it itself before loading its TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./smtp-thread.ts');

// A snapshot reader thread that dies (exit code 3) after handing over its first batch of records,
// as one that ran out of its heap would: the real thread body, with its second post cut short.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const post = parentPort.postMessage.bind(parentPort);
let posts = 0;
parentPort.postMessage = (message, transfer) => {
  if (++posts === 2) process.exit(3);
  post(message, transfer);
};
await import('../../src/ingest/kaggle-thread.ts');

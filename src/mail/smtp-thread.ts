// The SMTP thread's body: it owns the pool of SMTP connections (SmtpLanes) and does the SMTP
// conversations, dot-stuffing and socket writes, which are about half of a digest's CPU time, on
// the other core while the main thread composes, renders and keeps the outbox. The main thread
// keeps every decision: before each end-of-data dot the thread asks it whether the row is still
// held ('gate'), and it reports each outcome ('done') for the main thread to record.
import { parentPort, workerData } from 'node:worker_threads';
import { SmtpLanes, type SendOutcome, type SmtpTarget } from './smtp-lanes.js';
import { BatchedPoster } from './batched-poster.js';

export interface SmtpThreadData {
  target: SmtpTarget;
  size: number;
}

export type ToSmtpThread =
  | { type: 'send'; id: number; envelope: { from: string; to: string }; block: SharedArrayBuffer; length: number; gated: boolean }
  | { type: 'gate'; id: number; ok: boolean; error?: string }
  | { type: 'close' };

export type FromSmtpThread = { type: 'gate'; id: number } | { type: 'done'; id: number; outcome: SendOutcome };

const port = parentPort!;
const { target, size } = workerData as SmtpThreadData;
const lanes = new SmtpLanes(target, size);
const poster = new BatchedPoster<FromSmtpThread>(port);
const gates = new Map<number, { resolve: (ok: boolean) => void; reject: (err: Error) => void }>();
let inFlight = 0;
let closing = false;

// Closing waits for the sends in flight, so that each still reports its outcome.
function closeWhenIdle(): void {
  if (!closing || inFlight > 0) return;
  lanes.close();
  poster.flush();
  port.close();
}

port.on('message', (batch: ToSmtpThread[]) => batch.forEach(receive));

function receive(m: ToSmtpThread): void {
  if (m.type === 'send') {
    // The message, read in place: the main thread reuses its block only after our 'done'.
    const raw = Buffer.from(m.block, 0, m.length);
    const gate = m.gated
      ? () =>
          new Promise<boolean>((resolve, reject) => {
            gates.set(m.id, { resolve, reject });
            poster.postSoon({ type: 'gate', id: m.id }); // asked as the transaction opens; answered before the dot
          })
      : undefined;
    inFlight++;
    lanes.send(m.envelope, raw, gate).then(
      (outcome) => {
        inFlight--;
        poster.post({ type: 'done', id: m.id, outcome });
        closeWhenIdle();
      },
      (err) => {
        inFlight--;
        const outcome: SendOutcome = { ok: false, temporary: true, answered: false, abandoned: false, code: null, message: String(err?.message ?? err) };
        poster.post({ type: 'done', id: m.id, outcome });
        closeWhenIdle();
      },
    );
  } else if (m.type === 'gate') {
    const waiting = gates.get(m.id);
    gates.delete(m.id);
    if (m.error !== undefined) waiting?.reject(new Error(m.error));
    else waiting?.resolve(m.ok);
  } else if (m.type === 'close') {
    closing = true;
    closeWhenIdle();
  }
}

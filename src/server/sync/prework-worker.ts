/** The worker thread of prework.ts: the prework of each push body it is sent, a chunk at a time. */
import { parentPort } from 'node:worker_threads';
import { MUTATIONS } from './mutations';
import { decodeBody, preworkChunks, type PreworkMessage } from './prework';

const port = parentPort!;
port.on('message', (bytes: Uint8Array) => {
  const body = decodeBody(bytes);
  // Each chunk is sent once the next is known: the last one says so, and the pool is free again as
  // soon as the push has it (a separate message might arrive only after the next push began).
  let from = 0;
  let held: unknown[] = [];
  for (const works of preworkChunks(body, MUTATIONS)) {
    if (held.length > 0) port.postMessage({ from, works: held, done: false } satisfies PreworkMessage);
    from += held.length;
    held = works;
  }
  port.postMessage({ from, works: held, done: true } satisfies PreworkMessage);
});

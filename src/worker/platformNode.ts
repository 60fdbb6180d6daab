// The trainer worker under Node: worker_threads' parentPort to the host, the binaries beside the bundle
// (scripts/build.mjs copies them into dist/), helper threads as further worker_threads.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { nodeHelperSpawn } from '../model/gradShard';
import { Doorbell } from '../protocol/doorbell';
import type { WorkerPlatform } from './platform';

export function nodeWorkerPlatform(dir: string): WorkerPlatform {
  const port = parentPort;
  if (!port) throw new Error('trainerWorker must run inside worker_threads');
  const cores = availableParallelism();
  // The host rings it after every post (host/core/platformNode.ts); a worker started without one has none.
  const bell = Doorbell.from((workerData as { doorbell?: unknown } | undefined)?.doorbell);
  return {
    kind: 'node',
    host: {
      post: (message, transfer) => port.postMessage(message, transfer),
      onMessage: (handler) =>
        void port.on('message', (raw: unknown) => {
          bell?.arrived();
          handler(raw);
        }),
      waiting: bell ? () => bell.waiting : undefined,
    },
    wasm: Promise.resolve({ dir: dir.endsWith('/') ? dir : dir + '/' }),
    threads: { available: cores, why: `${cores} logical cores (worker_threads)` },
    // The helper bundle sits beside this one in dist/ (scripts/build.mjs).
    helpers: { spawn: nodeHelperSpawn(join(dir, 'gradWorker.js')), wasmDir: dir.endsWith('/') ? dir : dir + '/' },
  };
}

// The trainer worker under Node: worker_threads' parentPort to the host, the binaries beside the bundle
// (scripts/build.mjs copies them into dist/), helper threads as further worker_threads.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';
import type { HelperThread, WorkerPlatform } from './platform';

export function nodeWorkerPlatform(dir: string): WorkerPlatform {
  const port = parentPort;
  if (!port) throw new Error('trainerWorker must run inside worker_threads');
  const cores = availableParallelism();
  return {
    kind: 'node',
    host: {
      post: (message, transfer) => port.postMessage(message, transfer),
      onMessage: (handler) => void port.on('message', handler),
    },
    wasm: Promise.resolve({ dir: dir.endsWith('/') ? dir : dir + '/' }),
    threads: { available: cores, why: `${cores} logical cores (worker_threads)` },
    spawnHelper: async (bundle, init): Promise<HelperThread> => {
      const w = new Worker(join(dir, bundle), { workerData: init });
      let ending = false;
      return {
        post: (message, transfer = []) => w.postMessage(message, transfer),
        onMessage: (handler) => void w.on('message', handler),
        onExit: (handler) => {
          w.on('error', (e) => handler(e.message));
          w.on('exit', (code) => {
            if (!ending) handler(`exit code ${code}`);
          });
        },
        terminate: async () => {
          ending = true;
          await w.terminate();
        },
      };
    },
  };
}

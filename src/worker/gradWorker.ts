// A gradient helper thread (see model/gradShard.ts): one TrainGraph over one shard of the trainer's streams,
// on its own wasm instance. Bundled to dist/gradWorker.js (spawned by the trainer worker) and out/cli/ (bench, tests).
import { parentPort, workerData } from 'node:worker_threads';
import { defaultWasmDir, initBackend } from '../model/backend';
import { serveShard, type ShardInit } from '../model/gradShard';
import { OutputDropout } from '../model/engine/dropout';
import { trainGraphFor } from '../model/engine/trainGraph';
import { runSync } from '../model/trainer';

const init = workerData as ShardInit;

async function main(): Promise<void> {
  const backend = await initBackend('wasm', { wasmDir: init.wasmDir ?? defaultWasmDir() });
  if (backend.name !== 'wasm') throw new Error('the wasm back-end did not start in the helper thread');
  const graph = trainGraphFor(backend.arena, init.model, init.V, init.B1, init.T);
  parentPort!.postMessage({ ok: true, backend: backend.name });
  const d = init.dropout;
  if (d) graph.dropout = new OutputDropout(d.rate, d.seed, init.B1, init.T, init.model.hiddenSize, d.streamOffset);
  serveShard(init, graph, (step) => {
    graph.dropout?.draw(step); // the trainer's step: this shard's part of the one mask
    return runSync(graph.run(true));
  });
  graph.dispose();
}

main().catch((e) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }));

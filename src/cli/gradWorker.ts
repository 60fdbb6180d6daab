// The gradient helper thread (see model/gradShard.ts): one LstmGraph over the trainer's last B1 streams.
// Bundled to out/cli/gradWorker.js for the benchmark and tests only: two-thread training did not pay
// on the measured machine (see src/model/gradShard.ts), so the extension does not ship it.
import { parentPort, workerData } from 'node:worker_threads';
import { defaultWasmDir, initBackend } from '../model/backend';
import { serveShard, type ShardInit } from '../model/gradShard';
import { LstmGraph } from '../model/engine/lstmGraph';
import { runSync } from '../model/trainer';

const init = workerData as ShardInit;

async function main(): Promise<void> {
  const backend = await initBackend('wasm', { wasmDir: init.wasmDir ?? defaultWasmDir() });
  const graph = new LstmGraph(backend.arena, init.model, init.V, init.B1, init.T);
  parentPort!.postMessage({ ok: true, backend: backend.name });
  serveShard(init, graph, (g) => runSync(g.run(true)));
  graph.dispose();
}

main().catch((e) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }));

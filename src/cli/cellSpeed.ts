// Steps per second of the three training graphs at matched parameter counts (the Compare Cells setting):
// GRU and RNN at the hidden size, a multiple of 4 (the SIMD kernels' width), whose parameter count is closest
// to the LSTM's, B=32, T=64, interleaved in blocks of steps so every cell sees the same machine load. `npm run bench -- --cells [--hidden H] [--layers L]`.
import * as os from 'node:os';
import type { Arena } from '../model/arena';
import type { CellType } from '../model/cells/cell';
import { DEFAULT_MODEL_CONFIG, type ModelConfig } from '../model/config';
import { trainGraphFor, type TrainGraph } from '../model/engine/trainGraph';
import { KERNEL_WIDTH } from '../model/engine/kernels';
import { hiddenForParams, paramCount } from '../model/lab/compare';
import { initWeights } from '../model/params';
import { Rng } from '../model/rng';
import { runSync } from '../model/trainer';

export interface CellSpeed {
  cell: CellType;
  hiddenSize: number;
  params: number;
  stepsPerSec: number;
}

export function cellSpeeds(arena: Arena, H: number, L: number, seconds: number): CellSpeed[] {
  const V = 96;
  const E = 32;
  const B = 32;
  const T = 64;
  const target = paramCount('lstm', H, E, V, L);
  const rng = new Rng(5);
  const graphs = (['lstm', 'gru', 'rnn'] as const).map((cell) => {
    const hidden = cell === 'lstm' ? H : hiddenForParams(cell, target, E, V, L, KERNEL_WIDTH);
    const cfg: ModelConfig = { ...DEFAULT_MODEL_CONFIG, hiddenSize: hidden, layers: L, embeddingSize: E, cell };
    const g: TrainGraph = trainGraphFor(arena, cfg, V, B, T);
    g.setWeights(initWeights(cfg, V, 1).data);
    randomBatch(g, rng, V);
    return { cell, hidden, params: paramCount(cell, hidden, E, V, L), g, ms: [] as number[] };
  });
  for (const x of graphs) runSync(x.g.run(true)); // warm-up: XNNPACK packs its operands once
  timeInterleaved(graphs, seconds, true);
  const out = graphs.map((x) => ({
    cell: x.cell,
    hiddenSize: x.hidden,
    params: x.params,
    stepsPerSec: 1000 / median(x.ms),
  }));
  for (const x of graphs) x.g.dispose();
  return out;
}

/** Prints the table (`--cells`). */
export function printCellSpeeds(arena: Arena, H: number, L: number, seconds: number): CellSpeed[] {
  const load = os.loadavg()[0];
  const r = cellSpeeds(arena, H, L, seconds);
  const lstm = r[0].stepsPerSec;
  for (const x of r)
    console.log(
      `  ${x.cell.padEnd(4)} H=${String(x.hiddenSize).padStart(3)} L=${L} ${String(x.params).padStart(7)} params: ` +
        `${x.stepsPerSec.toFixed(1).padStart(6)} steps/s, ${(x.stepsPerSec / lstm).toFixed(2)}× the LSTM's (target ≥ 0.80)` +
        (x.cell === 'lstm' ? '' : `, params ${signedPct(x.params / r[0].params - 1)}`),
    );
  console.log(
    '  (GRU and RNN: the hidden size, a multiple of 4 for the SIMD kernels, with params closest to the LSTM)',
  );
  console.log(`  (B=32, T=64, median of interleaved steps, ${seconds} s, load average ${load.toFixed(2)})`);
  return r;
}

/**
 * What a thread count can gain at most: the step time of one shard of B/K streams against the whole batch,
 * interleaved (`--shards`). With K idle cores the speed-up is at most t(B) / t(B/K); the cap in
 * model/parallel.ts is where another thread stops adding much.
 */
export function printShardCosts(arena: Arena, H: number, seconds: number): void {
  const V = 96;
  const T = 64;
  const cfg: ModelConfig = { ...DEFAULT_MODEL_CONFIG, hiddenSize: H, embeddingSize: 32 };
  const rng = new Rng(9);
  const sizes = [32, 16, 11, 8, 6];
  const graphs = sizes.map((B) => {
    const g = trainGraphFor(arena, cfg, V, B, T);
    g.setWeights(initWeights(cfg, V, 1).data);
    randomBatch(g, rng, V);
    runSync(g.run(true));
    return { B, g, ms: [] as number[] };
  });
  timeInterleaved(graphs, seconds, false);
  const t32 = median(graphs[0].ms);
  for (const x of graphs) {
    const K = Math.round(32 / x.B);
    console.log(
      `  B=${String(x.B).padStart(2)} (one of ${K} shards): ${median(x.ms).toFixed(1)} ms per step, ${(median(x.ms) / t32).toFixed(2)} of B=32; ` +
        `${K} idle cores could reach ${(t32 / median(x.ms)).toFixed(2)}×`,
    );
    x.g.dispose();
  }
  console.log(
    `  (H=${H}, T=64, median of interleaved steps, ${seconds} s, load average ${os.loadavg()[0].toFixed(2)})`,
  );
}

/** Random inputs and targets over V symbols for the graph's whole batch. */
function randomBatch(g: TrainGraph, rng: Rng, V: number): void {
  for (let k = 0; k < g.inputs.length; k++) {
    g.inputs[k] = rng.int(V);
    g.targets[k] = rng.int(V);
  }
}

/** Times three steps of each graph in turn for `seconds` (so load hits them alike); `carry`: keep state between. */
function timeInterleaved(graphs: { g: TrainGraph; ms: number[] }[], seconds: number, carry: boolean): void {
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end)
    for (const x of graphs)
      for (let k = 0; k < 3; k++) {
        const t = performance.now();
        runSync(x.g.run(true));
        if (carry) x.g.carryState();
        x.ms.push(performance.now() - t);
      }
}

const signedPct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)} %`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

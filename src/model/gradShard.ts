// Data-parallel gradients on a second core: a helper thread owns the last B1 of the trainer's B streams,
// computes their forward/backward pass on its own LstmGraph (its own wasm instance) while the trainer's
// thread does the first B − B1, and the trainer averages the two gradients weighted by rows, then does
// Adam, clipping and recovery as before. Everything crosses in one SharedArrayBuffer (weights out,
// gradients back, ~P floats each way per step); Atomics hand-shake the steps, so there are no messages
// and no copies beyond those two.
//
// Reproducible: the split of streams and the order of the sum are fixed, so the same seed gives the
// same loss curve on every run. (Not the same curve as one thread: the sums round differently, and
// held-out evaluation runs on the trainer's B − B1 streams.)
//
// Status: not used by the extension. A B=16 step costs 0.51 of a B=32 step here, so two idle cores
// could approach ~1.9×, but on the measured 2-core machine (load average 5-8 from other work) two
// threads ran at 0.72-0.92× of one, interleaved in the same run (`npm run bench` prints the ratio).
// The bench and tests use it through src/cli/gradWorker.ts; enabling it is startTrainer({threads: 2}).
import { Worker } from 'node:worker_threads';
import type { ModelConfig } from './config';
import { OutputDropout } from './engine/dropout';
import type { TrainGraph } from './engine/trainGraph';
import { paramSpecs, totalLength } from './params';

/** ctl[CMD]: step sequence number written by the trainer (−1: quit); ctl[DONE]: last step finished. */
const CMD = 0;
const DONE = 1;
const FLAGS = 2;
const ERR = 3;
/** Before the step: zero the carried state (new epoch, recovery), or carry the last window's state. */
export const RESET = 1;
export const CARRY = 2;

export interface ShardInit {
  model: ModelConfig;
  V: number;
  /** Streams the helper owns. */
  B1: number;
  T: number;
  /** The shared buffer (see ShardViews). */
  sab: SharedArrayBuffer;
  /** Where the tfjs wasm binaries are (helper thread). */
  wasmDir?: string;
  /** Output dropout of the trainer (the helper's streams start at streamOffset); absent: none. */
  dropout?: { rate: number; seed: number; streamOffset: number };
}

/** Typed views over the shared buffer; the layout is fixed by (P, B1, T). */
export class ShardViews {
  readonly ctl: Int32Array;
  readonly loss: Float64Array;
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly inputs: Int32Array;
  readonly targets: Int32Array;

  static bytes(P: number, B1: number, T: number): number {
    return 16 + 8 + 8 * P + 8 * B1 * T;
  }

  constructor(sab: SharedArrayBuffer, P: number, B1: number, T: number) {
    let o = 0;
    this.ctl = new Int32Array(sab, o, 4);
    o += 16;
    this.loss = new Float64Array(sab, o, 1);
    o += 8;
    this.params = new Float32Array(sab, o, P);
    o += 4 * P;
    this.grads = new Float32Array(sab, o, P);
    o += 4 * P;
    this.inputs = new Int32Array(sab, o, B1 * T);
    o += 4 * B1 * T;
    this.targets = new Int32Array(sab, o, B1 * T);
  }
}

/** The trainer's side: starts the helper thread and drives one step at a time. */
export class GradHelper {
  readonly views: ShardViews;
  private seq = 0;
  private flags = 0;
  disposed = false;

  private constructor(
    private readonly worker: Worker,
    readonly B1: number,
    readonly T: number,
    readonly P: number,
    sab: SharedArrayBuffer,
  ) {
    this.views = new ShardViews(sab, P, B1, T);
  }

  /** Starts a helper owning B1 streams of T steps; `workerFile` is the gradWorker bundle. */
  static async start(
    workerFile: string,
    model: ModelConfig,
    V: number,
    B1: number,
    T: number,
    wasmDir?: string,
    dropout?: ShardInit['dropout'],
  ) {
    const P = totalLength(paramSpecs(model, V));
    const sab = new SharedArrayBuffer(ShardViews.bytes(P, B1, T));
    const init: ShardInit = { model, V, B1, T, sab, wasmDir, dropout };
    const worker = new Worker(workerFile, { workerData: init });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { ok: boolean; error?: string }) =>
        m.ok ? resolve() : reject(new Error(`gradient helper failed to start: ${m.error}`)),
      );
      worker.once('error', reject);
    });
    const helper = new GradHelper(worker, B1, T, P, sab);
    // A helper that dies mid-step fails the step's wait (seen when the event loop turns, as in runTraining).
    const died = () => Atomics.store(helper.views.ctl, ERR, helper.disposed ? 0 : 1);
    worker.on('error', died);
    worker.on('exit', died);
    return helper;
  }

  /** Queues a state reset (RESET) or carry (CARRY) for the start of the next step. */
  state(flag: typeof RESET | typeof CARRY): void {
    this.flags = flag === RESET ? RESET : this.flags === RESET ? RESET : CARRY;
  }

  /** Starts a step with these weights; inputs/targets must already be in views; `step` keys the dropout mask. */
  begin(params: Float32Array, step = 0): void {
    const v = this.views;
    v.params.set(params);
    v.loss[0] = step; // read by the helper before its pass, overwritten by its loss after
    Atomics.store(v.ctl, FLAGS, this.flags);
    this.flags = 0;
    this.seq++;
    Atomics.store(v.ctl, CMD, this.seq);
    Atomics.notify(v.ctl, CMD);
  }

  /** Waits for the step (yielding every ~1 ms so the caller's thread stays responsive); returns its loss. */
  *wait(): Generator<void, number> {
    const ctl = this.views.ctl;
    for (;;) {
      const done = Atomics.load(ctl, DONE);
      if (done === this.seq) break;
      if (Atomics.load(ctl, ERR) !== 0) throw new Error('the gradient helper thread failed');
      Atomics.wait(ctl, DONE, done, 1);
      yield;
    }
    return this.views.loss[0];
  }

  /** grads (of the trainer's n0 rows) ← row-weighted mean with the helper's (n1 rows). */
  combineInto(graph: TrainGraph, loss0: number, n0: number, n1: number): number {
    const g = graph.grads.v;
    const h = this.views.grads;
    const a = n0 / (n0 + n1);
    const b = n1 / (n0 + n1);
    for (let k = 0; k < g.length; k++) g[k] = a * g[k] + b * h[k];
    return a * loss0 + b * this.views.loss[0];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.views.ctl, CMD, -1);
    Atomics.notify(this.views.ctl, CMD);
    void this.worker.terminate();
  }
}

/** The helper thread's loop (called by src/worker/gradWorker.ts with its workerData). */
export function serveShard(init: ShardInit, graph: TrainGraph, run: (g: TrainGraph) => number): void {
  const P = graph.params.length;
  const v = new ShardViews(init.sab, P, init.B1, init.T);
  let seen = 0;
  const d = init.dropout;
  if (d) graph.dropout = new OutputDropout(d.rate, d.seed, init.B1, init.T, init.model.hiddenSize, d.streamOffset);
  for (;;) {
    Atomics.wait(v.ctl, CMD, seen);
    const seq = Atomics.load(v.ctl, CMD);
    if (seq < 0) return;
    if (seq === seen) continue;
    seen = seq;
    try {
      const flags = Atomics.load(v.ctl, FLAGS);
      if (flags & RESET) graph.resetState();
      else if (flags & CARRY) graph.carryState();
      graph.setWeights(v.params);
      graph.inputs.set(v.inputs);
      graph.targets.set(v.targets);
      graph.dropout?.draw(v.loss[0]); // the trainer's step, so both threads draw one mask
      v.loss[0] = run(graph);
      v.grads.set(graph.grads.v);
    } catch {
      Atomics.store(v.ctl, ERR, 1);
    }
    Atomics.store(v.ctl, DONE, seq);
    Atomics.notify(v.ctl, DONE);
  }
}

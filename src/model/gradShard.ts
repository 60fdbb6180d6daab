// Data-parallel gradients on the other cores: the trainer's B streams are cut into K fixed shards; shard 0
// runs on the trainer's thread, each other shard on a helper thread with its own TrainGraph (its own wasm
// instance) — or, when helpers do not pay or are gone, on the trainer's thread too, one after the other.
// Everything a helper needs crosses in one SharedArrayBuffer (weights out, gradients and the carried state
// back, ~P floats each way per step); Atomics hand-shake the steps, so there are no messages and no copies
// beyond those.
//
// Reproducible: the shards, the graphs that compute them and the order of the weighted sum are fixed by
// the thread count, so the same seed and thread count give the same loss curve on every run, whether a
// shard ran on a helper or on the trainer's thread. (Not the same curve as one shard: the sums round
// differently.)
import { Worker } from 'node:worker_threads';
import type { ModelConfig } from './config';
import { cellOf } from './config';
import { paramSpecs, totalLength } from './params';

/** ctl[CMD]: step sequence number written by the trainer (−1: quit); ctl[DONE]: last step finished. */
const CMD = 0;
const DONE = 1;
const FLAGS = 2;
const ERR = 3;
/** Before the step: zero the carried state (new epoch, recovery), or carry the last window's state. */
export const RESET = 1;
export const CARRY = 2;
/** Before the step: load the carried-in state from the shared buffer (the shard comes back from the trainer). */
export const LOAD = 4;

export type StateFlag = typeof RESET | typeof CARRY;

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
  /** The trainer's output dropout (the shard's streams start at streamOffset); absent: none. */
  dropout?: { rate: number; seed: number; streamOffset: number };
}

/** Carried (B1, H) blocks per shard: h and c per LSTM layer, h per GRU/RNN layer. */
export function carriedBlocks(model: ModelConfig): number {
  return (cellOf(model) === 'lstm' ? 2 : 1) * model.layers;
}

/** Typed views over the shared buffer; the layout is fixed by (P, B1, T, state floats). */
export class ShardViews {
  readonly ctl: Int32Array;
  readonly loss: Float64Array;
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  /** The carried-in state of the next step, block after block (written after every step, read on LOAD). */
  readonly state: Float32Array;

  static bytes(P: number, B1: number, T: number, S: number): number {
    return 16 + 8 + 8 * P + 8 * B1 * T + 4 * S;
  }

  constructor(sab: SharedArrayBuffer, P: number, B1: number, T: number, S: number) {
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
    o += 4 * B1 * T;
    this.state = new Float32Array(sab, o, S);
  }

  static forInit(init: ShardInit): ShardViews {
    const P = totalLength(paramSpecs(init.model, init.V));
    return new ShardViews(init.sab, P, init.B1, init.T, carriedBlocks(init.model) * init.B1 * init.model.hiddenSize);
  }
}

/** What a helper thread looks like to the trainer: Node's Worker here; a web build puts a Web Worker behind it. */
export interface HelperThread {
  once(event: 'message', f: (m: { ok: boolean; error?: string }) => void): void;
  once(event: 'error', f: (e: Error) => void): void;
  on(event: 'error' | 'exit', f: () => void): void;
  terminate(): unknown;
}

/** Starts the thread that serves one shard (the one place helpers are spawned; a platform seam). */
export type SpawnHelper = (init: ShardInit) => HelperThread;

/** Node: a worker_threads Worker running the gradWorker bundle at `file`. */
export const nodeHelperSpawn =
  (file: string): SpawnHelper =>
  (init) =>
    new Worker(file, { workerData: init });

/** The trainer's side of one helper: starts the thread and drives one step at a time. */
export class GradHelper {
  readonly views: ShardViews;
  private seq = 0;
  disposed = false;

  private constructor(
    private readonly thread: HelperThread,
    readonly B1: number,
    readonly T: number,
    init: ShardInit,
  ) {
    this.views = ShardViews.forInit(init);
  }

  /** Starts a helper owning B1 streams of T steps (fails if the thread does not come up in `timeoutMs`). */
  static async start(
    spawn: SpawnHelper,
    model: ModelConfig,
    V: number,
    B1: number,
    T: number,
    wasmDir?: string,
    timeoutMs = 20000,
    dropout?: ShardInit['dropout'],
  ): Promise<GradHelper> {
    const P = totalLength(paramSpecs(model, V));
    const S = carriedBlocks(model) * B1 * model.hiddenSize;
    const sab = new SharedArrayBuffer(ShardViews.bytes(P, B1, T, S));
    const init: ShardInit = { model, V, B1, T, sab, wasmDir, dropout };
    const thread = spawn(init);
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        thread.once('message', (m) =>
          m.ok ? resolve() : reject(new Error(`gradient helper failed to start: ${m.error}`)),
        );
        thread.once('error', reject);
        thread.on('exit', () => reject(new Error('gradient helper exited while starting')));
        timer = setTimeout(() => reject(new Error(`gradient helper did not start within ${timeoutMs} ms`)), timeoutMs);
      });
    } catch (e) {
      void thread.terminate();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    const helper = new GradHelper(thread, B1, T, init);
    // A helper that dies mid-step fails the step's wait (seen when the event loop turns, as in runTraining).
    const died = () => Atomics.store(helper.views.ctl, ERR, helper.disposed ? 0 : 1);
    thread.on('error', died);
    thread.on('exit', died);
    return helper;
  }

  /** True once the thread failed or exited. */
  get failed(): boolean {
    return Atomics.load(this.views.ctl, ERR) !== 0;
  }

  /**
   * Starts a step with these weights and state flags (RESET | CARRY | LOAD); inputs/targets must be in views.
   * `step` (the trainer's step count) keys the dropout mask, so every thread draws its part of one mask.
   */
  begin(params: Float32Array, flags: number, step = 0): void {
    const v = this.views;
    v.params.set(params);
    v.loss[0] = step; // read by the helper before its pass, overwritten by its loss after
    Atomics.store(v.ctl, FLAGS, flags);
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

  /** Test hook: the thread dies as if it crashed (resolves once it is gone). */
  async kill(): Promise<void> {
    await this.thread.terminate();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.views.ctl, CMD, -1);
    Atomics.notify(this.views.ctl, CMD);
    void this.thread.terminate();
  }
}

/** What serveShard needs of a graph (a TrainGraph; kept narrow so this file does not import the engine). */
interface ShardGraph {
  readonly params: { length: number };
  readonly grads: { v: Float32Array };
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  setWeights(data: Float32Array): void;
  resetState(): void;
  carryState(): void;
  saveState(): Float32Array[];
  restoreState(s: Float32Array[]): void;
}

/** Splits a flat state into per-buffer blocks of `block` floats (views). */
export function splitState(flat: Float32Array, block: number): Float32Array[] {
  return Array.from({ length: flat.length / block }, (_, k) => flat.subarray(k * block, (k + 1) * block));
}

/** The helper thread's loop (called by src/worker/gradWorker.ts with its workerData); `run(step)` runs one pass. */
export function serveShard(init: ShardInit, graph: ShardGraph, run: (step: number) => number): void {
  const v = ShardViews.forInit(init);
  const block = init.B1 * init.model.hiddenSize;
  let seen = 0;
  for (;;) {
    Atomics.wait(v.ctl, CMD, seen);
    const seq = Atomics.load(v.ctl, CMD);
    if (seq < 0) return;
    if (seq === seen) continue;
    seen = seq;
    try {
      const flags = Atomics.load(v.ctl, FLAGS);
      if (flags & LOAD) graph.restoreState(splitState(v.state, block));
      if (flags & RESET) graph.resetState();
      else if (flags & CARRY) graph.carryState();
      graph.setWeights(v.params);
      graph.inputs.set(v.inputs);
      graph.targets.set(v.targets);
      v.loss[0] = run(v.loss[0]);
      v.grads.set(graph.grads.v);
      // Carry now (a second carry before the next step changes nothing) and publish the state, so the
      // trainer can take this shard over at any step boundary.
      graph.carryState();
      let o = 0;
      for (const s of graph.saveState()) {
        v.state.set(s, o);
        o += s.length;
      }
    } catch {
      Atomics.store(v.ctl, ERR, 1);
    }
    Atomics.store(v.ctl, DONE, seq);
    Atomics.notify(v.ctl, DONE);
  }
}

// Training: B contiguous streams through the training split, truncated BPTT with carried state,
// Adam with global-norm clipping, held-out bits per char, and recovery from NaN/Inf divergence.
import type { Arena, Buf } from './arena';
import type { ModelConfig, TrainingConfig } from './config';
import { CARRY, GradHelper, LOAD, RESET, splitState, type SpawnHelper } from './gradShard';
import { OutputDropout } from './engine/dropout';
import { trainGraphFor, type TrainGraph } from './engine/trainGraph';
import { DEFAULT_PARALLEL_CONFIG, plannedThreads, shardSizes, ThreadGovernor, type ParallelConfig } from './parallel';
import { initWeights, type ModelWeights } from './params';
import { Rng } from './rng';

export interface TrainerInit {
  model: ModelConfig;
  training: TrainingConfig;
  arena: Arena;
  /** Class ids of the whole text (training split then held-out tail). */
  ids: Int32Array;
  vocabSize: number;
  /** Continue from these weights (resume / imported model) instead of a fresh initialisation. */
  initial?: Float32Array;
  /** The step count to go on from when resuming (the curve's steps then keep rising); default 0. */
  firstStep?: number;
  /** Held-out positions scored per evaluation (the same ones every time, so the curve is comparable). */
  evalMaxTokens?: number;
  /** Test hook: pretend the loss is NaN at this step, to exercise divergence recovery. */
  faultAtStep?: number;
  /**
   * Data parallel (see gradShard.ts; start them with startTrainer): the batch is cut into `threads`
   * shards and `helpers[k − 1]` computes shard k (null: the trainer's thread does). The trainer owns
   * and disposes them. Default: one shard, no helpers.
   */
  threads?: number;
  helpers?: (GradHelper | null)[];
  /** Why this thread count (shown until the first probe, or for good when there is nothing to probe). */
  threadsWhy?: string;
  parallel?: ParallelConfig;
  /** Helpers are still starting (attachHelper / helpersSettled follow): train on one thread meanwhile. */
  helpersPending?: boolean;
}

/** Streams (B), window (T) and training-split length for a text of n tokens; short texts shrink B and T. */
export function batchLayout(n: number, tc: TrainingConfig): { B: number; T: number; nTrain: number } {
  const heldCount = Math.floor(n * tc.heldOutFraction);
  const nTrain = n - heldCount;
  const T = Math.max(1, Math.min(tc.seqLength, nTrain - 1));
  const B = Math.max(1, Math.min(tc.batchSize, Math.floor((nTrain - 1) / T)));
  return { B, T, nTrain };
}

export interface StartOptions {
  /** Threads to train on; default: one per core up to the cap (plannedThreads). */
  threads?: number;
  /** Logical cores the caller may use (availableParallelism() under Node; the platform's count in the worker). */
  cores: number;
  /** Starts a helper thread (nodeHelperSpawn(gradWorker bundle) under Node); absent: one thread. */
  spawn?: SpawnHelper;
  wasmDir?: string;
  log?: (m: string) => void;
  parallel?: ParallelConfig;
  /**
   * Resolve at once and let helpers join as they come up (the extension: the first steps need not wait
   * for threads to load wasm); default false, the trainer resolves with its helpers running.
   */
  background?: boolean;
}

/**
 * A Trainer, data parallel over `threads` (default: every core up to the cap) when the batch can be split;
 * helpers that cannot start leave their shards to the trainer's thread (same curve, one thread's speed).
 */
export async function startTrainer(init: TrainerInit, opts: StartOptions): Promise<Trainer> {
  const parallel = opts.parallel ?? DEFAULT_PARALLEL_CONFIG;
  const { B, T } = batchLayout(init.ids.length, init.training);
  const plan = opts.spawn
    ? plannedThreads(B, opts.cores, init.arena, parallel)
    : { threads: 1, why: 'no helper threads on this platform' };
  const threads = opts.threads !== undefined ? Math.max(1, Math.min(opts.threads, B)) : plan.threads;
  const spawn = opts.spawn;
  if (threads < 2 || init.arena.kind !== 'wasm' || !spawn)
    return new Trainer({ ...init, parallel, threads: 1, threadsWhy: `1 thread trains (${plan.why})` });
  const sizes = shardSizes(B, threads);
  const { dropout: rate, seed } = init.training;
  /** Shard k's streams start after those of the shards before it (its part of the dropout mask). */
  const offset = (k: number) => sizes.slice(0, k).reduce((a, b) => a + b, 0);
  const starting = Promise.allSettled(
    sizes.slice(1).map((B1, j) => {
      const dropout = rate > 0 ? { rate, seed, streamOffset: offset(j + 1) } : undefined;
      return GradHelper.start(spawn, init.model, init.vocabSize, B1, T, opts.wasmDir, parallel.startTimeoutMs, dropout);
    }),
  );
  const failure = (started: PromiseSettledResult<GradHelper>[]) => {
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const why = failed ? (failed.reason instanceof Error ? failed.reason.message : String(failed.reason)) : null;
    if (why) opts.log?.(`helper thread: ${why}`);
    return why;
  };
  if (opts.background) {
    const tr = new Trainer({
      ...init,
      parallel,
      threads,
      helpersPending: true,
      threadsWhy: `1 thread trains while ${threads - 1} helper thread${threads > 2 ? 's start' : ' starts'}`,
    });
    void starting.then((started) => {
      started.forEach((r, k) => r.status === 'fulfilled' && tr.attachHelper(k + 1, r.value));
      tr.helpersSettled(failure(started));
    });
    return tr;
  }
  const started = await starting;
  const helpers = started.map((r) => (r.status === 'fulfilled' ? r.value : null));
  const why = failure(started);
  return new Trainer({
    ...init,
    parallel,
    threads,
    helpers,
    threadsWhy: why ? `helper threads did not start (${why})` : `${threads} threads train (${plan.why})`,
  });
}

/** Shard k ≥ 1 of the batch: on its helper thread, or on the trainer's thread through its own graph. */
interface Shard {
  /** First stream and stream count. */
  b0: number;
  n: number;
  inputs: Int32Array;
  targets: Int32Array;
  helper: GradHelper | null;
  local: TrainGraph | null;
  /** State change due before the shard's next step (RESET wins over CARRY). */
  pending: number;
  /** Where the shard's carried state is: on the helper (published in its shared buffer) or in `local`. */
  where: 'none' | 'helper' | 'local';
  /** Flags sent with the helper's step in flight (replayed locally if it dies). */
  sent: number;
  loss: number;
}

export interface StepResult {
  step: number;
  loss: number;
  gradNorm: number;
  /** Set when this step diverged and the weights were restored. */
  recovered: string | null;
}

/**
 * Everything a run needs to go on exactly where it stopped (pretraining across sessions): weights, Adam's moments,
 * the place in the data and the generator. `state` is the carried hidden state on one thread; with helper threads
 * it is null and every stream starts the resumed window from a zero state.
 */
export interface TrainerState {
  step: number;
  epoch: number;
  windowInEpoch: number;
  shift: number;
  rng: number;
  adamT: number;
  lr: number;
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  state: Float32Array[] | null;
}

const ADAM_B1 = 0.9; // Adam's usual first-moment decay
const ADAM_B2 = 0.999; // second-moment decay
const ADAM_EPS = 1e-8; // denominator guard
const GOOD_EVERY = 20; // steps between copies of the last good weights (divergence recovery)
const MIN_TRAIN_TOKENS = 8; // below this there is nothing to learn from

export class Trainer {
  /** The forward/backward pass of the model's cell (engine/). */
  readonly graph: TrainGraph;
  readonly B: number;
  readonly T: number;
  step = 0;
  epoch = 0;
  lr: number;
  private windowInEpoch = 0;
  private windowsPerEpoch = 0;
  private shift = 0;
  private readonly streamLen: number;
  private readonly trainIds: Int32Array;
  private readonly heldIds: Int32Array;
  private readonly rng: Rng;
  /** Adam's moments, in the arena so the SIMD kernel updates them in place (read through .v: the heap can move). */
  private readonly mBuf: Buf;
  private readonly vBuf: Buf;
  private adamT = 0;
  private good: { params: Float32Array; m: Float32Array; v: Float32Array; adamT: number; step: number } | null = null;
  private readonly evalMax: number;
  /** Shards 1… of the batch (shard 0, the first B0 streams, is `graph`). */
  private readonly shards: Shard[] = [];
  /** Streams of shard 0, on this thread's `graph`. */
  private readonly B0: number;
  /** Which mode steps run in, and the panel's note on the threads. */
  readonly governor: ThreadGovernor;
  private readonly deadStates = new Map<Shard, Float32Array>();

  constructor(private init: TrainerInit) {
    init = this.init = { ...init };
    this.step = init.firstStep ?? 0;
    const { training: tc, ids } = init;
    // Shrink the window and batch for short texts so every stream holds at least one window.
    const { B, T, nTrain } = batchLayout(ids.length, tc);
    if (nTrain < MIN_TRAIN_TOKENS)
      throw new Error(`the text is too short to train on (${nTrain} characters; need ${MIN_TRAIN_TOKENS})`);
    this.trainIds = ids.subarray(0, nTrain);
    this.heldIds = ids.subarray(nTrain);
    this.T = T;
    this.B = B;
    const K = Math.max(1, Math.min(init.threads ?? 1, B));
    const sizes = shardSizes(B, K);
    this.B0 = sizes[0];
    let b0 = this.B0;
    for (let k = 1; k < K; k++) {
      const helper = init.helpers?.[k - 1] ?? null;
      if (helper && (helper.T !== T || helper.B1 !== sizes[k]))
        throw new Error(`gradient helper layout (${helper.B1}×${helper.T}) does not fit shard ${k} (${sizes[k]}×${T})`);
      const n = sizes[k];
      const inputs = new Int32Array(n * T);
      const targets = new Int32Array(n * T);
      this.shards.push({
        b0,
        n,
        inputs,
        targets,
        helper,
        local: null,
        pending: RESET,
        where: 'none',
        sent: 0,
        loss: 0,
      });
      b0 += n;
    }
    const live = this.shards.filter((sh) => sh.helper).length;
    this.governor = new ThreadGovernor(K, init.parallel, init.threadsWhy, undefined, init.helpersPending);
    if (K > 1 && live === 0 && !init.helpersPending) this.governor.helpersGone(init.threadsWhy ?? 'no helper thread');
    this.streamLen = Math.floor((nTrain - 1) / this.B);
    this.rng = new Rng(tc.seed);
    this.lr = tc.learningRate;
    this.evalMax = init.evalMaxTokens ?? 16384;
    this.graph = trainGraphFor(init.arena, init.model, init.vocabSize, this.B0, this.T);
    this.graph.dropout = this.dropoutFor(this.B0, 0);
    const w0 = init.initial ?? initWeights(init.model, init.vocabSize, tc.seed).data;
    this.graph.setWeights(w0);
    const P = w0.length;
    this.mBuf = init.arena.alloc(P);
    this.vBuf = init.arena.alloc(P);
    this.startEpoch();
  }

  /** Output dropout for a graph over n streams starting at stream b0 (null when training.dropout is 0). */
  private dropoutFor(n: number, b0: number): OutputDropout | null {
    const { dropout: rate, seed } = this.init.training;
    return rate > 0 ? new OutputDropout(rate, seed, n, this.T, this.init.model.hiddenSize, b0) : null;
  }

  /** Characters consumed by one step. */
  get charsPerStep(): number {
    return this.B * this.T;
  }

  get hasHeldOut(): boolean {
    return this.heldIds.length >= 2;
  }

  /** Characters in the held-out tail (what a checkpoint would be chosen by). */
  get heldOutLength(): number {
    return this.heldIds.length;
  }

  /** Fraction of the way through the current epoch, added to the epoch count. */
  get epochProgress(): number {
    return this.epoch + this.windowInEpoch / this.windowsPerEpoch;
  }

  private startEpoch(): void {
    const maxShift = this.streamLen - this.T;
    this.shift = this.epoch === 0 ? 0 : this.rng.int(Math.min(this.T, maxShift + 1));
    this.windowsPerEpoch = Math.max(1, Math.floor((this.streamLen - this.shift) / this.T));
    this.windowInEpoch = 0;
    this.graph.resetState();
    for (const sh of this.shards) sh.pending = RESET;
  }

  private fillWindow(): void {
    const { B0, T, streamLen, shift, windowInEpoch: w } = this;
    const ids = this.trainIds;
    const fill = (inputs: Int32Array, targets: Int32Array, first: number, n: number) => {
      for (let bs = 0; bs < n; bs++) {
        const base = (first + bs) * streamLen + shift + w * T;
        for (let t = 0; t < T; t++) {
          inputs[t * n + bs] = ids[base + t]; // time-major within the shard
          targets[t * n + bs] = ids[base + t + 1];
        }
      }
    };
    fill(this.graph.inputs, this.graph.targets, 0, B0);
    for (const sh of this.shards) fill(sh.inputs, sh.targets, sh.b0, sh.n);
  }

  /** Hands a shard's step to its helper (with its state, if the trainer's thread had it). */
  private beginOnHelper(sh: Shard, helper: GradHelper): void {
    const v = helper.views;
    v.inputs.set(sh.inputs);
    v.targets.set(sh.targets);
    let flags = sh.pending;
    if (sh.where === 'local') {
      const g = sh.local!;
      if (flags & RESET) g.resetState();
      else g.carryState();
      let o = 0;
      for (const x of g.saveState()) {
        v.state.set(x, o);
        o += x.length;
      }
      flags = LOAD;
    }
    sh.sent = flags;
    sh.pending = 0;
    sh.where = 'helper';
    helper.begin(this.graph.params.v, flags, this.step);
  }

  /** Runs a shard's step on this thread (taking its state over from the helper if it had it). */
  private *runHere(sh: Shard): Generator<void, number> {
    if (!sh.local) {
      sh.local = trainGraphFor(this.init.arena, this.init.model, this.init.vocabSize, sh.n, this.T);
      sh.local.dropout = this.dropoutFor(sh.n, sh.b0);
    }
    const g = sh.local;
    if (sh.where === 'helper') {
      // The helper published its carried-in state for a CARRY after every step it finished.
      g.restoreState(splitState(sh.helper ? sh.helper.views.state : this.lastState(sh), sh.n * this.H));
      if (sh.pending & RESET) g.resetState();
    } else if (sh.where === 'local') {
      if (sh.pending & RESET) g.resetState();
      else if (sh.pending & CARRY) g.carryState();
    } else g.resetState();
    sh.pending = 0;
    sh.where = 'local';
    g.setWeights(this.graph.params.v);
    g.inputs.set(sh.inputs);
    g.targets.set(sh.targets);
    g.dropout?.draw(this.step); // the same part of this step's mask a helper would draw
    return yield* g.run(true);
  }

  /** The state a dead helper published last (kept when it is disposed). */
  private lastState(sh: Shard): Float32Array {
    return this.deadStates.get(sh) ?? new Float32Array(0);
  }

  /** A helper failed: its shard goes on on this thread from the state it published after its last step. */
  private helperDied(sh: Shard, why: string): void {
    const helper = sh.helper!;
    this.deadStates.set(sh, helper.views.state.slice());
    // A step in flight consumed its flags: they apply again (a LOAD's state is already the one published).
    if (!(sh.sent & LOAD)) sh.pending |= sh.sent;
    sh.sent = 0;
    if (sh.pending & RESET) sh.pending = RESET;
    helper.dispose();
    sh.helper = null;
    if (this.shards.every((x) => !x.helper)) this.governor.helpersGone(`the helper thread stopped (${why})`);
  }

  get H(): number {
    return this.init.model.hiddenSize;
  }

  /** One optimisation step over the next window (a generator that yields between time steps). */
  *trainStep(): Generator<void, StepResult> {
    if (this.good === null || this.step % GOOD_EVERY === 0) this.saveGood();
    this.fillWindow();
    const mode = this.governor.next();
    const t0 = performance.now();
    for (const sh of this.shards) {
      if (sh.helper?.failed) this.helperDied(sh, 'it exited');
      if (mode === 'parallel' && sh.helper) this.beginOnHelper(sh, sh.helper);
    }
    this.graph.dropout?.draw(this.step); // this step's mask for shard 0 (every shard draws its own part)
    let loss = yield* this.graph.run(true);
    for (const sh of this.shards) {
      if (sh.where === 'helper' && sh.helper && sh.pending === 0 && mode === 'parallel') {
        try {
          sh.loss = yield* sh.helper.wait();
          sh.sent = 0; // finished: nothing to replay
          continue;
        } catch (e) {
          this.helperDied(sh, e instanceof Error ? e.message : String(e));
        }
      }
      sh.loss = yield* this.runHere(sh);
    }
    if (this.shards.length > 0) loss = this.combine(loss);
    this.governor.record(mode, performance.now() - t0);
    if (this.init.faultAtStep === this.step) {
      this.init.faultAtStep = undefined; // fire once
      loss = NaN;
    }
    const gradNorm = this.gradNorm();
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) return this.recover(loss);
    this.adamUpdate(gradNorm);
    this.graph.carryState();
    for (const sh of this.shards) sh.pending = sh.pending & RESET ? RESET : CARRY;
    this.step++;
    this.windowInEpoch++;
    if (this.windowInEpoch >= this.windowsPerEpoch) {
      this.epoch++;
      this.startEpoch();
    }
    return { step: this.step, loss, gradNorm, recovered: null };
  }

  /** grads ← the row-weighted mean of every shard's gradient, summed in shard order; returns the mean loss. */
  private combine(loss0: number): number {
    const g = this.graph.grads.v;
    const parts = [g, ...this.shards.map((sh) => (sh.where === 'helper' ? sh.helper!.views.grads : sh.local!.grads.v))];
    const w = [this.B0, ...this.shards.map((sh) => sh.n)].map((n) => n / this.B);
    const P = g.length;
    for (let k = 0; k < P; k++) {
      let s = 0;
      for (let j = 0; j < parts.length; j++) s += w[j] * parts[j][k];
      g[k] = s;
    }
    let loss = w[0] * loss0;
    this.shards.forEach((sh, j) => (loss += w[j + 1] * sh.loss));
    return loss;
  }

  private get m(): Float32Array {
    return this.mBuf.v;
  }

  private get v(): Float32Array {
    return this.vBuf.v;
  }

  /** The global gradient norm: the arena's SIMD kernel (f64 lanes) when it has one, else globalNorm. */
  private gradNorm(): number {
    const k = this.init.arena.kernels;
    const g = this.graph.grads;
    return k ? Math.sqrt(k.sumSquares(g.ptr, g.length)) : globalNorm(g.v);
  }

  private adamUpdate(gradNorm: number): void {
    const { clipNorm } = this.init.training;
    const scale = clipNorm > 0 && gradNorm > clipNorm ? clipNorm / gradNorm : 1;
    this.adamT++;
    const lrT = (this.lr * Math.sqrt(1 - Math.pow(ADAM_B2, this.adamT))) / (1 - Math.pow(ADAM_B1, this.adamT));
    const kernels = this.init.arena.kernels;
    if (kernels) {
      // adamStep in one SIMD pass over the arena, the clip folded in (f32 throughout).
      const [p, g] = [this.graph.params, this.graph.grads];
      kernels.adam(p.ptr, g.ptr, this.mBuf.ptr, this.vBuf.ptr, p.length, scale, ADAM_B1, ADAM_B2, lrT, ADAM_EPS);
    } else adamStep(this.graph.params.v, this.graph.grads.v, this.m, this.v, scale, lrT);
    this.graph.weightsChanged();
  }

  private saveGood(): void {
    this.good = {
      params: this.graph.params.v.slice(),
      m: this.m.slice(),
      v: this.v.slice(),
      adamT: this.adamT,
      step: this.step,
    };
  }

  /** Divergence: restore the last good weights, halve the learning rate, restart the streams. */
  private recover(loss: number): StepResult {
    const good = this.good!;
    this.graph.setWeights(good.params);
    this.m.set(good.m);
    this.v.set(good.v);
    this.adamT = good.adamT;
    const badStep = this.step;
    this.step = good.step;
    this.lr /= 2;
    this.startEpoch();
    const why = `diverged at step ${badStep} (loss ${loss}); restored the weights of step ${good.step} and halved the learning rate to ${this.lr.toExponential(2)}`;
    return { step: this.step, loss: NaN, gradNorm: NaN, recovered: why };
  }

  /** Held-out bits per character over the same positions every time (null without a held-out split). */
  *evaluate(maxTokens = this.evalMax): Generator<void, number | null> {
    if (!this.hasHeldOut) return null;
    return yield* bitsPerChar(this.graph, this.heldIds, maxTokens);
  }

  /** A copy of all a later run needs to continue this one (see TrainerState). */
  exportState(): TrainerState {
    return {
      step: this.step,
      epoch: this.epoch,
      windowInEpoch: this.windowInEpoch,
      shift: this.shift,
      rng: this.rng.position,
      adamT: this.adamT,
      lr: this.lr,
      params: this.graph.params.v.slice(),
      m: this.m.slice(),
      v: this.v.slice(),
      state: this.shards.length === 0 ? this.graph.saveState().map((x) => x.slice()) : null,
    };
  }

  /** Goes on from an exported state (same model, text and batch layout). */
  importState(s: TrainerState): void {
    const P = this.graph.params.length;
    if (s.params.length !== P || s.m.length !== P || s.v.length !== P)
      throw new Error(`the saved trainer state has ${s.params.length} weights, this model ${P}`);
    this.step = s.step;
    this.epoch = s.epoch;
    this.rng.position = s.rng;
    this.adamT = s.adamT;
    this.lr = s.lr;
    this.graph.setWeights(s.params);
    this.m.set(s.m);
    this.v.set(s.v);
    this.startEpoch(); // lays the epoch's windows out, then the saved place in it replaces the fresh one
    this.rng.position = s.rng;
    this.shift = s.shift;
    this.windowsPerEpoch = Math.max(1, Math.floor((this.streamLen - this.shift) / this.T));
    this.windowInEpoch = s.windowInEpoch;
    if (s.state && this.shards.length === 0) this.graph.restoreState(s.state);
    this.good = null;
  }

  /** A copy of the current weights. */
  weights(): ModelWeights {
    return {
      config: this.init.model,
      vocabSize: this.init.vocabSize,
      specs: this.graph.specs,
      data: this.graph.params.v.slice(),
    };
  }

  /** Threads computing gradients now (1 when the helpers do not pay or are gone). */
  get threads(): number {
    return this.governor.mode === 'parallel' ? 1 + this.shards.filter((sh) => sh.helper).length : 1;
  }

  /** Streams evaluate() cuts the held-out tail into (shard 0's). */
  get evalStreams(): number {
    return this.B0;
  }

  /** Shards the batch is cut into: the thread count the loss curve depends on. */
  get shardCount(): number {
    return 1 + this.shards.length;
  }

  /** A helper that came up after training began: it takes its shard over from the next parallel step. */
  attachHelper(k: number, helper: GradHelper): void {
    const sh = this.shards[k - 1];
    if (this.disposed || !sh || sh.helper || helper.B1 !== sh.n || helper.T !== this.T) {
      helper.dispose();
      return;
    }
    sh.helper = helper;
  }

  /** Every helper that was starting has started or failed (`why`: the first failure). */
  helpersSettled(why: string | null): void {
    if (this.disposed) return;
    if (this.shards.some((sh) => sh.helper)) this.governor.begin();
    else this.governor.helpersGone(`helper threads did not start (${why ?? 'unknown'})`);
  }

  /** Test hook: the helper of shard k (1…) dies as if it crashed. */
  async killHelperForTesting(k: number): Promise<void> {
    await this.shards[k - 1]?.helper?.kill();
  }

  private disposed = false;

  dispose(): void {
    this.disposed = true;
    this.graph.dispose();
    this.init.arena.free(this.mBuf);
    this.init.arena.free(this.vBuf);
    for (const sh of this.shards) {
      sh.helper?.dispose();
      sh.local?.dispose();
    }
  }
}

/** One Adam step over every weight, g scaled by the clip: the reference for the kernel (kernels.wat `adam`). */
export function adamStep(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  scale: number,
  lrT: number,
): void {
  for (let k = 0; k < p.length; k++) {
    const gk = g[k] * scale;
    m[k] = ADAM_B1 * m[k] + (1 - ADAM_B1) * gk;
    v[k] = ADAM_B2 * v[k] + (1 - ADAM_B2) * gk * gk;
    p[k] -= (lrT * m[k]) / (Math.sqrt(v[k]) + ADAM_EPS);
  }
}

/** Adam's decays and guard, for tests of the kernel. */
export const ADAM = { b1: ADAM_B1, b2: ADAM_B2, eps: ADAM_EPS } as const;

export function globalNorm(g: Float32Array): number {
  let s = 0;
  for (let k = 0; k < g.length; k++) s += g[k] * g[k];
  return Math.sqrt(s);
}

/**
 * Bits per character of a graph's weights on `held` (the graph's B streams each read one contiguous part of it,
 * from a zero state), over at most `maxTokens` positions, the same ones every time; the graph's carried state is
 * put back afterwards. Null when there is nothing to score.
 */
export function* bitsPerChar(g: TrainGraph, held: Int32Array, maxTokens: number): Generator<void, number | null> {
  if (held.length < 2) return null;
  const { B, T } = g;
  const L = Math.ceil((held.length - 1) / B); // positions per stream
  const windows = Math.max(1, Math.min(Math.ceil(L / T), Math.floor(maxTokens / (B * T))));
  const saved = g.saveState();
  g.resetState();
  let nats = 0;
  let count = 0;
  for (let w = 0; w < windows; w++) {
    let valid = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const pos = w * T + t;
        const k = b * L + pos;
        const ok = pos < L && k + 1 < held.length;
        g.inputs[t * B + b] = ok ? held[k] : 0;
        g.targets[t * B + b] = ok ? held[k + 1] : -1;
        if (ok) valid++;
      }
    }
    const loss = yield* g.run(false);
    if (valid > 0) {
      nats += loss * valid;
      count += valid;
    }
    g.carryState();
  }
  g.restoreState(saved);
  return count > 0 ? nats / count / Math.LN2 : null;
}

/** Runs a generator to completion without yielding to the event loop (tests, CLI). */
export function runSync<R>(gen: Generator<void, R>): R {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

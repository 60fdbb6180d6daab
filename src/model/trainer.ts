// Training: B contiguous streams through the training split, truncated BPTT with carried state,
// Adam with global-norm clipping, held-out bits per char, and recovery from NaN/Inf divergence.
import type { Arena } from './arena';
import { cellOf, type ModelConfig, type TrainingConfig } from './config';
import { CARRY, GradHelper, RESET } from './gradShard';
import { OutputDropout } from './engine/dropout';
import { trainGraphFor, type TrainGraph } from './engine/trainGraph';
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
   * A helper thread computing the gradient of the last helper.B1 streams (data parallel, see
   * gradShard.ts; start one with startTrainer). The trainer then owns it and disposes it.
   */
  helper?: GradHelper;
}

/** Streams (B), window (T) and training-split length for a text of n tokens; short texts shrink B and T. */
export function batchLayout(n: number, tc: TrainingConfig): { B: number; T: number; nTrain: number } {
  const heldCount = Math.floor(n * tc.heldOutFraction);
  const nTrain = n - heldCount;
  const T = Math.max(1, Math.min(tc.seqLength, nTrain - 1));
  const B = Math.max(1, Math.min(tc.batchSize, Math.floor((nTrain - 1) / T)));
  return { B, T, nTrain };
}

/**
 * A Trainer, data parallel over two threads when `threads` ≥ 2 and the batch has ≥ 2 streams
 * (`gradWorkerFile` is the gradWorker bundle); falls back to one thread if the helper cannot start.
 */
export async function startTrainer(
  init: TrainerInit,
  opts: { threads: number; gradWorkerFile: string; wasmDir?: string; log?: (m: string) => void },
): Promise<Trainer> {
  const { B, T } = batchLayout(init.ids.length, init.training);
  if (opts.threads < 2 || B < 2 || init.arena.kind !== 'wasm' || cellOf(init.model) !== 'lstm')
    return new Trainer(init);
  try {
    const B1 = Math.floor(B / 2);
    const { dropout: rate, seed } = init.training;
    const dropout = rate > 0 ? { rate, seed, streamOffset: B - B1 } : undefined; // the helper's streams come last
    const helper = await GradHelper.start(
      opts.gradWorkerFile,
      init.model,
      init.vocabSize,
      B1,
      T,
      opts.wasmDir,
      dropout,
    );
    return new Trainer({ ...init, helper });
  } catch (e) {
    opts.log?.(`training on one thread: ${e instanceof Error ? e.message : String(e)}`);
    return new Trainer(init);
  }
}

export interface StepResult {
  step: number;
  loss: number;
  gradNorm: number;
  /** Set when this step diverged and the weights were restored. */
  recovered: string | null;
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
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private adamT = 0;
  private good: { params: Float32Array; m: Float32Array; v: Float32Array; adamT: number; step: number } | null = null;
  private readonly evalMax: number;
  private readonly helper: GradHelper | null;
  /** Streams on this thread (the first B0 of B; the helper has the rest). */
  private readonly B0: number;

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
    this.helper = init.helper ?? null;
    if (this.helper && (this.helper.T !== T || this.helper.B1 >= B))
      throw new Error(`gradient helper layout (${this.helper.B1}×${this.helper.T}) does not fit ${B}×${T}`);
    this.B0 = B - (this.helper?.B1 ?? 0);
    this.streamLen = Math.floor((nTrain - 1) / this.B);
    this.rng = new Rng(tc.seed);
    this.lr = tc.learningRate;
    this.evalMax = init.evalMaxTokens ?? 16384;
    this.graph = trainGraphFor(init.arena, init.model, init.vocabSize, this.B0, this.T);
    if (tc.dropout > 0)
      this.graph.dropout = new OutputDropout(tc.dropout, tc.seed, this.B0, T, init.model.hiddenSize, 0);
    const w0 = init.initial ?? initWeights(init.model, init.vocabSize, tc.seed).data;
    this.graph.setWeights(w0);
    const P = w0.length;
    this.m = new Float32Array(P);
    this.v = new Float32Array(P);
    this.startEpoch();
  }

  /** Characters consumed by one step. */
  get charsPerStep(): number {
    return this.B * this.T;
  }

  get hasHeldOut(): boolean {
    return this.heldIds.length >= 2;
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
    this.helper?.state(RESET);
  }

  private fillWindow(): void {
    const { B, B0, T, streamLen, shift, windowInEpoch: w } = this;
    const ids = this.trainIds;
    for (let b = 0; b < B; b++) {
      const base = b * streamLen + shift + w * T;
      // Streams < B0 go to this thread's graph, the rest to the helper's (each time-major).
      const [inputs, targets, Bs, bs] =
        b < B0
          ? [this.graph.inputs, this.graph.targets, B0, b]
          : [this.helper!.views.inputs, this.helper!.views.targets, B - B0, b - B0];
      for (let t = 0; t < T; t++) {
        inputs[t * Bs + bs] = ids[base + t];
        targets[t * Bs + bs] = ids[base + t + 1];
      }
    }
  }

  /** One optimisation step over the next window (a generator that yields between time steps). */
  *trainStep(): Generator<void, StepResult> {
    if (this.good === null || this.step % GOOD_EVERY === 0) this.saveGood();
    this.fillWindow();
    const helper = this.helper;
    this.graph.dropout?.draw(this.step); // this step's mask (the helper draws its streams' part of it)
    helper?.begin(this.graph.params.v, this.step);
    let loss = yield* this.graph.run(true);
    if (helper) {
      yield* helper.wait();
      loss = helper.combineInto(this.graph, loss, this.B0 * this.T, helper.B1 * this.T);
    }
    if (this.init.faultAtStep === this.step) {
      this.init.faultAtStep = undefined; // fire once
      loss = NaN;
    }
    const gradNorm = globalNorm(this.graph.grads.v);
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) return this.recover(loss);
    this.adamUpdate(gradNorm);
    this.graph.carryState();
    this.helper?.state(CARRY);
    this.step++;
    this.windowInEpoch++;
    if (this.windowInEpoch >= this.windowsPerEpoch) {
      this.epoch++;
      this.startEpoch();
    }
    return { step: this.step, loss, gradNorm, recovered: null };
  }

  private adamUpdate(gradNorm: number): void {
    const { clipNorm } = this.init.training;
    const scale = clipNorm > 0 && gradNorm > clipNorm ? clipNorm / gradNorm : 1;
    this.adamT++;
    const p = this.graph.params.v;
    const g = this.graph.grads.v;
    const m = this.m;
    const v = this.v;
    const lrT = (this.lr * Math.sqrt(1 - Math.pow(ADAM_B2, this.adamT))) / (1 - Math.pow(ADAM_B1, this.adamT));
    for (let k = 0; k < p.length; k++) {
      const gk = g[k] * scale;
      m[k] = ADAM_B1 * m[k] + (1 - ADAM_B1) * gk;
      v[k] = ADAM_B2 * v[k] + (1 - ADAM_B2) * gk * gk;
      p[k] -= (lrT * m[k]) / (Math.sqrt(v[k]) + ADAM_EPS);
    }
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
    const { B0: B, T } = this; // this thread's streams only
    const g = this.graph;
    const held = this.heldIds;
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

  /** A copy of the current weights. */
  weights(): ModelWeights {
    return {
      config: this.init.model,
      vocabSize: this.init.vocabSize,
      specs: this.graph.specs,
      data: this.graph.params.v.slice(),
    };
  }

  /** Threads computing gradients (2 with a helper). */
  get threads(): number {
    return this.helper ? 2 : 1;
  }

  dispose(): void {
    this.graph.dispose();
    this.helper?.dispose();
  }
}

export function globalNorm(g: Float32Array): number {
  let s = 0;
  for (let k = 0; k < g.length; k++) s += g[k] * g[k];
  return Math.sqrt(s);
}

/** Runs a generator to completion without yielding to the event loop (tests, CLI). */
export function runSync<R>(gen: Generator<void, R>): R {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

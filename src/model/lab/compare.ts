// "Compare Cells": an LSTM, a GRU and a vanilla RNN trained on the same text with the same budget of
// characters — the first cell (the LSTM) trains for the time budget, the others for as many steps as it
// took, so each sees the same data however fast its code path is — at the same hidden size or at (about)
// the same parameter count, then a long-range probe of the
// three on the held-out tail. Every model here is private (own Trainer, own buffers): the document's own
// model is never touched. Runs one cell after another (one thread), yielding like the document's training.
import type { CompareCellsPoint, CompareCellsResult, LongRangeBucket } from '../../shared/domain';
import { JsArena, type Arena } from '../arena';
import { StepEngine } from '../stepEngine';
import { CELL_TYPES, gateCount, type CellType } from '../cells/cell';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, type ModelConfig, type TrainingConfig } from '../config';
import { stateSize, stepWeights } from '../lstm';
import type { ModelWeights } from '../params';
import { batchLayout, Trainer, type TrainerInit } from '../trainer';
import { MIN_HELDOUT_FOR_CHECKPOINT } from '../bestModel';
import { KERNEL_WIDTH } from '../engine/kernels';
import { runTraining } from '../trainingRun';
import { Vocab } from '../vocab';
import { scanFeatures } from '../lexers/scan';
import { bucketOf, closers, DISTANCE_BUCKETS } from './brackets';
import { bootstrapMean, separation, wilson, type Estimate } from './intervals';

/** Parameters of a one-or-more-layer char model of this cell (embedding, recurrent layers, read-out). */
export function paramCount(cell: CellType, H: number, E: number, V: number, L = 1): number {
  const G = gateCount(cell);
  let n = V * E + H * V + V;
  for (let l = 0; l < L; l++) n += ((l === 0 ? E : H) + H + 1) * G * H;
  return n;
}

/**
 * The hidden size of `cell` whose parameter count is closest to `target` (ties: the smaller), among multiples of
 * `multipleOf` (Compare Cells asks for the SIMD kernels' width, so every cell trains on them).
 */
export function hiddenForParams(cell: CellType, target: number, E: number, V: number, L = 1, multipleOf = 1): number {
  const first = multipleOf > 1 ? multipleOf : 2;
  let best = first;
  for (let H = first; H <= 1024; H += multipleOf)
    if (Math.abs(paramCount(cell, H, E, V, L) - target) < Math.abs(paramCount(cell, best, E, V, L) - target)) best = H;
  return best;
}

/**
 * How long each cell trains. 'pace': the first cell for budgetSec, the others for as many steps (same
 * characters). 'plateau': every cell until its held-out bpc stops improving (PLATEAU), each capped at
 * budgetSec. 'steps': every cell exactly `steps` steps (capped at STEP_MATCH_TIME_CAP × budgetSec).
 */
export type CompareUntil = 'pace' | 'plateau' | 'steps';

/**
 * Compare Cells' early stopping: 3 held-out checks (PLATEAU_EVAL_MS apart) without a 0.01 bpc gain. Measured:
 * with checks 3 s apart an LSTM (H = 128, 130 KB) at ~1 step/s on a busy machine was stopped while still
 * gaining 0.02 bpc per 10 s; 30 s without 0.01 is a flat curve at any speed seen here.
 */
export const PLATEAU = { patience: 3, minDelta: 0.01 };
export const PLATEAU_EVAL_MS = 10_000;

export interface CompareOptions {
  budgetSec: number;
  /** Default 'pace' (see CompareUntil). */
  until?: CompareUntil;
  /** The step budget of until 'steps'. */
  steps?: number;
  match: 'params' | 'hidden';
  /** The LSTM's hidden size; the others match it (same H, or the same parameter count). */
  hiddenSize: number;
  /** Training settings apart from the budget (defaults: the document defaults, the same seed for all). */
  training?: Partial<TrainingConfig>;
  model?: Partial<ModelConfig>;
  /** Cells to compare, in order (default all three). */
  cells?: readonly CellType[];
  /** VS Code language id of the text: the probe then ignores brackets and quotes inside comments. */
  languageId?: string;
}

export interface CompareProgressEvent {
  cell: CellType;
  hiddenSize: number;
  params: number;
  point: CompareCellsPoint;
}

export interface ComparedModel {
  cell: CellType;
  hiddenSize: number;
  params: number;
  weights: ModelWeights;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A cell matching the first cell's steps may take at most this many times the time budget (a slow path's cap). */
export const STEP_MATCH_TIME_CAP = 8;

export class CompareSession {
  running = false;
  private stopRequested = false;
  models: ComparedModel[] = [];
  private ids: Int32Array = new Int32Array(0);
  private syms: Int32Array = new Int32Array(0);
  private starts: Int32Array = new Int32Array(1);
  private vocab: Vocab | null = null;
  private heldFrom = 0;
  private languageId: string | undefined;

  /**
   * `start` makes each cell's trainer: one thread by default; the worker and the CLI pass one that trains on
   * every core as the document's own training does (the comparison runs while that training is paused).
   */
  constructor(
    private readonly arena: Arena,
    private readonly start: (init: TrainerInit) => Promise<Trainer> = (init) => Promise.resolve(new Trainer(init)),
    /** The worker's doorbell (trainingRun's messageWaiting), so a cursor query is answered mid-step. */
    private readonly messageWaiting?: () => boolean,
  ) {}

  /** Cancels a running comparison within one slice (~10 ms); the cells done so far are kept. */
  stop(): void {
    this.stopRequested = true;
  }

  dispose(): void {
    this.stop();
    this.models = [];
  }

  /** UTF-16 offset (in the text compared on) where the held-out tail starts. */
  get heldOutStart(): number {
    return this.starts[this.heldFrom];
  }

  /** Trains the cells on a copy of the tokens (`starts`: their UTF-16 starts plus the end, as in TextDoc). */
  async run(
    tokens: { syms: Int32Array; starts: Int32Array },
    o: CompareOptions,
    onProgress: (p: CompareProgressEvent) => void,
  ): Promise<{ status: 'done' | 'stopped'; results: CompareCellsResult[] }> {
    if (this.running) throw new Error('a comparison is already running');
    this.running = true;
    this.stopRequested = false;
    this.models = [];
    try {
      const base: ModelConfig = { ...DEFAULT_MODEL_CONFIG, ...(o.model ?? {}) };
      this.languageId = o.languageId;
      this.syms = tokens.syms.slice();
      this.starts = tokens.starts.slice();
      const vocab = (this.vocab = Vocab.fromSymbols(this.syms, base.maxVocab));
      const ids = (this.ids = vocab.ids(this.syms));
      const training: TrainingConfig = {
        ...DEFAULT_TRAINING_CONFIG,
        ...(o.training ?? {}),
        timeBudgetSec: o.budgetSec,
        maxEpochs: 0,
      };
      this.heldFrom = batchLayout(ids.length, training).nTrain;
      const V = vocab.size;
      const E = base.embeddingSize;
      const target = paramCount('lstm', o.hiddenSize, E, V, base.layers);
      const results: CompareCellsResult[] = [];
      /** Steps the first cell took in the time budget; the others train for as many. */
      let pace = 0;
      for (const cell of o.cells ?? CELL_TYPES) {
        if (this.stopRequested) return { status: 'stopped', results };
        const H = o.match === 'hidden' ? o.hiddenSize : hiddenForParams(cell, target, E, V, base.layers, KERNEL_WIDTH);
        const model: ModelConfig = { ...base, hiddenSize: H, cell };
        const params = paramCount(cell, H, E, V, base.layers);
        const trainer = await this.start({ model, training, arena: this.arena, ids, vocabSize: V });
        let final: ModelWeights | null = null;
        let best: ModelWeights | null = null;
        const until = o.until ?? 'pace';
        const stepCap = until === 'steps' ? Math.max(1, o.steps ?? 1) : until === 'pace' ? pace : 0;
        try {
          const res = await runTraining(
            trainer,
            {
              timeBudgetSec: stepCap ? o.budgetSec * STEP_MATCH_TIME_CAP : o.budgetSec,
              maxSteps: stepCap,
              maxEpochs: 0,
              // 'plateau' needs frequent checks to see the curve flatten; otherwise ~5 held-out points per cell
              evalEveryMs: until === 'plateau' ? PLATEAU_EVAL_MS : Math.max(500, (o.budgetSec * 1000) / 5),
              snapshotEveryMs: 1e12, // only the final weights matter here
              earlyStop: until === 'plateau' ? PLATEAU : undefined,
              minHeldOutForBest: MIN_HELDOUT_FOR_CHECKPOINT, // a tiny tail: the last weights, no plateau stop
            },
            {
              onProgress: (p) =>
                onProgress({
                  cell,
                  hiddenSize: H,
                  params,
                  point: { step: p.step, loss: p.loss, heldOutBpc: p.heldOutBpc, elapsedSec: p.elapsedSec },
                }),
              onRecovered: () => {},
              onSnapshot: (w) => (final = w),
              onBest: (w) => (best = w),
              shouldStop: () => this.stopRequested,
              messageWaiting: this.messageWaiting,
            },
          );
          if (!pace) pace = Math.max(1, trainer.step);
          // Early stopping keeps the best held-out weights (the probe then reads the model at its best).
          const w = (until === 'plateau' ? best : null) ?? final ?? trainer.weights();
          this.models.push({ cell, hiddenSize: H, params, weights: w });
          results.push({
            cell,
            hiddenSize: H,
            params,
            heldOutBpc: until === 'plateau' && res.best ? res.best.heldOutBpc : (res.latest?.heldOutBpc ?? null),
            steps: trainer.step,
            ended:
              res.status === 'stopped'
                ? 'cancelled'
                : res.stoppedEarly
                  ? 'plateau'
                  : stepCap && trainer.step >= stepCap
                    ? 'steps'
                    : 'time',
            bestStep: res.best?.step ?? null,
          });
          if (res.status === 'stopped') return { status: 'stopped', results };
        } finally {
          trainer.dispose();
        }
      }
      return { status: 'done', results };
    } finally {
      this.running = false;
    }
  }

  /**
   * For every closing bracket / brace / paren / quote in the held-out tail, the probability each compared
   * model gives the correct closer, bucketed by distance to its opener. Each model reads from a zero state
   * `warmup` tokens before the tail (as cursor predictions do), one readable step at a time.
   */
  async probe(warmup = 128): Promise<{ heldOutStart: number; buckets: ProbeBucket[]; verdict: string }> {
    if (!this.vocab || this.models.length === 0) throw new Error('no compared models');
    const skip = this.languageId ? scanFeatures(this.syms, this.languageId).table.inComment : undefined;
    const r = await probeModels(this.models, this.ids, this.syms, this.heldFrom, warmup, this.arena, skip);
    return { heldOutStart: this.heldOutStart, buckets: r.buckets, verdict: probeVerdict(r.buckets) };
  }
}

export interface ProbeBucket extends LongRangeBucket {
  /** Fraction of closers where the correct closer is the most probable token, per cell. */
  top1: { lstm: number | null; gru: number | null; rnn: number | null };
}

/** The long-range probe over the closers at token positions ≥ `heldFrom` (see CompareSession.probe). */
export async function probeModels(
  models: readonly ComparedModel[],
  ids: Int32Array,
  syms: Int32Array,
  heldFrom: number,
  warmup = 128,
  arena: Arena = new JsArena(),
  skip?: ArrayLike<number>,
): Promise<{ buckets: ProbeBucket[] }> {
  const pairs = closers(syms, skip).filter((p) => p.close >= heldFrom);
  const wanted = new Map<number, number>(); // closer position → distance
  for (const p of pairs) wanted.set(p.close, p.close - p.open);
  const sums = DISTANCE_BUCKETS.map(() => ({
    count: 0,
    prob: new Map<CellType, number>(),
    top: new Map<CellType, number>(),
    /** Each closer's probability, per cell (the bootstrap resamples these). */
    each: new Map<CellType, number[]>(),
  }));
  for (const p of pairs) sums[bucketOf(p.close - p.open)].count++;
  let last = performance.now();
  for (const m of models) {
    const w = stepWeights(m.weights);
    // The cursor-inference engine: XNNPACK matvecs for the LSTM, the readable step for GRU / RNN.
    const engine = new StepEngine(w, arena);
    try {
      const state = new Float32Array(stateSize(w));
      const probs = new Float32Array(w.V);
      const from = Math.max(0, heldFrom - warmup);
      for (let p = from; p < ids.length; p++) {
        // The probability of token p given tokens < p (the state has read from..p-1).
        const d = wanted.get(p);
        if (d !== undefined && p > from) {
          engine.probs(state, probs);
          const y = ids[p];
          let best = 0;
          for (let v = 1; v < probs.length; v++) if (probs[v] > probs[best]) best = v;
          const b = sums[bucketOf(d)];
          b.prob.set(m.cell, (b.prob.get(m.cell) ?? 0) + probs[y]);
          const each = b.each.get(m.cell) ?? [];
          each.push(probs[y]);
          b.each.set(m.cell, each);
          b.top.set(m.cell, (b.top.get(m.cell) ?? 0) + (best === y ? 1 : 0));
        }
        engine.step(state, ids[p]);
        if (performance.now() - last > 10) {
          await tick();
          last = performance.now();
        }
      }
    } finally {
      engine.dispose();
    }
  }
  const per = (b: (typeof sums)[number], which: 'prob' | 'top', cell: CellType) =>
    models.some((m) => m.cell === cell) && b.count > 0 ? (b[which].get(cell) ?? 0) / b.count : null;
  const ci = (b: (typeof sums)[number], which: 'prob' | 'top', cell: CellType): [number, number] | null => {
    if (!models.some((m) => m.cell === cell) || b.count === 0) return null;
    const e =
      which === 'top'
        ? wilson(b.top.get(cell) ?? 0, b.count)
        : bootstrapMean(b.each.get(cell) ?? [], 1 + CELL_TYPES.indexOf(cell));
    return [e.lo, e.hi];
  };
  const buckets = DISTANCE_BUCKETS.map((d, k) => {
    const b = sums[k];
    return {
      label: d.label,
      minDistance: d.min,
      maxDistance: d.max,
      count: b.count,
      meanProb: { lstm: per(b, 'prob', 'lstm'), gru: per(b, 'prob', 'gru'), rnn: per(b, 'prob', 'rnn') },
      top1: { lstm: per(b, 'top', 'lstm'), gru: per(b, 'top', 'gru'), rnn: per(b, 'top', 'rnn') },
      meanProbCi: { lstm: ci(b, 'prob', 'lstm'), gru: ci(b, 'prob', 'gru'), rnn: ci(b, 'prob', 'rnn') },
      top1Ci: { lstm: ci(b, 'top', 'lstm'), gru: ci(b, 'top', 'gru'), rnn: ci(b, 'top', 'rnn') },
    };
  });
  return { buckets };
}

/** Closers a bucket needs before its intervals count in the verdict. */
export const VERDICT_MIN_CLOSERS = 10;

/**
 * Whether the cells are separated on the probe, in words: one (or two) cells' mean-probability intervals
 * above the others' from some distance bucket on ("LSTM ahead beyond 20 characters"), or "not separated
 * yet: train longer". Buckets with fewer than VERDICT_MIN_CLOSERS closers are left out: a bootstrap over
 * one or two values has no width and would call any difference a separation.
 */
export function probeVerdict(buckets: readonly LongRangeBucket[]): string {
  const points = buckets
    .filter((b) => b.count >= VERDICT_MIN_CLOSERS)
    .map((b) => ({
      x: b.minDistance,
      from: `beyond ${b.minDistance - 1} characters`,
      to: b.maxDistance === null ? undefined : `up to ${b.maxDistance} characters`,
      estimates: Object.fromEntries(
        CELL_TYPES.map((c) => {
          const v = b.meanProb[c];
          const i = b.meanProbCi[c];
          return [c, v === null || i === null ? null : { value: v, lo: i[0], hi: i[1] }];
        }),
      ) as Record<CellType, Estimate | null>,
    }));
  return separation(points, CELL_TYPES).words;
}

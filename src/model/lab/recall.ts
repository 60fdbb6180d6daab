// The recall experiment: Olah's "I grew up in France … I speak fluent French" made exact, in the spirit of
// Hochreiter & Schmidhuber's 1997 long-time-lag tasks. From the document's own characters: an opener
// character, then a cue symbol (one of a few of the document's characters) near the start of a sequence,
// G − 2 characters of the document's text as distractor (markers removed, cue characters kept, so a cell
// must protect what it stored), a marker character that asks for the recall, and the target — the cue
// again, exactly G characters after it. Each cell (LSTM, GRU, RNN, at the
// same parameter count or the same hidden size) trains on private weights with back-propagation through the
// whole sequence (the window is the sequence, so truncation never cuts the gap) and loss only on the recall
// position; gaps are mixed by a curriculum that lengthens them as the cell masters the current ones
// ('each-gap' instead trains a fresh model at each gap alone: the setting where a plain RNN cannot learn). Test
// sequences come from the held-out tail; accuracy per gap carries a Wilson 95 % interval. Deterministic for
// a seed (a step budget, not a time budget); cancellable between steps; the document's model is untouched.
import {
  RECALL_DEFAULTS,
  type CellType,
  type RecallCellResult,
  type RecallPoint,
  type RecallProgress,
  type RecallResult,
} from '../../shared/domain';
import type { Arena } from '../arena';
import { CELL_TYPES } from '../cells/cell';
import { DEFAULT_MODEL_CONFIG, type ModelConfig } from '../config';
import { trainGraphFor, type TrainGraph } from '../engine/trainGraph';
import { initWeights, spec, type ModelWeights } from '../params';
import { Rng } from '../rng';
import { globalNorm } from '../trainer';
import { Vocab } from '../vocab';
import { hiddenForParams, paramCount } from './compare';
import { separation, wilson } from './intervals';

export interface RecallOptions {
  /** Gaps tested, in characters from cue to target. */
  gaps: readonly number[];
  /** Cue symbols (chance is 1 / cues). */
  cues: number;
  match: 'params' | 'hidden';
  /** The LSTM's hidden size; the others match it (same H, or about the same parameter count). */
  hiddenSize: number;
  embeddingSize: number;
  /**
   * Optimisation steps per cell at most (a budget of steps, not seconds, so a seed fixes the result); a cell
   * that has mastered the longest gap stops before (Curriculum.mastered).
   */
  steps: number;
  batchSize: number;
  learningRate: number;
  clipNorm: number;
  /** Test sequences per gap and cell. */
  testsPerGap: number;
  /**
   * 'curriculum': one model per cell over mixed gaps, lengthened as it masters them (see Curriculum);
   * 'each-gap': a fresh model per cell and gap, trained at that gap alone (Hochreiter & Schmidhuber's setup:
   * nothing short to learn from first), `steps` steps each.
   */
  schedule: RecallSchedule;
  seed: number;
  cells: readonly CellType[];
}

export type RecallSchedule = 'curriculum' | 'each-gap';

export const DEFAULT_RECALL_OPTIONS: RecallOptions = {
  gaps: [5, 10, 20, 50, 100, 200], // short enough for any cell … past where a plain RNN's gradient vanishes
  cues: 8, // chance 1/8: small enough to learn in the budget, far enough from 1 to see a failure
  match: 'params', // the essay's question: the same capacity, a different cell
  hiddenSize: RECALL_DEFAULTS.hiddenSize, // see RECALL_DEFAULTS
  embeddingSize: 16, // enough to tell cue, marker and distractor characters apart
  steps: RECALL_DEFAULTS.steps, // see RECALL_DEFAULTS; a cell that masters the longest gap stops before
  batchSize: 32, // sequences per step
  learningRate: 1e-2, // Adam on a small model and a sparse loss: 2e-3 learns the same, three times slower
  clipNorm: 1, // one recall loss per sequence: early gradients spike when a cell first latches a cue
  testsPerGap: 300, // a Wilson interval of about ±0.03 near 0.95 and ±0.04 near chance
  seed: RECALL_DEFAULTS.seed,
  cells: CELL_TYPES,
  schedule: 'curriculum', // measured: from scratch at one long gap no cell learns in the budget (see README)
};

/** Distractor characters before the cue: "near the start", and the cue never sits at position 0. */
export const RECALL_LEAD = 3;

/** The cue alphabet, the two markers and the distractor text, all from one document's characters. */
export interface RecallTask {
  cues: Int32Array;
  /** Says "the next character is the cue" (just before it). */
  opener: number;
  /** Asks for the recall (just before the target). */
  marker: number;
  /** The document's characters with the two markers removed (cue characters stay: they interfere). */
  train: Int32Array;
  test: Int32Array;
  vocab: Vocab;
}

/** Printable characters other than space, most frequent first (ties: by code point). */
function ranked(syms: Int32Array): number[] {
  const counts = new Map<number, number>();
  for (const s of syms) if (s > 32 && s !== 127) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([s]) => s);
}

/** The commonest printable characters are skipped as cues (they would make the distractor all cue). */
const SKIP_COMMON = 6;

/**
 * Picks `cues` cue characters and two markers from the text: the markers are its two rarest printable
 * characters, the cues the next most frequent after the SKIP_COMMON commonest. The distractor is the text
 * without the markers — cue characters stay in it, so a cell must hold the one after the opener against
 * the same characters arriving later (the "protect the memory" half of the essay's argument). Its last
 * 10 % (at least 1,000 characters, if there are 4,000) is the test part.
 */
export function recallTask(syms: Int32Array, cues: number, maxVocab = DEFAULT_MODEL_CONFIG.maxVocab): RecallTask {
  const r = ranked(syms);
  if (r.length < cues + 2)
    throw new Error(`the text has ${r.length} printable characters; the recall task needs ${cues + 2}`);
  const marker = r[r.length - 1];
  const opener = r[r.length - 2];
  const from = Math.max(0, Math.min(SKIP_COMMON, r.length - 2 - cues));
  const cueSyms = Int32Array.from(r.slice(from, from + cues));
  const rest = syms.filter((s) => s !== marker && s !== opener);
  if (rest.length < 16) throw new Error('the text is too short for the recall task');
  const nTest = rest.length >= 4000 ? Math.max(1000, Math.floor(rest.length * 0.1)) : 0;
  const train = rest.subarray(0, rest.length - nTest);
  const test = nTest > 0 ? rest.subarray(rest.length - nTest) : train;
  return { cues: cueSyms, opener, marker, train, test, vocab: Vocab.fromSymbols(syms, maxVocab) };
}

/** Seeded random text: letters, digits and some punctuation in words and lines, then '@~' (the synthetic experiment's markers). */
export function syntheticRecallText(n: number, seed: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:=+-*/()[]{}<>#!?';
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const r = rng.next();
    out.push(r < 0.15 ? ' ' : r < 0.17 ? '\n' : alphabet[rng.int(alphabet.length)]);
  }
  return out.join('') + '@~'; // two rare characters: the opener and the marker
}

/**
 * One sequence: RECALL_LEAD − 1 distractors, the opener, the cue, G − 2 distractors, the marker, then the
 * target (the cue again, exactly G characters after it).
 */
export interface RecallSequence {
  /** Symbols, RECALL_LEAD + gap + 1 of them; the last is the target. */
  syms: Int32Array;
  cueAt: number;
  targetAt: number;
}

export function recallSequence(task: RecallTask, gap: number, rng: Rng, part: 'train' | 'test'): RecallSequence {
  const src = part === 'train' ? task.train : task.test;
  const n = RECALL_LEAD + gap + 1;
  const syms = new Int32Array(n);
  let at = rng.int(src.length);
  for (let k = 0; k < n; k++) {
    syms[k] = src[at];
    at = at + 1 < src.length ? at + 1 : 0;
  }
  const cue = task.cues[rng.int(task.cues.length)];
  const cueAt = RECALL_LEAD;
  const targetAt = cueAt + gap;
  syms[cueAt - 1] = task.opener;
  syms[cueAt] = cue;
  syms[targetAt - 1] = task.marker;
  syms[targetAt] = cue;
  return { syms, cueAt, targetAt };
}

/** Model weights for a cell of this experiment (fresh, seeded). */
export function recallModel(cell: CellType, H: number, o: Pick<RecallOptions, 'embeddingSize'>): ModelConfig {
  return { ...DEFAULT_MODEL_CONFIG, cell, hiddenSize: H, embeddingSize: o.embeddingSize, layers: 1 };
}

/**
 * The graphs one set of weights runs on, one per window length (a gap's sequence is one window), sharing
 * nothing but the weights they are loaded with.
 */
class Windows {
  private readonly graphs = new Map<number, TrainGraph>();
  constructor(
    private readonly arena: Arena,
    private readonly cfg: ModelConfig,
    private readonly V: number,
    private readonly B: number,
  ) {}

  /** The graph for sequences of this gap, loaded with `weights`, its state zeroed. */
  at(gap: number, weights: Float32Array): TrainGraph {
    const T = RECALL_LEAD + gap;
    let g = this.graphs.get(T);
    if (!g) {
      g = trainGraphFor(this.arena, this.cfg, this.V, this.B, T);
      this.graphs.set(T, g);
    }
    g.setWeights(weights);
    g.resetState();
    return g;
  }

  dispose(): void {
    for (const g of this.graphs.values()) g.dispose();
    this.graphs.clear();
  }
}

/** Fills a graph's window with B sequences of one gap; loss only at the recall position. */
function fill(g: TrainGraph, task: RecallTask, gap: number, rng: Rng, part: 'train' | 'test'): Int32Array {
  const { B, T } = g;
  const want = new Int32Array(B);
  g.targets.fill(-1);
  for (let b = 0; b < B; b++) {
    const s = recallSequence(task, gap, rng, part);
    for (let t = 0; t < T; t++) g.inputs[t * B + b] = task.vocab.id(s.syms[t]);
    want[b] = task.vocab.id(s.syms[s.targetAt]);
    g.targets[(T - 1) * B + b] = want[b];
  }
  return want;
}

/**
 * How many of the window's recall positions the model gets right: the most probable class is the cue
 * (ties broken at random with `rng`, so a model that cannot tell the cues apart scores chance, not 0).
 * Reads the top layer's h at the last step (the graph has run forward) and the read-out weights.
 */
function countCorrect(g: TrainGraph, want: Int32Array, weights: Float32Array, rng: Rng): number {
  const { B, T, H, V } = g;
  const n = want.length; // the first n sequences of the window are counted
  const wy = spec(g.specs, 'output.kernel');
  const by = spec(g.specs, 'output.bias');
  const hs = g.outputs();
  const logits = new Float64Array(V);
  let correct = 0;
  for (let b = 0; b < n; b++) {
    const row = ((T - 1) * B + b) * H;
    for (let v = 0; v < V; v++) logits[v] = weights[by.offset + v];
    for (let k = 0; k < H; k++) {
      const h = hs[row + k];
      const o = wy.offset + k * V;
      for (let v = 0; v < V; v++) logits[v] += h * weights[o + v];
    }
    let max = -Infinity;
    let ties = 0;
    let pick = -1;
    for (let v = 0; v < V; v++) {
      if (logits[v] > max) {
        max = logits[v];
        ties = 1;
        pick = v;
      } else if (logits[v] === max && rng.int(++ties) === 0) pick = v; // reservoir: uniform among ties
    }
    if (pick === want[b]) correct++;
  }
  return correct;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Accuracy (moving average over training batches) at which the curriculum lengthens its longest gap. */
const PROMOTE_AT = 0.9;
/** Each promotion multiplies the longest gap by this (rounded up). */
const PROMOTE_BY = 1.5;
/** The curriculum's first longest gap. */
const FIRST_GAP = 10;
/** A cell that keeps this moving accuracy at the longest gap for MASTERED_AFTER batches stops training early. */
const MASTERED = 0.99;
const MASTERED_AFTER = 30;

/**
 * The gaps a cell trains on: half the batches at the current longest gap, half at a gap drawn uniformly
 * from 2 … longest (so the short gaps are not forgotten); the longest grows by PROMOTE_BY whenever the
 * moving accuracy reaches PROMOTE_AT, up to the experiment's longest gap.
 */
export class Curriculum {
  longest: number;
  accuracy = 0;
  private seen = 0;
  constructor(
    private readonly maxGap: number,
    private readonly rng: Rng,
  ) {
    this.longest = Math.min(FIRST_GAP, maxGap);
  }

  /** At the longest gap with MASTERED accuracy for MASTERED_AFTER batches: more steps would change nothing. */
  get mastered(): boolean {
    return this.longest >= this.maxGap && this.seen >= MASTERED_AFTER && this.accuracy >= MASTERED;
  }

  next(): number {
    return this.rng.next() < 0.5 ? this.longest : 2 + this.rng.int(this.longest - 1);
  }

  observe(rate: number): void {
    this.seen++;
    this.accuracy = this.seen === 1 ? rate : 0.9 * this.accuracy + 0.1 * rate;
    if (this.seen >= 10 && this.accuracy >= PROMOTE_AT && this.longest < this.maxGap) {
      this.longest = Math.min(this.maxGap, Math.ceil(this.longest * PROMOTE_BY));
      this.seen = 0;
      this.accuracy = 0;
    }
  }
}

const ADAM_B1 = 0.9; // Adam's usual moment decays, as in trainer.ts
const ADAM_B2 = 0.999;
const ADAM_EPS = 1e-8;

/** Adam with global-norm clipping over one flat weight vector. */
class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;
  constructor(
    private readonly p: Float32Array,
    private readonly lr: number,
    private readonly clip: number,
  ) {
    this.m = new Float32Array(p.length);
    this.v = new Float32Array(p.length);
  }

  step(g: Float32Array): void {
    const n = globalNorm(g);
    if (!Number.isFinite(n)) return; // a non-finite gradient is skipped, not applied
    const scale = this.clip > 0 && n > this.clip ? this.clip / n : 1;
    this.t++;
    const lrT = (this.lr * Math.sqrt(1 - ADAM_B2 ** this.t)) / (1 - ADAM_B1 ** this.t);
    const { p, m, v } = this;
    for (let k = 0; k < p.length; k++) {
      const gk = g[k] * scale;
      m[k] = ADAM_B1 * m[k] + (1 - ADAM_B1) * gk;
      v[k] = ADAM_B2 * v[k] + (1 - ADAM_B2) * gk * gk;
      p[k] -= (lrT * m[k]) / (Math.sqrt(v[k]) + ADAM_EPS);
    }
  }
}

/**
 * Accuracy per gap of a model on `testsPerGap` held-out sequences each (seeded: every model is tested on
 * the same sequences), with Wilson intervals. Used on trained cells and, in tests, on hand-set weights.
 */
export async function scoreRecall(
  weights: ModelWeights,
  task: RecallTask,
  o: Pick<RecallOptions, 'gaps' | 'testsPerGap' | 'batchSize' | 'seed'>,
  arena: Arena,
  shouldStop: () => boolean = () => false,
): Promise<RecallPoint[] | null> {
  const windows = new Windows(arena, weights.config, weights.vocabSize, o.batchSize);
  try {
    const points: RecallPoint[] = [];
    for (const gap of o.gaps) {
      const data = new Rng(o.seed * 7919 + gap); // the same test sequences for every model
      const ties = new Rng(o.seed + 1);
      let correct = 0;
      let n = 0;
      while (n < o.testsPerGap) {
        if (shouldStop()) return null;
        const g = windows.at(gap, weights.data);
        const want = fill(g, task, gap, data, 'test');
        const run = g.run(false);
        while (!run.next().done);
        const take = Math.min(g.B, o.testsPerGap - n);
        correct += countCorrect(g, want.subarray(0, take), weights.data, ties);
        n += take;
        await tick();
      }
      const w = wilson(correct, n);
      points.push({ gap, n, correct, accuracy: w.value, lo: w.lo, hi: w.hi });
    }
    return points;
  } finally {
    windows.dispose();
  }
}

/** The verdict over the cells' recall curves (see intervals.ts separation). */
export function recallVerdict(cells: readonly RecallCellResult[], gaps: readonly number[]): string {
  const points = gaps.map((gap) => ({
    x: gap,
    from: `from a gap of ${gap}`,
    to: `up to a gap of ${gap}`,
    estimates: Object.fromEntries(
      cells.map((c) => {
        const p = c.points.find((q) => q.gap === gap);
        return [c.cell, p ? { value: p.accuracy, lo: p.lo, hi: p.hi } : null];
      }),
    ) as Partial<Record<CellType, { value: number; lo: number; hi: number } | null>>,
  }));
  return separation(
    points,
    cells.map((c) => c.cell),
  ).words;
}

/**
 * Trains fresh weights of `cfg` for o.steps steps: at `fixedGap` only, or (null) on the curriculum up to
 * `maxGap`. Null when stopped.
 */
async function trainRecall(
  cfg: ModelConfig,
  task: RecallTask,
  o: RecallOptions,
  arena: Arena,
  maxGap: number,
  fixedGap: number | null,
  shouldStop: () => boolean,
  onProgress: (step: number, c: Curriculum) => void,
): Promise<{ weights: ModelWeights; steps: number; reached: number } | null> {
  const V = task.vocab.size;
  const w = initWeights(cfg, V, o.seed);
  const adam = new Adam(w.data, o.learningRate, o.clipNorm);
  const data = new Rng(o.seed * 31 + (fixedGap ?? 0)); // every cell sees the same sequences (while curricula agree)
  const curriculum = new Curriculum(maxGap, new Rng(o.seed + 2));
  const ties = new Rng(o.seed + 3);
  const windows = new Windows(arena, cfg, V, o.batchSize);
  let last = performance.now();
  let step = 0;
  try {
    for (; step < o.steps && !curriculum.mastered; step++) {
      if (shouldStop()) return null;
      const gap = fixedGap ?? curriculum.next();
      const g = windows.at(gap, w.data);
      const want = fill(g, task, gap, data, 'train');
      const run = g.run(true);
      while (!run.next().done);
      curriculum.observe(countCorrect(g, want, w.data, ties) / g.B);
      adam.step(g.grads.v);
      if (performance.now() - last > 100 || step === o.steps - 1 || curriculum.mastered) {
        onProgress(step + 1, curriculum);
        await tick();
        last = performance.now();
      }
    }
  } finally {
    windows.dispose();
  }
  return { weights: w, steps: step, reached: fixedGap ?? curriculum.longest };
}

/** Runs the experiment; `shouldStop` is polled between steps (a cancel lands within one step, ~10-100 ms). */
export async function runRecall(
  syms: Int32Array,
  options: Partial<RecallOptions>,
  arena: Arena,
  hooks: { onProgress?: (p: RecallProgress) => void; shouldStop?: () => boolean } = {},
): Promise<RecallResult> {
  const o: RecallOptions = { ...DEFAULT_RECALL_OPTIONS, ...options };
  const t0 = performance.now();
  const shouldStop = hooks.shouldStop ?? (() => false);
  const task = recallTask(syms, o.cues);
  const V = task.vocab.size;
  const E = o.embeddingSize;
  const gaps = [...o.gaps].sort((a, b) => a - b);
  const maxGap = gaps[gaps.length - 1];
  const target = paramCount('lstm', o.hiddenSize, E, V);
  const cells: RecallCellResult[] = [];
  const result = (status: 'done' | 'stopped'): RecallResult => ({
    status,
    gaps,
    chance: 1 / task.cues.length,
    cues: String.fromCodePoint(...task.cues),
    opener: String.fromCodePoint(task.opener),
    marker: String.fromCodePoint(task.marker),
    seed: o.seed,
    cells,
    verdict: recallVerdict(cells, gaps),
    elapsedSec: (performance.now() - t0) / 1000,
  });
  const progress = (cell: CellType, step: number, steps: number, c: Curriculum) =>
    hooks.onProgress?.({ cell, step, steps, trainAccuracy: c.accuracy, gapReached: c.longest });
  for (const cell of o.cells) {
    const H = o.match === 'hidden' ? o.hiddenSize : hiddenForParams(cell, target, E, V);
    const cfg = recallModel(cell, H, o);
    const params = paramCount(cell, H, E, V);
    if (o.schedule === 'curriculum') {
      const t = await trainRecall(cfg, task, o, arena, maxGap, null, shouldStop, (s, c) =>
        progress(cell, s, o.steps, c),
      );
      if (!t) return result('stopped');
      const points = await scoreRecall(t.weights, task, o, arena, shouldStop);
      if (!points) return result('stopped');
      cells.push({ cell, hiddenSize: H, params, steps: t.steps, reachedGap: t.reached, points });
      continue;
    }
    const points: RecallPoint[] = [];
    let steps = 0;
    for (const [k, gap] of gaps.entries()) {
      const t = await trainRecall(cfg, task, o, arena, gap, gap, shouldStop, (s, c) =>
        progress(cell, k * o.steps + s, gaps.length * o.steps, c),
      );
      if (!t) return result('stopped');
      const p = await scoreRecall(t.weights, task, { ...o, gaps: [gap] }, arena, shouldStop);
      if (!p) return result('stopped');
      points.push(...p);
      steps += t.steps;
    }
    cells.push({ cell, hiddenSize: H, params, steps, reachedGap: maxGap, points });
  }
  return result('done');
}
